package simulate

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Config says what to simulate and where to send it. The zero value is
// ready to use: every zero field takes its default from withDefaults, the
// one place defaults live.
type Config struct {
	// BaseURL is the Gridpulse server the events are posted to, at
	// BaseURL + /api/v1/events. Default http://127.0.0.1:8080.
	BaseURL string
	// Header is sent with every request, e.g. an integrator key.
	Header http.Header
	// Client sends the requests. Default: one client with keep-alive and
	// a 30 s timeout.
	Client *http.Client

	// Speed is how many simulated seconds pass in a real second: 60 runs
	// a simulated hour a minute. Default 1. The simulated clock never runs
	// ahead of the real one (ingest refuses events from the future), so a
	// sped-up run starts in the past and goes on at real time once it has
	// caught up.
	Speed float64
	// Seed drives every random choice: the same seed and start give the
	// same events.
	Seed uint64
	// Start is the simulated time the simulation starts at. Default: now
	// at speed 1; CatchUp before now when sped up.
	Start time.Time
	// CatchUp is how far in the past a sped-up run starts when Start is
	// not given. Default 24 h.
	CatchUp time.Duration
	// Warmup runs work orders and alarms this long before Start, sent as
	// fast as ingest takes them, so the map opens with a realistic
	// backlog of open orders. Patrols start at Start. Default 0.
	Warmup time.Duration

	// Workers is how many people patrol: grid workers, micro-grid leaders
	// and in-service party members. Default 4 per general grid (2,944 for
	// Shuangliu). They walk in shifts, so fewer are on duty at once.
	Workers int
	// PatrolMin and PatrolMax bound the simulated time between two
	// reports of a worker. Default 5 s and 10 s.
	PatrolMin, PatrolMax time.Duration
	// AppealsPerDay is how many work orders the district gets a day, from
	// every channel including sensors. Default 740 per district in the
	// areas (Shuangliu's figure).
	AppealsPerDay float64

	// Tick is how often, in real time, the simulator sends what has come
	// due. Default 200 ms.
	Tick time.Duration
	// MaxBatch and MaxBatchBytes bound one request. Default 1,000 events
	// and 1 MiB.
	MaxBatch      int
	MaxBatchBytes int
	// MaxRetries is how often a batch is retried after a network error or
	// a 5xx before the simulator gives up and Run returns an error. The
	// wait doubles from RetryBase up to RetryMax. Default 10, 250 ms, 10 s
	// (about a minute in all).
	MaxRetries          int
	RetryBase, RetryMax time.Duration
	// LogEvery is how often Run logs what it sent. Default 1 minute.
	LogEvery time.Duration
	// Logger receives the logs. Default slog.Default().
	Logger *slog.Logger
}

// Defaults used by withDefaults.
const (
	DefaultBaseURL        = "http://127.0.0.1:8080"
	DefaultSpeed          = 1.0
	DefaultCatchUp        = 24 * time.Hour
	DefaultWorkersPerGrid = 4
	DefaultPatrolMin      = 5 * time.Second
	DefaultPatrolMax      = 10 * time.Second
	DefaultAppealsPerDay  = 740.0
	DefaultTick           = 200 * time.Millisecond
	DefaultMaxBatch       = 1000
	DefaultMaxBatchBytes  = 1 << 20
	DefaultMaxRetries     = 10
	DefaultRetryBase      = 250 * time.Millisecond
	DefaultRetryMax       = 10 * time.Second
	DefaultLogEvery       = time.Minute
	defaultTimeout        = 30 * time.Second
	maxSpeed              = 100_000
	// ingestMaxBatch is the most events ingest takes in one request.
	ingestMaxBatch = 1000
)

// EventsPath is where the server takes events.
const EventsPath = "/api/v1/events"

// withDefaults fills every zero field of c with its default; now is the
// real time, grids and districts the size of the areas.
func (c Config) withDefaults(now time.Time, grids, districts int) Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.Client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 4
		c.Client = &http.Client{Timeout: defaultTimeout, Transport: t}
	}
	if c.Speed == 0 {
		c.Speed = DefaultSpeed
	}
	if c.CatchUp <= 0 {
		c.CatchUp = DefaultCatchUp
	}
	if c.Start.IsZero() {
		c.Start = now
		if c.Speed > 1 {
			c.Start = now.Add(-c.CatchUp)
		}
	}
	c.Start = c.Start.UTC().Truncate(time.Millisecond)
	if c.Workers == 0 {
		c.Workers = DefaultWorkersPerGrid * grids
	}
	if c.PatrolMin <= 0 {
		c.PatrolMin = DefaultPatrolMin
	}
	if c.PatrolMax <= 0 {
		c.PatrolMax = max(DefaultPatrolMax, c.PatrolMin)
	}
	if c.AppealsPerDay == 0 {
		c.AppealsPerDay = DefaultAppealsPerDay * float64(max(districts, 1))
	}
	if c.Tick <= 0 {
		c.Tick = DefaultTick
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	if c.MaxBatchBytes <= 0 {
		c.MaxBatchBytes = DefaultMaxBatchBytes
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.RetryBase <= 0 {
		c.RetryBase = DefaultRetryBase
	}
	if c.RetryMax <= 0 {
		c.RetryMax = DefaultRetryMax
	}
	if c.LogEvery <= 0 {
		c.LogEvery = DefaultLogEvery
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// validate reports every setting that cannot run, after defaults.
func (c Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("base URL %q: want http://host:port", c.BaseURL)
	}
	if !(c.Speed > 0 && c.Speed <= maxSpeed) {
		bad("speed %v: want more than 0 and at most %d", c.Speed, maxSpeed)
	}
	if c.Workers < 0 {
		bad("workers %d: want 0 or more", c.Workers)
	}
	if c.PatrolMax < c.PatrolMin {
		bad("patrol interval %s–%s: the upper bound is below the lower", c.PatrolMin, c.PatrolMax)
	}
	if c.AppealsPerDay < 0 {
		bad("appeals per day %v: want 0 or more", c.AppealsPerDay)
	}
	if c.Warmup < 0 {
		bad("warmup %s: want 0 or more", c.Warmup)
	}
	if c.MaxBatch > ingestMaxBatch {
		bad("max batch %d: ingest takes at most %d events a request", c.MaxBatch, ingestMaxBatch)
	}
	if c.MaxRetries < 0 {
		bad("max retries %d: want 0 or more", c.MaxRetries)
	}
	return errors.Join(errs...)
}
