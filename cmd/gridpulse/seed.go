package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/seed"
)

func init() {
	register("seed", "generate a synthetic district (or a city of them) into the area data directory, and its history with --history", runSeed)
}

// seedPresets are the configurations --preset names.
var seedPresets = map[string]func() seed.Config{
	"shuangliu": seed.Shuangliu,
	"tiny":      seed.Tiny,
	"city":      seed.City,
}

// seedRun is one seeding, as the flags describe it.
type seedRun struct {
	cfg    seed.Config
	preset string
	out    string
	force  bool
	// history is how much of the past to write into ClickHouse; 0 writes
	// none.
	history    time.Duration
	data       string
	clickhouse string
}

func runSeed(ctx context.Context, args []string) error {
	run, err := parseSeedFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	return run.do(ctx, os.Stdout, os.Stderr)
}

// parseSeedFlags turns the command line into a seedRun, checking every
// size against the others.
func parseSeedFlags(args []string, usageOut io.Writer) (seedRun, error) {
	flags := flag.NewFlagSet("seed", flag.ContinueOnError)
	flags.SetOutput(usageOut)
	preset := flags.String("preset", "shuangliu", "what to generate: shuangliu (district 510116 at real scale), tiny (for tests) or city (Chengdu's 20 districts)")
	seedN := flags.Uint64("seed", 1, "random seed; the same seed and sizes give the same files")
	data := flags.String("data", envOr("GRIDPULSE_DATA", "data"), "data directory: areas in <data>/areas, embedded ClickHouse in <data>/clickhouse (env GRIDPULSE_DATA)")
	out := flags.String("out", "", "directory to write the GeoJSON layers into (default <data>/areas)")
	force := flags.Bool("force", false, "overwrite a district already seeded in --out")
	history := flags.String("history", "", "also write this much history ending now (e.g. 365d, 72h) into ClickHouse: work orders, alarms, patrol samples; uses the district in --out, seeding it first if absent")
	clickhouse := flags.String("clickhouse", envOr("GRIDPULSE_CLICKHOUSE_DSN", ""), "with --history: DSN of a ClickHouse server; empty writes to the embedded one in <data>/clickhouse (env GRIDPULSE_CLICKHOUSE_DSN)")
	// Size overrides: each counts per district and defaults to the preset's.
	sizes := []struct {
		name, help string
		set        func(c *seed.Config, v int)
	}{
		{"streets", "streets and towns", func(c *seed.Config, v int) { c.Streets = v }},
		{"communities", "communities and villages", func(c *seed.Config, v int) { c.Communities = v }},
		{"compounds", "residential compounds", func(c *seed.Config, v int) { c.Compounds = v }},
		{"general-grids", "general grids (at least one per community)", func(c *seed.Config, v int) { c.GeneralGrids = v }},
		{"micro-grids", "micro grids (at least one per general grid)", func(c *seed.Config, v int) { c.MicroGrids = v }},
		{"dedicated-grids", "dedicated grids: schools, hospitals, markets, industrial parks", func(c *seed.Config, v int) { c.DedicatedGrids = v }},
		{"property-companies", "property companies", func(c *seed.Config, v int) { c.PropertyCompanies = v }},
		{"elevators", "sensor-fitted elevators", func(c *seed.Config, v int) { c.Elevators = v }},
		{"control-rooms", "security control rooms", func(c *seed.Config, v int) { c.ControlRooms = v }},
	}
	values := make([]int, len(sizes))
	for i, s := range sizes {
		flags.IntVar(&values[i], s.name, 0, "number of "+s.help+" per district (default: the preset's)")
	}
	areaKm2 := flags.Float64("area-km2", 0, "area of each district in km² (default: the preset's)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: gridpulse seed [--preset shuangliu|tiny|city] [--seed N] [--data DIR] [--out DIR] [--force] [--history 365d [--clickhouse DSN]] [size flags]")
		fmt.Fprintln(flags.Output(), "\nGenerates a synthetic district: one GeoJSON file per layer, facilities.geojson and property_companies.json.")
		fmt.Fprintln(flags.Output(), "With --history, also simulates its past and writes it into ClickHouse (not while serve uses the same data directory).")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return seedRun{}, err
	}
	if flags.NArg() > 0 {
		flags.Usage()
		return seedRun{}, fmt.Errorf("unexpected argument %q", flags.Arg(0))
	}
	mk, ok := seedPresets[*preset]
	if !ok {
		return seedRun{}, fmt.Errorf("--preset %q: want shuangliu, tiny or city", *preset)
	}
	cfg := mk()
	cfg.Seed = *seedN
	var errs []error
	flags.Visit(func(f *flag.Flag) {
		for i, s := range sizes {
			if f.Name == s.name {
				if values[i] < 0 {
					errs = append(errs, fmt.Errorf("--%s = %d: must not be negative", s.name, values[i]))
				}
				s.set(&cfg, values[i])
			}
		}
		if f.Name == "area-km2" {
			cfg.AreaKm2 = *areaKm2
		}
	})
	if err := errors.Join(errs...); err != nil {
		return seedRun{}, err
	}
	if err := cfg.Validate(); err != nil {
		return seedRun{}, fmt.Errorf("sizes do not make a district:\n%w", err)
	}
	span, err := parseSpan(*history)
	if err != nil {
		return seedRun{}, fmt.Errorf("--history %q: %w", *history, err)
	}
	if *out == "" {
		*out = filepath.Join(*data, "areas")
	}
	return seedRun{cfg: cfg, preset: *preset, out: *out, force: *force, history: span, data: *data, clickhouse: *clickhouse}, nil
}

