package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/query"
	"github.com/gridpulse/gridpulse/analytics/writer"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/frontend"
	"github.com/gridpulse/gridpulse/gctune"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/tile"
	"github.com/gridpulse/gridpulse/open311"
	"github.com/gridpulse/gridpulse/seed/simulate"
	"github.com/gridpulse/gridpulse/server"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/hub"
	"github.com/gridpulse/gridpulse/stream/ingest"
	"github.com/gridpulse/gridpulse/stream/live"
)

func init() {
	register("serve", "serve the dashboard, the vector tiles and the API", runServe)
}

// serveOptions are the serve flags, each also settable from the
// environment.
type serveOptions struct {
	addr       string
	data       string
	natsURL    string
	natsListen string
	clickhouse string
	simulate   bool
	simSpeed   float64
	simWarmup  time.Duration
	basemap    string
	users      string
	demo       bool
	authKey    string
	wsConns    int
}

func parseServeFlags(args []string) (serveOptions, error) {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	var o serveOptions
	flags.StringVar(&o.addr, "addr", envOr("GRIDPULSE_ADDR", "127.0.0.1:8080"), "host:port to listen on; port 0 picks a free one (env GRIDPULSE_ADDR)")
	flags.StringVar(&o.data, "data", envOr("GRIDPULSE_DATA", "data"), "data directory; areas are read from <data>/areas, the embedded bus stores in <data>/nats (env GRIDPULSE_DATA)")
	flags.StringVar(&o.natsURL, "nats", envOr("GRIDPULSE_NATS_URL", ""), "URL of an external NATS JetStream cluster; empty runs the bus embedded (env GRIDPULSE_NATS_URL)")
	flags.StringVar(&o.natsListen, "nats-listen", envOr("GRIDPULSE_NATS_LISTEN", ""), "host:port for the embedded NATS server to accept other processes on; empty keeps it in-process (env GRIDPULSE_NATS_LISTEN)")
	flags.StringVar(&o.clickhouse, "clickhouse", envOr("GRIDPULSE_CLICKHOUSE_DSN", ""), "DSN of a ClickHouse server (clickhouse://user:pass@host:9000/db); empty runs ClickHouse embedded in <data>/clickhouse (env GRIDPULSE_CLICKHOUSE_DSN)")
	flags.BoolVar(&o.simulate, "simulate", false, "drive the district with the simulator, posting to this server's own ingest API")
	flags.Float64Var(&o.simSpeed, "sim-speed", 1, "simulator speed-up factor (60: a simulated hour per minute)")
	flags.DurationVar(&o.simWarmup, "sim-warmup", 0, "simulate this long of work orders and alarms before now, so the map opens with a backlog")
	flags.StringVar(&o.basemap, "basemap", envOr("GRIDPULSE_BASEMAP", ""), "optional raster basemap under the areas: an XYZ URL with {z}/{x}/{y} or a WMTS URL with {TileMatrix}/{TileRow}/{TileCol}, Web Mercator, WGS-84/CGCS2000 (e.g. 天地图 vec_w); empty keeps the page fully offline (env GRIDPULSE_BASEMAP)")
	flags.StringVar(&o.users, "users", envOr("GRIDPULSE_USERS", ""), "users file: who may sign in, their roles and areas, and the integrator keys (docs/access.md) (env GRIDPULSE_USERS)")
	flags.BoolVar(&o.demo, "demo", envOr("GRIDPULSE_DEMO", "") == "1", "demo sign-in instead of a users file: one user per role, password \"demo\", shown on the login page (env GRIDPULSE_DEMO=1)")
	flags.StringVar(&o.authKey, "auth-key", envOr("GRIDPULSE_AUTH_KEY", ""), "file of the key tokens are signed with, made on first start; every server of one deployment needs the same (default <data>/auth.key) (env GRIDPULSE_AUTH_KEY)")
	flags.IntVar(&o.wsConns, "ws-conns-per-user", 16, "most live WebSocket connections one user may hold open")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: gridpulse serve (--users FILE | --demo) [--addr HOST:PORT] [--data DIR] [--nats URL] [--simulate]")
		fmt.Fprintln(flags.Output(), "\nServes the map page at /, vector tiles at /tiles/{z}/{x}/{y}.mvt, the API under /api/v1,")
		fmt.Fprintln(flags.Output(), "ingest at POST /api/v1/events, the live WebSocket at /ws,")
		fmt.Fprintln(flags.Output(), "and /healthz, /readyz and /metrics. Stops cleanly on SIGINT or SIGTERM.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return o, err
	}
	if flags.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	if o.simSpeed <= 0 || o.simSpeed > 3600 {
		return o, fmt.Errorf("--sim-speed %v is outside (0, 3600]", o.simSpeed)
	}
	if o.users != "" && o.demo {
		return o, errors.New("--users and --demo: give one")
	}
	if o.users == "" && !o.demo {
		return o, errNoUsers
	}
	if o.wsConns < 1 {
		return o, fmt.Errorf("--ws-conns-per-user %d: want at least 1", o.wsConns)
	}
	if o.simWarmup < 0 || o.simWarmup > 30*24*time.Hour {
		return o, fmt.Errorf("--sim-warmup %v is outside 0..720h", o.simWarmup)
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
	slog.Info("garbage collector", "settings", gctune.Tune(os.Getenv).String())
	web, err := frontend.Dist()
	if err != nil {
		return err
	}
	registry := prometheus.NewRegistry()
	srv, err := server.New(server.Config{Addr: o.addr, MaxWSConnsPerUser: o.wsConns}, server.Deps{Frontend: web, Logger: slog.Default(), Registry: registry})
	if err != nil {
		return err
	}
	if err := srv.SetDashboard(server.Dashboard{Basemap: o.basemap}); err != nil {
		return fmt.Errorf("--basemap: %w", err)
	}

	// Listen at once, so /healthz answers while the areas load and the
	// live state replays the stream; /readyz turns 200 when all is ready.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	served := make(chan error, 1)
	go func() { served <- srv.Run(ctx) }()
	fail := func(err error) error {
		cancel()
		return errors.Join(err, <-served)
	}

	areas, err := loadAreas(filepath.Join(o.data, "areas"))
	if err != nil {
		return fail(err)
	}
	if err := srv.SetAreas(areas); err != nil {
		return fail(err)
	}
	access, err := accessControl(o, areas.Index.Areas())
	if err != nil {
		return fail(err)
	}
	srv.SetAuth(access)

	busCfg := bus.DefaultConfig(filepath.Join(o.data, "nats"))
	busCfg.URL, busCfg.Listen = o.natsURL, o.natsListen
	b, err := bus.Open(ctx, busCfg)
	if err != nil {
		return fail(err)
	}
	chCfg := analytics.DefaultConfig(o.data)
	chCfg.DSN = o.clickhouse
	store, err := analytics.Open(ctx, chCfg)
	if err != nil {
		b.Close()
		return fail(err)
	}
	slog.Info("analytics store open", "engine", store.Kind(), "schema_version", store.SchemaVersion())
	facilities, err := loadFacilities(filepath.Join(o.data, "areas", area.FacilitiesFile))
	if err != nil {
		store.Close()
		b.Close()
		return fail(err)
	}
	srv.SetAnalytics(server.Analytics{Query: query.New(store.Engine(), areas.Index.Areas(), facilities)})
	defer func() {
		// The store and the bus close only after everything using them
		// has stopped.
		cancel()
		wg.Wait()
		if err := store.Close(); err != nil {
			slog.Error("close analytics store", "err", err)
		}
		b.Close()
	}()
	state := live.New(live.DefaultConfig())
	// Orders and alarms whose events have left the stream come from history.
	if err := store.RestoreLive(ctx, b, state); err != nil {
		return fail(err)
	}
	hubCfg := hub.DefaultConfig()
	hubCfg.Scope, hubCfg.Until = server.WSScope, server.WSUntil
	h := hub.New(hubCfg, state)
	in := ingest.New(ingest.DefaultConfig(), areas.Index, b, nil)
	history := writer.New(store, writer.DefaultConfig())
	// Dispatching follows the live state's changes: made before it runs.
	orders, err := dispatch.New(dispatch.Config{}, dispatch.Deps{Door: in, State: state, Areas: areas.Index.Areas()})
	if err != nil {
		return fail(err)
	}
	deadlines := dispatch.NewScheduler(orders, slog.Default())
	for _, c := range slices.Concat(state.Collectors(), h.Collectors(), in.Collectors(), history.Collectors()) {
		registry.MustRegister(c)
	}
	background := func(name string, run func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil && ctx.Err() == nil {
				slog.Error(name+" stopped", "err", err)
				cancel()
			}
		}()
	}
	background("live state", func(ctx context.Context) error { return state.Run(ctx, b) })
	background("websocket hub", h.Run)
	background("analytics writer", func(ctx context.Context) error { return history.Run(ctx, b) })
	background("deadline scheduler", deadlines.Run)
	srv.SetDispatch(server.Dispatch{Service: orders, Audit: dispatch.NewAudit(store.Engine())})
	citizens, err := open311.New(open311.Config{}, open311.Deps{Orders: orders, State: state, Areas: areas.Index.Areas(), History: store.Engine()})
	if err != nil {
		return fail(err)
	}
	srv.SetOpen311(citizens)
	srv.SetLive(server.Live{Ingest: in, State: state, Hub: h, Check: func(ctx context.Context) error {
		return errors.Join(b.Check(ctx), store.Check(ctx))
	}})

	if o.simulate {
		addr, err := srv.Addr(ctx)
		if err != nil {
			return fail(err)
		}
		base := "http://" + addr
		key, login, err := simulatorAccess(access, areas.Index.Areas(), base)
		if err != nil {
			return fail(err)
		}
		simCfg := simulate.Config{BaseURL: base, Key: key, ActionToken: login.Token,
			Speed: o.simSpeed, Warmup: o.simWarmup, Actions: true}
		// A warm-up fills an empty stream with a backlog; a stream that
		// already has one (a restart) would only get a second backlog.
		if seq, err := b.LastSeq(ctx, bus.EventsStream); err == nil && seq > 0 {
			simCfg.Warmup = 0
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := state.WaitReady(ctx); err != nil {
				return
			}
			// The simulator is a demo driver: if it gives up, the server
			// goes on serving what real senders post.
			if err := simulate.Run(ctx, simCfg, o.data); err != nil && ctx.Err() == nil {
				slog.Error("simulator stopped", "err", err)
			}
		}()
	}
	err = <-served
	cancel()
	return err
}

// loadFacilities reads the facilities file; a district imported without
// one simply has none.
func loadFacilities(path string) ([]*area.Facility, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open facilities: %w", err)
	}
	defer f.Close()
	return area.ReadFacilities(f)
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
