package loadtest

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gridpulse/gridpulse/area"
)

// Config says what load to put on which server. Start from DefaultConfig;
// Run checks every field.
type Config struct {
	// URL is the server's base URL (http://127.0.0.1:8080). Its host must
	// be a loopback address: the load test never leaves the machine.
	URL string
	// Areas is the district the server serves; events and viewports are
	// placed inside it.
	Areas *area.Set
	// Key is the integrator key events are posted with and Token the
	// bearer token of the user the clients watch as; empty sends none.
	Key, Token string

	// Clients is the number of WebSocket clients, each with one
	// subscription.
	Clients int
	// Rate is the events posted per second, all types together.
	Rate int
	// Mix is the share of each event type.
	Mix Mix
	// Warmup is the load before measuring starts; Duration is the
	// measured time after it. Nothing sent during the warm-up counts.
	Warmup   time.Duration
	Duration time.Duration

	// Viewport is the range of a tablet's viewport width in kilometres
	// (height is three quarters of it); Walls is the share of clients that
	// watch the whole district, like a command centre's wall screen.
	Viewport Range
	Walls    float64
	// Layers are the layers every client subscribes to.
	Layers []string

	// Batch is the events per POST; Senders the most POSTs in flight at
	// once. Batches leave on schedule while a sender is free, so Senders
	// only limits the rate when the server takes longer than
	// Senders × Batch / Rate seconds to answer.
	Batch   int
	Senders int
	// Workers is the pool of patrol worker ids, each posting its position
	// in turn; OpenOrders and ActiveAlarms are how many orders and alarms
	// are kept open at once, each moving through its life cycle.
	Workers      int
	OpenOrders   int
	ActiveAlarms int
	// Seed makes the places, viewports and choices repeatable.
	Seed uint64

	// SoakEvery, when set, makes the run a soak: the server's memory and
	// goroutines are sampled this often through the measured window and
	// their growth from the first quarter to the last is judged; the
	// duration may then be up to MaxSoakDuration.
	SoakEvery time.Duration

	// InProcess says the server runs in this process, so its CPU is told
	// from the load generator's by profile labels (see LabelServer).
	InProcess bool
	// CPUProfile, when set, receives the CPU profile of the measured
	// window (in-process: server and generator, told apart by labels).
	CPUProfile io.Writer
	// Trace, when set, receives a Go execution trace of the measured
	// window's first traceFor: where goroutines waited, not just what ran.
	Trace io.Writer
	// Logger receives progress; default slog.Default().
	Logger *slog.Logger
}

// DefaultConfig is the goal point: 1,000 clients, 20,000 events per
// second for a minute.
func DefaultConfig() Config {
	return Config{
		Clients:      1000,
		Rate:         20000,
		Mix:          Mix{Patrol: 0.9, Order: 0.07, Alarm: 0.03},
		Warmup:       5 * time.Second,
		Duration:     60 * time.Second,
		Viewport:     Range{Min: 1, Max: 5},
		Walls:        0.01,
		Layers:       []string{"orders", "alarms", "patrols"},
		Batch:        100,
		Senders:      32,
		Workers:      20000,
		OpenOrders:   2000,
		ActiveAlarms: 500,
		Seed:         1,
	}
}

// Bounds on what a run may ask for: the test is bounded in count and time.
const (
	MaxDuration = 10 * time.Minute
	MaxWarmup   = 2 * time.Minute
	MaxClients  = 20000
	MaxRate     = 200000
	maxBatch    = 1000 // what ingest takes in one POST
	maxSenders  = 256
	maxWorkers  = 1000000
)

func (c Config) validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Areas != nil, "no areas: the district to place events in is required")
	check(c.Clients >= 1 && c.Clients <= MaxClients, "clients %d is outside 1..%d", c.Clients, MaxClients)
	check(c.Rate >= 1 && c.Rate <= MaxRate, "rate %d is outside 1..%d events per second", c.Rate, MaxRate)
	maxDuration := MaxDuration
	if c.SoakEvery > 0 {
		maxDuration = MaxSoakDuration
		check(c.SoakEvery >= time.Second && c.Duration >= minSoakSamples*c.SoakEvery,
			"soak sampling every %v: want at least 1s and at least %d samples in the duration %v", c.SoakEvery, minSoakSamples, c.Duration)
	}
	check(c.SoakEvery >= 0, "soak sampling every %v: want a positive interval", c.SoakEvery)
	check(c.Duration > 0 && c.Duration <= maxDuration, "duration %v is outside (0, %v]", c.Duration, maxDuration)
	check(c.Warmup >= 0 && c.Warmup <= MaxWarmup, "warm-up %v is outside 0..%v", c.Warmup, MaxWarmup)
	check(c.Viewport.Min > 0 && c.Viewport.Min <= c.Viewport.Max && c.Viewport.Max <= 200, "viewport %v km is not a range within (0, 200]", c.Viewport)
	check(c.Walls >= 0 && c.Walls <= 1, "walls share %v is outside 0..1", c.Walls)
	check(c.Batch >= 1 && c.Batch <= maxBatch, "batch %d is outside 1..%d", c.Batch, maxBatch)
	check(c.Senders >= 1 && c.Senders <= maxSenders, "senders %d is outside 1..%d", c.Senders, maxSenders)
	check(c.Workers >= 1 && c.Workers <= maxWorkers, "workers %d is outside 1..%d", c.Workers, maxWorkers)
	check(c.OpenOrders >= 1 && c.ActiveAlarms >= 1, "open orders and active alarms must be at least 1")
	if err := c.Mix.validate(); err != nil {
		errs = append(errs, err)
	}
	if _, err := layerSet(c.Layers); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Mix is the share of each event type; the shares sum to 1.
