// Package history writes a district's past into the analytics store: work
// orders with their whole life cycles, sensor alarms and sampled patrol
// positions, made by the live simulator's own generators, so the mix of
// channels and categories, the daily curve, handling times, escalations
// and ratings are those of the live simulation.
//
// The rows go straight into ClickHouse in large blocks, made exactly as the
// analytics writer makes them from the bus, so the materialized views fill
// the same rollups. History is told apart from the live stream:
//
//   - events carry stream "history" and sequence numbers of their own,
//     counted from 1; the writer reads and deduplicates only stream
//     "events", so history is never taken for redelivered live events;
//   - patrol samples carry sequence 0, below every bus sequence, so the
//     writer's highest stored sequence and its lookups of redelivered
//     sequences never see them.
//
// Walking the workers is most of the work: they are split among one
// simulator per core (simulate.Parts), beside one for the orders and
// alarms, and each walks exactly as in a single simulation.
//
// A history ends where the live data in the store begins (Plan), so the
// two never count the same hour twice, and a store holds one history:
// Write refuses a store that has one already.
//
// Orders still open when the history ends stay open in ClickHouse, and
// are not in the live state, which is rebuilt from the bus alone.
package history

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/seed/simulate"
)

// Stream is the stream name history's events carry in the events table,
// and Sender who they say handed them in (event.Event.Sender): an order's
// audit trail tells seeded steps from real ones.
const (
	Stream = "history"
	Sender = "seed:history"
)

// ErrExists is returned by Write when the store holds history already.
var ErrExists = errors.New("history: the store holds history already")

// Summary is what a history run has written.
type Summary struct {
	From, To time.Time
	// SimTime is how far the simulation has come.
	SimTime time.Time
	// Orders and Alarms count orders received and alarms raised;
	// OrderEvents and AlarmEvents all their life-cycle events.
	Orders, OrderEvents int64
	Alarms, AlarmEvents int64
	PatrolSamples       int64
	// Outside counts events no street holds, left out as ingest would
	// refuse them; 0 for a seeded district.
	Outside int64
	// Written counts rows inserted so far, of events and patrol_samples
	// (the rollups the views fill come on top).
	Written int64
	// Took is the time taken so far.
	Took time.Duration
}

// Rows is every row made: events and patrol samples.
func (s Summary) Rows() int64 { return s.OrderEvents + s.AlarmEvents + s.PatrolSamples }

// RowsPerSecond is rows written a second of Took.
func (s Summary) RowsPerSecond() float64 {
	if s.Took <= 0 {
		return 0
	}
	return float64(s.Written) / s.Took.Seconds()
}

// Plan picks the range of a history of length span: ending now, or where
// the live data in the store begins if that is earlier, so history and
// live data never overlap.
func Plan(ctx context.Context, store *analytics.Store, span time.Duration, now time.Time) (from, to time.Time, err error) {
	to = now.UTC().Truncate(time.Millisecond)
	live, ok, err := liveStart(ctx, store.Engine())
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if ok && live.Before(to) {
		to = live
	}
	return to.Add(-span), to, nil
}

// Write simulates cfg's range of the district in areas and inserts its
// events and patrol samples into store, generating and inserting at once.
// It refuses a store that holds history already (ErrExists) or live data
// before cfg.To.
func Write(ctx context.Context, store *analytics.Store, areas *area.Set, facilities []*area.Facility, cfg Config) (Summary, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return Summary{}, fmt.Errorf("history: %w", err)
	}
	eng := store.Engine()
	if err := checkEmpty(ctx, eng, cfg.To); err != nil {
		return Summary{}, err
	}
	parts := []simulate.Parts{{NoPatrols: true}}
	for i := range cfg.Shards {
		parts = append(parts, simulate.Parts{NoOrders: true, WorkerShard: i, WorkerShards: cfg.Shards})
	}
	sims := make([]*simulate.Simulator, len(parts))
	for i, p := range parts {
		sc := cfg.simConfig()
		sc.Only = p
		var err error
		if sims[i], err = simulate.New(sc, areas, facilities); err != nil {
			return Summary{}, fmt.Errorf("history: %w", err)
		}
	}
	ix := geo.NewIndex(areas)
	pr := newProgress(cfg, len(sims))
	blocks := make(chan *engine.Block, 2)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		for b := range blocks {
			if err := eng.Insert(gctx, b); err != nil {
				return fmt.Errorf("history: inserting %d rows into %s: %w", b.Len(), b.Table, err)
			}
			pr.written.Add(int64(b.Len()))
		}
		return nil
	})
	var gens sync.WaitGroup
	for i, sim := range sims {
		gens.Add(1)
		g.Go(func() error {
			defer gens.Done()
			return generate(gctx, sim, cfg, ix, blocks, func(s Summary) { pr.update(i, s) })
		})
	}
	go func() {
		gens.Wait()
		close(blocks)
	}()
	err := g.Wait()
	return pr.total(), err
}

