// Package writer fills ClickHouse from the bus: one durable consumer of the
// events stream (work orders and alarms) and one of the patrol stream,
// each taking batches by size and time and inserting them in stream order.
// A batch is acknowledged to the stream only once ClickHouse has its rows;
// while ClickHouse is down the same batch is retried with backoff, so
// nothing is lost and the backlog is written in order when it is back.
//
// The bus may deliver a batch again (after a crash, up to about 100 ms of
// acknowledgements are lost, and an insert that failed may have landed
// anyway). The writer skips what ClickHouse already has: events by their
// stream sequence and the time the bus stored them, which it looks up for
// any batch at or below the highest sequence stored when it started and for
// any batch retried after a failure. So every event is inserted once, and
// the rollups that materialized views feed from inserts count it once; and
// a bus set up anew, whose sequences start again at 1, has its events
// written, not taken for ones stored before.
package writer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// Config tunes the writer.
type Config struct {
	// EventsDurable and PatrolDurable name the durable consumers; a
	// consumer resumes where its name left off.
	EventsDurable string
	PatrolDurable string
	// Batch is the most events inserted at once; MaxWait the longest a
	// batch waits to fill.
	Batch   int
	MaxWait time.Duration
	// MaxBackoff caps the pause between retries while ClickHouse fails.
	MaxBackoff time.Duration
}

// DefaultConfig batches up to 20,000 events or 5 s, and retries at least
// every 30 s. Live traffic fills batches by time: every insert has a fixed
// cost in the engine (a part per table and view, then merges), which at
// one insert a second showed as the tail of live delivery; at one in five
// seconds the load test's order p99 fell by a third (README, "Load
// test"), and the history is at most a few seconds behind the live state.
// The size matters when catching up after an outage, where ClickHouse
// takes a few large inserts far faster than many small ones
// (BenchmarkInsert: about twice the rows per second at 50,000 as at
// 5,000).
func DefaultConfig() Config {
	return Config{
		EventsDurable: "analytics-events",
		PatrolDurable: "analytics-patrols",
		Batch:         20000,
		MaxWait:       5 * time.Second,
		MaxBackoff:    30 * time.Second,
	}
}

// Source is where the writer reads events: the bus.
type Source interface {
	Consume(ctx context.Context, cfg bus.ConsumerConfig, handle func(context.Context, []bus.Message) error) error
}

// Writer writes the bus's events to an analytics store.
type Writer struct {
	cfg     Config
	eng     engine.Engine
	metrics *metrics
	events  *sink
	patrols *sink
}

// New makes a writer for store.
func New(store *analytics.Store, cfg Config) *Writer {
	w := &Writer{cfg: cfg, eng: store.Engine(), metrics: newMetrics()}
	w.events = &sink{stream: bus.EventsStream, durable: cfg.EventsDurable, table: "events",
		maxSeqQuery:    "SELECT max(seq) AS seq FROM events WHERE stream = '" + bus.EventsStream + "'",
		storedSeqQuery: "SELECT seq, stored, received AS at FROM events WHERE stream = '" + bus.EventsStream + "' AND seq BETWEEN ? AND ?",
		build:          buildEvents}
	ds := newDownsampler()
	w.patrols = &sink{stream: bus.PatrolStream, durable: cfg.PatrolDurable, table: "patrol_samples",
		maxSeqQuery:    "SELECT max(seq) AS seq FROM patrol_samples",
		storedSeqQuery: "SELECT seq, stored, time AS at FROM patrol_samples WHERE seq BETWEEN ? AND ?",
		build: func(msgs []bus.Message, stored map[uint64]bool) (*engine.Block, int, func()) {
			keep, commit := ds.pick(msgs, stored)
			return newPatrolColumns(keep).block(), len(keep), commit
		}}
	return w
}

// Collectors are the writer's Prometheus metrics: lag, batch sizes,
// failures, redelivered events skipped, rows and insert times per table.
func (w *Writer) Collectors() []prometheus.Collector { return w.metrics.collectors() }

// Run consumes both streams until ctx ends or a consumer cannot run, and
// returns why it stopped.
func (w *Writer) Run(ctx context.Context, src Source) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, s := range []*sink{w.events, w.patrols} {
		g.Go(func() error {
			err := src.Consume(ctx, bus.ConsumerConfig{
				Stream: s.stream, Durable: s.durable,
				Batch: w.cfg.Batch, MaxWait: w.cfg.MaxWait, MaxBackoff: w.cfg.MaxBackoff,
			}, func(ctx context.Context, msgs []bus.Message) error { return w.write(ctx, s, msgs) })
			if err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("analytics writer, %s: %w", s.stream, err)
			}
			return err
		})
	}
	return g.Wait()
}

