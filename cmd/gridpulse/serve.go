package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/frontend"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/tile"
	"github.com/gridpulse/gridpulse/server"
)

func init() {
	register("serve", "serve the dashboard, the vector tiles and the API", runServe)
}

// serveOptions are the serve flags, each also settable from the
// environment.
type serveOptions struct {
	addr string
	data string
}

func parseServeFlags(args []string) (serveOptions, error) {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	var o serveOptions
	flags.StringVar(&o.addr, "addr", envOr("GRIDPULSE_ADDR", "127.0.0.1:8080"), "host:port to listen on; port 0 picks a free one (env GRIDPULSE_ADDR)")
	flags.StringVar(&o.data, "data", envOr("GRIDPULSE_DATA", "data"), "data directory; areas are read from <data>/areas (env GRIDPULSE_DATA)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: gridpulse serve [--addr HOST:PORT] [--data DIR]")
		fmt.Fprintln(flags.Output(), "\nServes the map page at /, vector tiles at /tiles/{z}/{x}/{y}.mvt, the API under /api/v1,")
		fmt.Fprintln(flags.Output(), "and /healthz, /readyz and /metrics. Stops cleanly on SIGINT or SIGTERM.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return o, err
	}
	if flags.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	return o, nil
}

// envOr is the environment variable key, or def when it is unset or empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func runServe(ctx context.Context, args []string) error {
	o, err := parseServeFlags(args)
	if err != nil {
		return err
	}
	web, err := frontend.Dist()
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{Addr: o.addr}, server.Deps{Frontend: web, Logger: slog.Default()})
	if err != nil {
		return err
	}

	// Listen at once, so /healthz answers while the areas load; /readyz
	// turns 200 when they are indexed.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- srv.Run(ctx) }()

	areas, err := loadAreas(filepath.Join(o.data, "areas"))
	if err != nil {
		cancel()
		return errors.Join(err, <-served)
	}
	if err := srv.SetAreas(areas); err != nil {
		cancel()
		return errors.Join(err, <-served)
	}
	return <-served
}

// loadAreas reads the area layers from dir and indexes them, logging the
// figures a person starting the server wants to see.
func loadAreas(dir string) (server.Areas, error) {
	start := time.Now()
	set, err := area.ReadDir(dir)
	if err != nil {
		return server.Areas{}, fmt.Errorf("load areas (seed them with `gridpulse seed --out %s`): %w", dir, err)
	}
	read := time.Since(start)
	counts := make([]any, 0, len(area.Layers))
	total := 0
	for _, l := range area.Layers {
		counts = append(counts, slog.Int(string(l), set.Count(l)))
		total += set.Count(l)
	}
	if total == 0 {
		return server.Areas{}, fmt.Errorf("no areas in %s: seed them with `gridpulse seed --out %s` or import your own with `gridpulse import`", dir, dir)
	}
	slog.Info("areas read", "dir", dir, "took", read.Round(time.Millisecond), slog.Group("count", counts...))

	start = time.Now()
	ix := geo.NewIndex(set)
	slog.Info("index built", "areas", total, "took", time.Since(start).Round(time.Millisecond))
	return server.Areas{Index: ix, Tiles: tile.NewRenderer(ix, tile.Config{})}, nil
}
