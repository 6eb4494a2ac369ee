package history

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/gridpulse/gridpulse/seed/simulate"
)

// Config says which stretch of the past to write and how.
type Config struct {
	// From and To bound the history, [From, To). Required; Plan picks them
	// so they end where the live stream's data begins.
	From, To time.Time
	// Seed drives the simulator: the same seed and range give the same
	// history. Default 1.
	Seed uint64
	// Workers and AppealsPerDay size the district as the live simulator
	// does; zero takes its defaults (4 workers per general grid, 740
	// appeals a day per district).
	Workers       int
	AppealsPerDay float64
	// PatrolMin and PatrolMax bound the time between two stored positions
	// of a worker on duty. Live patrols are stored once per worker-minute;
	// a year of several thousand workers at that rate is hundreds of
	// millions of rows, so history keeps one position per worker every
	// 10–15 minutes by default, and every start and end of duty.
	PatrolMin, PatrolMax time.Duration
	// Batch is the most rows inserted at once. Default 50,000: ClickHouse
	// takes a few large inserts far faster than many small ones.
	Batch int
	// Shards is how many simulators walk the workers, in parallel.
	// Default: one per core.
	Shards int
	// Progress, if set, is called after each simulated hour with what has
	// been written so far.
	Progress func(Summary)
}

// Defaults used by withDefaults.
const (
	DefaultSeed      = 1
	DefaultPatrolMin = 10 * time.Minute
	DefaultPatrolMax = 15 * time.Minute
	DefaultBatch     = 50_000
)

// maxSpan bounds a history: the patrol table keeps 400 days.
const maxSpan = 400 * 24 * time.Hour

func (c Config) withDefaults() Config {
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.PatrolMin <= 0 {
		c.PatrolMin = DefaultPatrolMin
	}
	if c.PatrolMax <= 0 {
		c.PatrolMax = max(DefaultPatrolMax, c.PatrolMin)
	}
	if c.Shards <= 0 {
		c.Shards = runtime.GOMAXPROCS(0)
	}
	if c.Batch <= 0 {
		c.Batch = DefaultBatch
	}
	c.From = c.From.UTC().Truncate(time.Millisecond)
	c.To = c.To.UTC().Truncate(time.Millisecond)
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.From.IsZero() || c.To.IsZero() || !c.From.Before(c.To) {
		errs = append(errs, fmt.Errorf("range %s – %s: want From before To", c.From.Format(time.RFC3339), c.To.Format(time.RFC3339)))
	} else if c.To.Sub(c.From) > maxSpan {
		errs = append(errs, fmt.Errorf("range of %s: at most %s (patrol samples are kept 400 days)", c.To.Sub(c.From), maxSpan))
	}
	if c.PatrolMax < c.PatrolMin {
		errs = append(errs, fmt.Errorf("patrol interval %s–%s: the upper bound is below the lower", c.PatrolMin, c.PatrolMax))
	}
	if c.Workers < 0 || c.AppealsPerDay < 0 {
		errs = append(errs, errors.New("workers and appeals per day must not be negative"))
	}
	return errors.Join(errs...)
}

// simConfig is the live simulator's configuration for this history.
func (c Config) simConfig() simulate.Config {
	return simulate.Config{
		Seed: c.Seed, Start: c.From, Workers: c.Workers, AppealsPerDay: c.AppealsPerDay,
		PatrolMin: c.PatrolMin, PatrolMax: c.PatrolMax,
	}
}
