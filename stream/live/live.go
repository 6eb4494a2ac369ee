// Package live is the live state of a district: its open work orders,
// active alarms and the latest position of every grid worker, indexed by
// street, community and in space, queried by the dashboard and the
// WebSocket hub and notifying them of every change.
//
// # Rebuilt from the stream, not a durable consumer
//
// The state lives in memory only. The bus's streams are its durable copy:
// on every start Run reads the orders-and-alarms stream from its first
// message and the patrol stream from Config.ForgetAfter ago, and derives
// the state again. A durable consumer with acknowledgements would be the
// wrong tool here: acknowledging an event says it has been stored
// somewhere, and this state stores nothing that survives the process. The
// analytics writer, which does store events, is the bus's durable
// consumer. Rebuilding also makes every stream sequence number the state
// has applied a position the WebSocket hub can name to clients, across
// restarts of the process.
//
// Orders that have left the stream's retention are not seen by the
// rebuild; the analytics store keeps them for good. Restore, called before
// Run, adds those still open (and alarms still active) as views with
// stream sequence 0, so any stream event for one of them supersedes it
// through Apply's ordinary rule; the rest of the package (idempotence by
// sequence and event id, indexes, change notification) stays as it is.
//
// # Changes and snapshots
//
// Every change of the state (an order opened, moved on or closed, an alarm
// raised or cleared, a worker moved, went stale or was forgotten, an order
// became overdue) is numbered by a Version counter and handed to the
// functions registered with OnChange, one at a time and in Version order.
// A Snapshot carries the Version it was taken at. A consumer that wants a
// consistent view registers with OnChange first, then takes snapshots:
// the snapshot plus every change with a higher Version reproduces the
// state exactly; changes with a Version at or below the snapshot's are
// already in it and must be skipped. Changes caused by events also carry
// the event's stream sequence (Change.Seq), so a snapshot at Seq S plus
// the event changes with Seq > S and the clock-made changes after S
// (Change.At >= S) reproduce the state as well; the hub uses those
// numbers to let clients resume.
package live

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// Config tunes the live state. Zero fields take the defaults of
// DefaultConfig.
type Config struct {
	// StaleAfter is the silence after which a worker is shown as stale.
	StaleAfter time.Duration
	// OfflineAfter is the silence after which a worker is off-line.
	OfflineAfter time.Duration
	// ForgetAfter is the silence after which a worker leaves the state.
	// It is also how far back Run replays the patrol stream, so a restart
	// rebuilds the same set of workers; replay time grows with it (the
	// stream holds one sample per worker per minute, so 15 minutes of
	// 3,000 workers are 45,000 samples, about a second).
	ForgetAfter time.Duration
	// KeepClosed is how long a closed order or cleared alarm is remembered
	// (by its closing event's time) so that late repeats of its events do
	// not bring it back.
	KeepClosed time.Duration
	// MaxKeptClosed bounds how many closed orders, and how many cleared
	// alarms, are remembered: past it the ones closed longest ago are
	// forgotten first, down to nine tenths of it, so a flood of
	// short-lived orders cannot hold KeepClosed's worth of them in memory.
	MaxKeptClosed int
	// SweepInterval is how often Run re-evaluates clock-made fields:
	// overdue orders, worker statuses, forgotten workers.
	SweepInterval time.Duration
	// Clock tells the time; tests inject their own.
	Clock func() time.Time
}

// DefaultConfig is the configuration the zero fields default to.
func DefaultConfig() Config {
	return Config{
		StaleAfter:   2 * time.Minute,
		OfflineAfter: 10 * time.Minute,
		ForgetAfter:  15 * time.Minute,
		KeepClosed:   24 * time.Hour,
		// A district closes about 750 orders a day: the bound is weeks of
		// them, some 50 MB at most per layer.
		MaxKeptClosed: 20_000,
		SweepInterval: time.Second,
		Clock:         time.Now,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.StaleAfter <= 0 {
		c.StaleAfter = d.StaleAfter
	}
	if c.OfflineAfter <= 0 {
		c.OfflineAfter = d.OfflineAfter
	}
	if c.OfflineAfter < c.StaleAfter {
		c.OfflineAfter = c.StaleAfter
	}
	if c.ForgetAfter <= 0 {
		c.ForgetAfter = d.ForgetAfter
	}
	if c.ForgetAfter < c.OfflineAfter {
		c.ForgetAfter = c.OfflineAfter
	}
	if c.KeepClosed <= 0 {
		c.KeepClosed = d.KeepClosed
	}
	if c.MaxKeptClosed <= 0 {
		c.MaxKeptClosed = d.MaxKeptClosed
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = d.SweepInterval
	}
	if c.Clock == nil {
		c.Clock = d.Clock
	}
	return c
}

// State is the live state. It is safe for concurrent use: one goroutine
// at a time applies (Apply, Sweep), any number read.
type State struct {
	cfg Config

	// applyMu serialises applying and notifying, so handlers see changes
	// in the order they were made without holding mu.
	applyMu  sync.Mutex
	handlers []func(Change)
	changes  []Change // scratch for one apply

	mu       sync.RWMutex
	seq      uint64 // last events-stream sequence applied
	version  uint64 // last change made
	orders   map[string]*orderEntry
	alarms   map[string]*alarmEntry
	workers  map[string]*Worker
	orderIx  *spatialIndex
	alarmIx  *spatialIndex
	workerIx *spatialIndex
	points   *geo.Points // workers, for nearest search
	tally    tally

	applied                      *prometheus.CounterVec
	appliedEvents, appliedPatrol prometheus.Counter
	ready                        readiness
}

// orderEntry is an order the state knows: open, or closed and kept for
// KeepClosed to recognise late repeats.
type orderEntry struct {
	view     *Order
	events   []string // ids of the events applied, to drop repeats
	closed   bool
	closedAt time.Time // the closing event's time
}

// alarmEntry is an alarm the state knows: active, or cleared and kept.
type alarmEntry struct {
	view      *Alarm
	events    []string
	cleared   bool
	clearedAt time.Time
}

// tally counts what the metrics and Counts report for the whole state.
type tally struct {
	openOrders, overdue, alarms int
	workers                     map[WorkerStatus]int
	onDuty                      int // on duty and not off-line
}

// New makes an empty state. Call Run to fill it from the bus, or Apply to
// feed it messages directly.
func New(cfg Config) *State {
	s := &State{
		cfg:      cfg.withDefaults(),
		orders:   map[string]*orderEntry{},
		alarms:   map[string]*alarmEntry{},
		workers:  map[string]*Worker{},
		orderIx:  newSpatialIndex(),
		alarmIx:  newSpatialIndex(),
		workerIx: newSpatialIndex(),
		points:   geo.NewPoints(),
		tally:    tally{workers: map[WorkerStatus]int{}},
		applied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridpulse_live_applied_messages_total",
			Help: "Bus messages applied to the live state, by stream.",
		}, []string{"stream"}),
	}
	s.appliedEvents = s.applied.WithLabelValues(bus.EventsStream)
	s.appliedPatrol = s.applied.WithLabelValues(bus.PatrolStream)
	s.ready.init()
	return s
}

// Seq is the last events-stream sequence number the state has applied.
func (s *State) Seq() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.seq
}
