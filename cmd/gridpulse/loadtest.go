package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/seed/simulate"
	"github.com/gridpulse/gridpulse/stream/loadtest"
)

func init() {
	register("loadtest", "drive a server on this machine with WebSocket clients and events; report latency and cost", runLoadtest)
}

// loadtestOptions are the loadtest flags.
type loadtestOptions struct {
	url        string
	data       string
	json       bool
	cpuProfile string
	trace      string
	user       string
	password   string
	cfg        loadtest.Config
}

func parseLoadtestFlags(args []string) (loadtestOptions, error) {
	flags := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	o := loadtestOptions{cfg: loadtest.DefaultConfig()}
	c := &o.cfg
	var mix, viewport, layers string
	var seed uint
	flags.StringVar(&o.url, "url", "", "base URL of a running server on this machine (loopback only); empty starts one in this process on 127.0.0.1 with its bus in a temporary directory")
	flags.StringVar(&o.data, "data", envOr("GRIDPULSE_DATA", "data"), "data directory whose areas/ the events and viewports are placed in (and the in-process server serves) (env GRIDPULSE_DATA)")
	flags.IntVar(&c.Clients, "clients", c.Clients, "WebSocket clients, one subscription each")
	flags.IntVar(&c.Rate, "rate", c.Rate, "events posted per second, all types together")
	flags.StringVar(&mix, "mix", c.Mix.String(), "share of each event type")
	flags.DurationVar(&c.Duration, "duration", c.Duration, fmt.Sprintf("measured time after the warm-up (at most %v; %v with --soak)", loadtest.MaxDuration, loadtest.MaxSoakDuration))
	flags.DurationVar(&c.SoakEvery, "soak", 0, "make the run a soak: sample the server's resident memory and goroutines every this long (e.g. 30s) through the measured window, print them as a table and judge their growth from the first quarter to the last")
	flags.DurationVar(&c.Warmup, "warmup", c.Warmup, fmt.Sprintf("load before measuring (at most %v)", loadtest.MaxWarmup))
	flags.StringVar(&viewport, "viewport", c.Viewport.String(), "width of a tablet's viewport in km, MIN-MAX (height is 3/4 of it)")
	flags.Float64Var(&c.Walls, "walls", c.Walls, "share of clients watching the whole district, like the command centre's wall screens")
	flags.StringVar(&layers, "layers", strings.Join(c.Layers, ","), "layers every client subscribes to")
	flags.IntVar(&c.Batch, "batch", c.Batch, "events per POST")
	flags.IntVar(&c.Senders, "senders", c.Senders, "POSTs in flight at once")
	flags.IntVar(&c.Workers, "workers", c.Workers, "patrol workers, each posting its position in turn")
	flags.IntVar(&c.OpenOrders, "open-orders", c.OpenOrders, "work orders kept open at once, each moving through received, dispatched, in progress, closed")
	flags.IntVar(&c.ActiveAlarms, "active-alarms", c.ActiveAlarms, "alarms kept active at once, each raised, acknowledged, cleared")
	flags.UintVar(&seed, "seed", uint(c.Seed), "seed of the places, viewports and choices")
	flags.StringVar(&c.Key, "key", envOr("GRIDPULSE_KEY", ""), "integrator key to post events with (env GRIDPULSE_KEY); the in-process server's demo key by default")
	flags.StringVar(&o.user, "user", "", "user the clients watch as, signed in with --password; the in-process server's demo command centre by default")
	flags.StringVar(&o.password, "password", envOr("GRIDPULSE_PASSWORD", ""), "password of --user (env GRIDPULSE_PASSWORD)")
	flags.BoolVar(&o.json, "json", false, "print the report as JSON instead of tables")
	flags.StringVar(&o.trace, "trace", "", "write a Go execution trace of the measured window's first seconds here (go tool trace)")
	flags.StringVar(&o.cpuProfile, "cpuprofile", "", "write the measured window's CPU profile here; in-process it holds the server and the generator, whose goroutines carry the label side=loadgen (the server alone: go tool pprof -tagignore side=loadgen)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: gridpulse loadtest [--url http://127.0.0.1:8080] [--clients N] [--rate N] [--duration D] [flags]")
		fmt.Fprintln(flags.Output(), "\nConnects WebSocket clients with random viewports, posts events at a steady rate, and reports")
		fmt.Fprintln(flags.Output(), "p50/p95/p99 latency from POST to client, messages delivered, gaps, resyncs, CPU and memory.")
		fmt.Fprintln(flags.Output(), "It only talks to loopback addresses and stops by itself.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return o, err
	}
	if flags.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	var err error
	if c.Mix, err = loadtest.ParseMix(mix); err != nil {
		return o, fmt.Errorf("--mix: %w", err)
	}
	if c.Viewport, err = loadtest.ParseRange(viewport); err != nil {
		return o, fmt.Errorf("--viewport: %w", err)
	}
	c.Layers = strings.Split(layers, ",")
	c.Seed = uint64(seed)
	return o, nil
}