// sink is one stream's way into its table. Only its consumer's goroutine
// touches it.
type sink struct {
	stream, durable, table string
	maxSeqQuery            string
	storedSeqQuery         string
	// build turns a batch into rows, leaving out the sequences in stored;
	// it returns the block, its row count and what to do once it is
	// stored.
	build func(msgs []bus.Message, stored map[uint64]bool) (*engine.Block, int, func())

	started   bool   // watermark has been read
	watermark uint64 // the highest sequence stored when the writer started
	uncertain bool   // the last attempt failed: it may have landed anyway
}

type seqRow struct {
	Seq uint64 `ch:"seq"`
}

// storedRow is a stored row's place in its stream: the sequence, when the
// bus stored the message, and when it was received (a patrol report: when
// it was made), for rows from before the bus's time was kept.
type storedRow struct {
	Seq    uint64    `ch:"seq"`
	Stored time.Time `ch:"stored"`
	At     time.Time `ch:"at"`
}

// Rows written before the bus's time was kept hold the zero time (1970)
// instead; such a row is taken for a message of its sequence that the bus
// stored from a minute before the row was received to ten minutes after:
// a redelivered message was stored within milliseconds of its receipt,
// while a bus set up anew reaches the same sequence much later.
const (
	legacyEarly = time.Minute
	legacyLate  = 10 * time.Minute
)

// matchStored is the sequences of msgs that rows hold already: those with
// a row of the same sequence stored by the bus at the same time (to the
// millisecond, as stored).
func matchStored(msgs []bus.Message, rows []storedRow) map[uint64]bool {
	bySeq := make(map[uint64][]storedRow, len(rows))
	for _, r := range rows {
		bySeq[r.Seq] = append(bySeq[r.Seq], r)
	}
	stored := make(map[uint64]bool, len(rows))
	for _, m := range msgs {
		for _, r := range bySeq[m.Seq] {
			if ms := r.Stored.UnixMilli(); ms != 0 {
				if ms == m.Stored.UnixMilli() {
					stored[m.Seq] = true
				}
				continue
			}
			if d := m.Stored.Sub(r.At); d >= -legacyEarly && d <= legacyLate {
				stored[m.Seq] = true
			}
		}
	}
	return stored
}

// write inserts one batch, or returns why it could not, so the bus tries
// it again later.
func (w *Writer) write(ctx context.Context, s *sink, msgs []bus.Message) (err error) {
	defer func() {
		if err != nil {
			s.uncertain = true
			w.metrics.retries.WithLabelValues(s.stream).Inc()
		}
	}()
	if !s.started {
		var top []seqRow
		if err := w.eng.Select(ctx, &top, s.maxSeqQuery); err != nil {
			return fmt.Errorf("reading what %s holds: %w", s.table, err)
		}
		if len(top) > 0 {
			s.watermark = top[0].Seq
		}
		s.started = true
	}
	first, last := msgs[0].Seq, msgs[len(msgs)-1].Seq
	var stored map[uint64]bool
	if s.uncertain || first <= s.watermark {
		var rows []storedRow
		if err := w.eng.Select(ctx, &rows, s.storedSeqQuery, first, last); err != nil {
			return fmt.Errorf("checking %s for redelivered events: %w", s.table, err)
		}
		stored = matchStored(msgs, rows)
	}
	block, n, commit := s.build(msgs, stored)
	if n > 0 {
		start := time.Now()
		if err := w.eng.Insert(ctx, block); err != nil {
			return err
		}
		w.metrics.insert.WithLabelValues(s.table).Observe(time.Since(start).Seconds())
		w.metrics.rows.WithLabelValues(s.table).Add(float64(n))
	}
	commit()
	s.uncertain = false
	skipped := 0
	for _, m := range msgs {
		if stored[m.Seq] {
			skipped++
		}
	}
	w.metrics.redelivered.WithLabelValues(s.stream).Add(float64(skipped))
	w.metrics.batch.WithLabelValues(s.stream).Observe(float64(len(msgs)))
	w.metrics.lag.WithLabelValues(s.stream).Set(float64(msgs[len(msgs)-1].Pending))
	w.metrics.writtenSeq.WithLabelValues(s.stream).Set(float64(last))
	return nil
}

// buildEvents is the events sink's rows: every order and alarm event not
// stored yet.
func buildEvents(msgs []bus.Message, stored map[uint64]bool) (*engine.Block, int, func()) {
	c := newEventColumns(len(msgs))
	for _, m := range msgs {
		if !stored[m.Seq] && m.Event != nil {
			c.add(m)
		}
	}
	return c.block(), c.len(), func() {}
}