// generate runs one simulator over cfg's range, an hour at a time, and
// sends its rows to blocks.
func generate(ctx context.Context, sim *simulate.Simulator, cfg Config, ix *geo.Index, blocks chan<- *engine.Block, done func(Summary)) error {
	send := func(b *engine.Block) error {
		select {
		case blocks <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var sum Summary
	r := newRows(ix, cfg.Batch, send, &sum)
	last := cfg.To.Add(-time.Millisecond) // Generate's bound is inclusive
	for t := cfg.From; t.Before(cfg.To); {
		t = minTime(t.Add(time.Hour), cfg.To)
		if err := sim.Generate(ctx, minTime(t, last), r.add); err != nil {
			return fmt.Errorf("history: simulating up to %s: %w", t.Format(time.RFC3339), err)
		}
		sum.SimTime = t
		done(sum)
	}
	return r.flush()
}

// progress adds up what the simulators have made.
type progress struct {
	cfg     Config
	start   time.Time
	written atomic.Int64
	mu      sync.Mutex
	parts   []Summary
	shown   time.Time // the SimTime last reported
}

func newProgress(cfg Config, parts int) *progress {
	p := &progress{cfg: cfg, start: time.Now(), parts: make([]Summary, parts), shown: cfg.From}
	for i := range p.parts {
		p.parts[i].SimTime = cfg.From
	}
	return p
}

// update records what simulator i has made, and reports the whole when
// the slowest simulator has finished another hour.
func (p *progress) update(i int, s Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.parts[i] = s
	sum := p.sumLocked()
	if p.cfg.Progress != nil && sum.SimTime.After(p.shown) {
		p.shown = sum.SimTime
		p.cfg.Progress(sum)
	}
}

func (p *progress) total() Summary {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sumLocked()
}

func (p *progress) sumLocked() Summary {
	sum := Summary{From: p.cfg.From, To: p.cfg.To, SimTime: p.cfg.To}
	for _, s := range p.parts {
		sum.SimTime = minTime(sum.SimTime, s.SimTime)
		sum.Orders += s.Orders
		sum.OrderEvents += s.OrderEvents
		sum.Alarms += s.Alarms
		sum.AlarmEvents += s.AlarmEvents
		sum.PatrolSamples += s.PatrolSamples
		sum.Outside += s.Outside
	}
	sum.Written, sum.Took = p.written.Load(), time.Since(p.start)
	return sum
}

type timeCount struct {
	T time.Time `ch:"t"`
	N uint64    `ch:"n"`
}

// liveStart is the time of the oldest live row in the store: an event of
// the bus's streams or a patrol sample the writer stored.
func liveStart(ctx context.Context, eng engine.Engine) (time.Time, bool, error) {
	var first time.Time
	found := false
	for _, q := range []string{
		"SELECT min(time) AS t, count() AS n FROM events WHERE stream != '" + Stream + "'",
		"SELECT min(time) AS t, count() AS n FROM patrol_samples WHERE seq > 0",
	} {
		var rows []timeCount
		if err := eng.Select(ctx, &rows, q); err != nil {
			return time.Time{}, false, fmt.Errorf("history: looking for live data: %w", err)
		}
		if len(rows) == 1 && rows[0].N > 0 && (!found || rows[0].T.Before(first)) {
			first, found = rows[0].T.UTC(), true
		}
	}
	return first, found, nil
}

// checkEmpty refuses a store that holds history, or live data before to.
func checkEmpty(ctx context.Context, eng engine.Engine, to time.Time) error {
	for _, q := range []string{
		"SELECT min(time) AS t, count() AS n FROM events WHERE stream = '" + Stream + "'",
		"SELECT min(time) AS t, count() AS n FROM patrol_samples WHERE seq = 0",
	} {
		var rows []timeCount
		if err := eng.Select(ctx, &rows, q); err != nil {
			return fmt.Errorf("history: looking for history written before: %w", err)
		}
		if len(rows) == 1 && rows[0].N > 0 {
			return fmt.Errorf("%w (%d rows from %s on); the rollups cannot tell one run's rows from another's, so history is written once, into a store without it",
				ErrExists, rows[0].N, rows[0].T.UTC().Format(time.RFC3339))
		}
	}
	live, ok, err := liveStart(ctx, eng)
	if err != nil {
		return err
	}
	if ok && live.Before(to) {
		return fmt.Errorf("history: the store holds live data from %s on, before the history's end %s: end the history there",
			live.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