func runLoadtest(ctx context.Context, args []string) error {
	o, err := parseLoadtestFlags(args)
	if err != nil {
		return err
	}
	rep, err := loadtestRun(ctx, o)
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteText(os.Stdout)
}

// loadtestRun runs the load test, first starting a server in this process
// when no URL is given.
func loadtestRun(ctx context.Context, o loadtestOptions) (*loadtest.Report, error) {
	if o.url != "" {
		// Refuse a remote target before doing anything else.
		if _, err := loadtest.ResolveLoopback(ctx, o.url); err != nil {
			return nil, err
		}
	}
	set, err := area.ReadDir(filepath.Join(o.data, "areas"))
	if err != nil {
		return nil, fmt.Errorf("load areas (seed them with `gridpulse seed --out %s`): %w", filepath.Join(o.data, "areas"), err)
	}
	cfg := o.cfg
	cfg.Areas = set
	cfg.URL = o.url
	if cfg.URL == "" {
		url, stop, err := startLocalServer(ctx, o.data, cfg.Clients)
		if err != nil {
			return nil, err
		}
		defer stop()
		cfg.URL, cfg.InProcess = url, true
		if cfg.Key == "" {
			cfg.Key = auth.DemoKey
		}
		if o.user == "" {
			o.user, o.password = "demo-command", auth.DemoPassword
		}
	}
	if o.user != "" {
		login := simulate.Login{BaseURL: cfg.URL, User: o.user, Password: o.password}
		if cfg.Token, err = login.Token(ctx); err != nil {
			return nil, fmt.Errorf("loadtest: %w", err)
		}
	}
	for _, out := range []struct {
		flag, path string
		to         *io.Writer
	}{{"--cpuprofile", o.cpuProfile, &cfg.CPUProfile}, {"--trace", o.trace, &cfg.Trace}} {
		if out.path == "" {
			continue
		}
		f, err := os.Create(out.path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", out.flag, err)
		}
		defer f.Close()
		*out.to = f
	}
	return loadtest.Run(ctx, cfg)
}

// startLocalServer runs `serve` in this process on a free loopback port,
// serving the areas of dataDir with its bus in a fresh temporary
// directory, under the profiler labels that count its CPU as the
// server's. stop shuts it down and removes the directory.
func startLocalServer(ctx context.Context, dataDir string, clients int) (url string, stop func(), err error) {
	areas, err := filepath.Abs(filepath.Join(dataDir, "areas"))
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "gridpulse-loadtest-")
	if err != nil {
		return "", nil, fmt.Errorf("loadtest: temporary data directory: %w", err)
	}
	if err := os.Symlink(areas, filepath.Join(tmp, "areas")); err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("loadtest: %w", err)
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var serveErr error
	// One demo user holds every client's connection.
	args := []string{"--addr", addr, "--data", tmp, "--nats=", "--nats-listen=", "--demo",
		"--ws-conns-per-user", strconv.Itoa(clients + 16)}
	go pprof.Do(sctx, loadtest.ServerLabels, func(ctx context.Context) {
		defer close(done)
		serveErr = runServe(ctx, args)
	})
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
		}
		os.RemoveAll(tmp)
	}
	url = "http://" + addr
	if err := waitListening(ctx, url, done, &serveErr); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

// freeLoopbackAddr finds a free port on 127.0.0.1. serve takes the port a
// moment later; another process grabbing it in between makes serve fail
// with a clear error.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("loadtest: find a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// waitListening waits until the server answers /healthz or stops (done
// closed, with its error in *serveErr).
func waitListening(ctx context.Context, url string, done <-chan struct{}, serveErr *error) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/healthz", nil)
		if err != nil {
			return err
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-done:
			err := *serveErr
			if err == nil {
				err = errors.New("it stopped")
			}
			return fmt.Errorf("loadtest: in-process server: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("loadtest: in-process server did not start: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
