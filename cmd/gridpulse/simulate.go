package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/seed/simulate"
)

func init() {
	register("simulate", "drive the seeded district's work orders, patrols and alarms into a server at real rates or faster", runSimulate)
}

func runSimulate(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("simulate", flag.ContinueOnError)
	cfg := simulate.Config{Header: http.Header{}}
	flags.StringVar(&cfg.BaseURL, "url", simulate.DefaultBaseURL, "the Gridpulse server to post events to")
	dataDir := flags.String("data", "data", "data directory; areas and facilities are in <data>/areas")
	flags.Float64Var(&cfg.Speed, "speed", simulate.DefaultSpeed, "simulated seconds per real second; a sped-up run starts in the past and goes on at real time once it catches up")
	flags.Uint64Var(&cfg.Seed, "seed", 1, "random seed: the same seed and start give the same events")
	flags.IntVar(&cfg.Workers, "workers", 0, "people on patrol, in shifts (default 4 per general grid)")
	flags.Float64Var(&cfg.AppealsPerDay, "appeals", 0, "work orders a day from every channel (default 740 per district)")
	start := flags.String("start", "", "simulated start: an RFC 3339 time, or a duration before now such as -72h (default now, or -24h when sped up)")
	flags.BoolVar(&cfg.Actions, "actions", true, "take the order steps that happen now through the server's dispatch actions (POST /api/v1/orders/{id}/{action}), leaving escalations to its scheduler; false posts every step as an event")
	flags.DurationVar(&cfg.Warmup, "warmup", 0, "send this much history of work orders and alarms before the start, as fast as the server takes it")
	flags.DurationVar(&cfg.PatrolMin, "patrol-min", simulate.DefaultPatrolMin, "shortest simulated time between a worker's reports")
	flags.DurationVar(&cfg.PatrolMax, "patrol-max", simulate.DefaultPatrolMax, "longest simulated time between a worker's reports")
	flags.StringVar(&cfg.Key, "key", envOr("GRIDPULSE_KEY", ""), "integrator key to post events with (env GRIDPULSE_KEY); a demo server's is "+auth.DemoKey)
	user := flags.String("user", "", "user who takes the dispatch actions, one who may act (a dispatcher); a demo server's is demo-dispatcher")
	password := flags.String("password", envOr("GRIDPULSE_PASSWORD", ""), "password of --user (env GRIDPULSE_PASSWORD)")
	flags.Var(headerFlag(cfg.Header), "header", `extra request header "Name: value", e.g. an integrator key (repeatable)`)
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: gridpulse simulate [--url URL] [--data DIR] [--speed N] [--seed N] [--workers N] [--start TIME] [--warmup DURATION]")
		fmt.Fprintln(flags.Output(), "\nPosts the district's live events to URL/api/v1/events until interrupted, logging a line a minute.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		flags.Usage()
		return fmt.Errorf("unexpected argument %q", flags.Arg(0))
	}
	t, err := parseStart(*start, time.Now())
	if err != nil {
		return fmt.Errorf("--start: %w", err)
	}
	cfg.Start = t
	if *user != "" {
		login := &simulate.Login{BaseURL: cfg.BaseURL, User: *user, Password: *password}
		cfg.ActionToken = login.Token
	}
	return simulate.Run(ctx, cfg, *dataDir)
}

// parseStart reads --start: empty for the default, an RFC 3339 time, or a
// duration added to now (negative for the past).
func parseStart(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor a duration such as -24h", s)
	}
	if d > 0 {
		return time.Time{}, errors.New("the start cannot lie in the future: give a negative duration")
	}
	return now.Add(d), nil
}

// headerFlag collects repeated --header "Name: value" flags.
type headerFlag http.Header

func (h headerFlag) String() string {
	var parts []string
	for k, vs := range h {
		for _, v := range vs {
			parts = append(parts, k+": "+v)
		}
	}
	return strings.Join(parts, ", ")
}

func (h headerFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("want \"Name: value\", got %q", s)
	}
	http.Header(h).Add(name, strings.TrimSpace(value))
	return nil
}