// do generates the district and writes it, showing progress on stderr and
// a summary on out.
func (r seedRun) do(ctx context.Context, out, stderr io.Writer) error {
	marker := filepath.Join(r.out, area.FileName(area.District))
	if _, err := os.Stat(marker); err == nil && !r.force {
		if r.history > 0 {
			slog.Info("seed: using the district already seeded", "dir", r.out)
			return r.writeHistory(ctx, out, stderr)
		}
		return fmt.Errorf("%s already holds a seeded district (%s); pass --force to overwrite it", r.out, marker)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("check %s: %w", r.out, err)
	}

	start := time.Now()
	p := newSeedProgress(stderr)
	d, err := seed.Generate(ctx, r.cfg, p.report)
	p.finish()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted, nothing written: %w", err)
		}
		return err
	}
	generated := time.Since(start)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted, nothing written: %w", err)
	}
	slog.Info("seed writing", "dir", r.out)
	if err := d.WriteDir(r.out); err != nil {
		return fmt.Errorf("write %s: %w", r.out, err)
	}
	r.summary(out, d, generated, time.Since(start))
	if r.history > 0 {
		return r.writeHistory(ctx, out, stderr)
	}
	return nil
}

// summary prints what was written: counts per layer and the time taken.
func (r seedRun) summary(w io.Writer, d *seed.District, generated, total time.Duration) {
	var names []string
	for _, ds := range r.cfg.Districts {
		names = append(names, ds.Name+" "+ds.Code)
	}
	what := names[0]
	if len(names) > 1 {
		what = fmt.Sprintf("%d districts (%s … %s)", len(names), names[0], names[len(names)-1])
	}
	fmt.Fprintf(w, "seeded %s, preset %s, seed %d, into %s in %s (generate %s, write %s)\n",
		what, r.preset, r.cfg.Seed, r.out, total.Round(time.Millisecond), generated.Round(time.Millisecond), (total - generated).Round(time.Millisecond))
	for _, l := range area.Layers {
		fmt.Fprintf(w, "  %-20s %8d\n", l, d.Areas.Count(l))
	}
	kinds := map[string]int{}
	for _, f := range d.Facilities {
		kinds[f.Kind]++
	}
	fmt.Fprintf(w, "  %-20s %8d  (%d elevators, %d control rooms)\n", "facilities", len(d.Facilities), kinds["elevator"], kinds["control_room"])
	fmt.Fprintf(w, "  %-20s %8d\n", "property companies", len(d.PropertyCompanies))
}

// seedProgress shows one progress bar per stage when stderr is a
// terminal, and otherwise logs one line as each stage ends.
type seedProgress struct {
	w      io.Writer
	tty    bool
	stage  string
	start  time.Time
	bar    *progressbar.ProgressBar
	logged bool
}

func newSeedProgress(w io.Writer) *seedProgress {
	f, ok := w.(*os.File)
	return &seedProgress{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *seedProgress) report(stage string, done, total int) {
	if stage != p.stage {
		p.finish()
		p.stage, p.start, p.logged = stage, time.Now(), false
		if p.tty && total > 0 {
			p.bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetDescription(fmt.Sprintf("%-14s", stage)),
				progressbar.OptionSetWidth(30),
				progressbar.OptionShowCount(),
				progressbar.OptionThrottle(50*time.Millisecond),
				progressbar.OptionSetPredictTime(false),
				progressbar.OptionShowElapsedTimeOnFinish(),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
			)
		}
	}
	if p.bar != nil {
		_ = p.bar.Set(done) // drawing to a terminal; nothing to do if it fails
	}
	if done == total && !p.logged {
		p.logged = true
		if !p.tty {
			slog.Info("seed stage done", "stage", stage, "items", total, "took", time.Since(p.start).Round(time.Millisecond))
		}
	}
}

// finish closes the current stage's bar.
func (p *seedProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}