type Mix struct {
	Patrol, Order, Alarm float64
}

// ParseMix reads "patrol=0.9,order=0.07,alarm=0.03" (":" works as well
// as "="); a type left out gets no events, and the shares are scaled to
// sum to 1.
func ParseMix(s string) (Mix, error) {
	var m Mix
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			name, val, ok = strings.Cut(strings.TrimSpace(part), ":")
		}
		if !ok {
			return Mix{}, fmt.Errorf("mix %q: %q is not type=share", s, part)
		}
		name = strings.TrimSpace(name)
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) {
			return Mix{}, fmt.Errorf("mix %q: share %q of %s is not a number >= 0", s, val, name)
		}
		if seen[name] {
			return Mix{}, fmt.Errorf("mix %q: %s is given twice", s, name)
		}
		seen[name] = true
		switch name {
		case "patrol", "patrols":
			m.Patrol = v
		case "order", "orders":
			m.Order = v
		case "alarm", "alarms":
			m.Alarm = v
		default:
			return Mix{}, fmt.Errorf("mix %q: unknown type %q (want patrol, order, alarm)", s, name)
		}
	}
	if err := m.validate(); err != nil {
		return Mix{}, err
	}
	return m.normalised(), nil
}

func (m Mix) validate() error {
	for _, v := range []float64{m.Patrol, m.Order, m.Alarm} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("mix %v: shares must be finite and >= 0", m)
		}
	}
	if m.Patrol+m.Order+m.Alarm <= 0 {
		return fmt.Errorf("mix %v: at least one share must be above 0", m)
	}
	return nil
}

func (m Mix) normalised() Mix {
	sum := m.Patrol + m.Order + m.Alarm
	return Mix{Patrol: m.Patrol / sum, Order: m.Order / sum, Alarm: m.Alarm / sum}
}

func (m Mix) String() string {
	return fmt.Sprintf("patrol=%g,order=%g,alarm=%g", m.Patrol, m.Order, m.Alarm)
}

// Range is a closed range of kilometres.
type Range struct{ Min, Max float64 }

// ParseRange reads "1-5" (or a single number "3") in kilometres; a "km"
// suffix is allowed.
func ParseRange(s string) (Range, error) {
	trim := func(v string) string { return strings.TrimSuffix(strings.TrimSpace(v), "km") }
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		hi = lo
	}
	a, err1 := strconv.ParseFloat(trim(lo), 64)
	b, err2 := strconv.ParseFloat(trim(hi), 64)
	if err1 != nil || err2 != nil || !(a > 0) || b < a || math.IsInf(b, 0) {
		return Range{}, fmt.Errorf("range %q is not MIN-MAX kilometres with 0 < MIN <= MAX", s)
	}
	return Range{Min: a, Max: b}, nil
}

func (r Range) String() string {
	if r.Min == r.Max {
		return strconv.FormatFloat(r.Min, 'g', -1, 64)
	}
	return strconv.FormatFloat(r.Min, 'g', -1, 64) + "-" + strconv.FormatFloat(r.Max, 'g', -1, 64)
}

// layers are the subscription layers a client may ask for, as a bit set.
type layers uint8

const (
	layerOrders layers = 1 << iota
	layerAlarms
	layerPatrols
)

func layerSet(names []string) (layers, error) {
	var l layers
	if len(names) == 0 {
		return 0, errors.New("no layers: subscribe to at least one of orders, alarms, patrols")
	}
	for _, n := range names {
		switch n {
		case "orders":
			l |= layerOrders
		case "alarms":
			l |= layerAlarms
		case "patrols":
			l |= layerPatrols
		default:
			return 0, fmt.Errorf("layer %q is not one of orders, alarms, patrols", n)
		}
	}
	return l, nil
}

func (l layers) has(x layers) bool { return l&x != 0 }
