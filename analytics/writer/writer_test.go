package writer_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/internal/eventually"
	"github.com/gridpulse/gridpulse/stream/bus"
)

func openBus(t *testing.T) *bus.Bus {
	t.Helper()
	b, err := bus.Open(context.Background(), bus.DefaultConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// lastSeqs is the last sequence of both streams.
func lastSeqs(t *testing.T, b *bus.Bus) (events, patrols uint64) {
	t.Helper()
	var err error
	if events, err = b.LastSeq(context.Background(), bus.EventsStream); err != nil {
		t.Fatal(err)
	}
	if patrols, err = b.LastSeq(context.Background(), bus.PatrolStream); err != nil {
		t.Fatal(err)
	}
	return events, patrols
}

func waitCaughtUp(t *testing.T, r *running, b *bus.Bus) {
	t.Helper()
	ev, pt := lastSeqs(t, b)
	eventually.HoldsWith(t, "writing the events stream", func() (bool, string) { return r.caughtUp(t, bus.EventsStream, ev) })
	eventually.HoldsWith(t, "writing the patrol stream", func() (bool, string) { return r.caughtUp(t, bus.PatrolStream, pt) })
}

func checkSummary(t *testing.T, store *analytics.Store, evs []*event.Event) {
	t.Helper()
	for _, d := range diff(read(t, store.Engine()), expect(evs)) {
		t.Error(d)
	}
}

// Events published to the bus end up, through the writer, in every table:
// raw events per area, order and alarm states, the hourly rollups and the
// downsampled patrol positions with their rollup.
func TestWriterFillsEveryTable(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		store := analyticstest.Open(t, cfg)
		b := openBus(t)
		evs := slices.Concat(orderEvents("a", 40), alarmEvents("a", 10), patrolEvents(3, 4))
		publish(t, b, evs)
		r := startWriter(t, store, b, testConfig(""))
		waitCaughtUp(t, r, b)
		checkSummary(t, store, evs)
		if got := r.metric(t, "gridpulse_analytics_rows_written_total", "patrol_samples"); got != float64(expect(evs).Samples) {
			t.Errorf("patrol rows written = %v, want the %d downsampled samples", got, expect(evs).Samples)
		}
	})
}

// A fresh consumer gets both streams again from the start, as a writer
// resuming behind its acknowledgements would: the writer skips every event
// ClickHouse already has, so nothing is counted twice.
func TestWriterSkipsRedeliveredEvents(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		store := analyticstest.Open(t, cfg)
		b := openBus(t)
		evs := slices.Concat(orderEvents("a", 30), alarmEvents("a", 6), patrolEvents(2, 3))
		publish(t, b, evs)
		first := startWriter(t, store, b, testConfig(""))
		waitCaughtUp(t, first, b)
		first.stop(t)

		again := startWriter(t, store, b, testConfig("-again"))
		waitCaughtUp(t, again, b)
		checkSummary(t, store, evs)
		nEvents, _ := lastSeqs(t, b)
		if got := again.metric(t, "gridpulse_analytics_redelivered_events_total", bus.EventsStream); got != float64(nEvents) {
			t.Errorf("redelivered events skipped = %v, want all %d", got, nEvents)
		}
		for _, table := range []string{"events", "patrol_samples"} {
			if got := again.metric(t, "gridpulse_analytics_rows_written_total", table); got != 0 {
				t.Errorf("the second writer wrote %v rows to %s, want none", got, table)
			}
		}
	})
}

// A bus set up anew (its storage lost, ClickHouse kept) numbers its
// messages from 1 again: the writer must write them, not take them for the
// messages of those numbers it stored from the old bus.
func TestWriterWritesABusSetUpAnew(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		store := analyticstest.Open(t, cfg)
		old := openBus(t)
		before := slices.Concat(orderEvents("a", 20), alarmEvents("a", 4), patrolEvents(2, 3))
		publish(t, old, before)
		first := startWriter(t, store, old, testConfig(""))
		waitCaughtUp(t, first, old)
		first.stop(t)

		anew := openBus(t)
		// The same workers an hour later, as new reports.
		later := patrolEvents(2, 3)
		for _, e := range later {
			e.ID += "-later"
			e.Time.Time = e.Time.Add(time.Hour)
		}
		after := slices.Concat(orderEvents("b", 20), alarmEvents("b", 4), later)
		publish(t, anew, after)
		second := startWriter(t, store, anew, testConfig(""))
		waitCaughtUp(t, second, anew)
		checkSummary(t, store, slices.Concat(before, after))
		if got := second.metric(t, "gridpulse_analytics_redelivered_events_total", bus.EventsStream); got != 0 {
			t.Errorf("%v events of the new bus were taken for stored ones", got)
		}
	})
}

// While ClickHouse refuses the writer's inserts, the batch is retried with
// backoff and nothing behind it is written or acknowledged; once it accepts
// them again, everything held back is written, in stream order.
//
// ClickHouse refuses for real: a CHECK constraint that no row passes makes
// every insert into events fail inside the engine, on either engine, the
// way a full disk or a read-only replica would, until it is dropped.
func TestWriterWaitsOutRefusedWritesInOrder(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		ctx := context.Background()
		store := analyticstest.Open(t, cfg)
		eng := store.Engine()
		b := openBus(t)
		before, during, after := orderEvents("a", 12), orderEvents("b", 12), orderEvents("c", 12)
		publish(t, b, before)
		r := startWriter(t, store, b, testConfig(""))
		waitCaughtUp(t, r, b)
		written, _ := lastSeqs(t, b)

		// Merges would blur the parts that show the order of inserts.
		if err := eng.Exec(ctx, "SYSTEM STOP MERGES events"); err != nil {
			t.Fatal(err)
		}
		if err := eng.Exec(ctx, "ALTER TABLE events ADD CONSTRAINT writes_refused CHECK 0"); err != nil {
			t.Fatal(err)
		}
		publish(t, b, during)
		eventually.HoldsWith(t, "the writer retrying", func() (bool, string) {
			n := r.metric(t, "gridpulse_analytics_batch_failures_total", bus.EventsStream)
			return n >= 3, fmt.Sprintf("%v failed attempts", n)
		})
		publish(t, b, after)
		var held []struct {
			N uint64 `ch:"n"`
		}
		if err := eng.Select(ctx, &held, "SELECT count() AS n FROM events WHERE seq > ?", written); err != nil {
			t.Fatal(err)
		}
		if held[0].N != 0 {
			t.Fatalf("%d events were written while inserts were refused", held[0].N)
		}
		if got := uint64(r.metric(t, "gridpulse_analytics_written_seq", bus.EventsStream)); got != written {
			t.Fatalf("the writer moved on to seq %d while refused, want it held at %d", got, written)
		}

		if err := eng.Exec(ctx, "ALTER TABLE events DROP CONSTRAINT writes_refused"); err != nil {
			t.Fatal(err)
		}
		waitCaughtUp(t, r, b)
		checkSummary(t, store, slices.Concat(before, during, after))

		// Each insert makes its own part, numbered in insert order: taken
		// in that order, the parts must hold ever higher sequences.
		var parts []struct {
			Part string `ch:"part"`
			Lo   uint64 `ch:"lo"`
			Hi   uint64 `ch:"hi"`
		}
		if err := eng.Select(ctx, &parts, "SELECT _part AS part, min(seq) AS lo, max(seq) AS hi FROM events WHERE seq > ? GROUP BY part", written); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(parts, func(a, b struct {
			Part string `ch:"part"`
			Lo   uint64 `ch:"lo"`
			Hi   uint64 `ch:"hi"`
		}) int {
			return cmp.Compare(blockNumber(t, a.Part), blockNumber(t, b.Part))
		})
		for i := 1; i < len(parts); i++ {
			if parts[i].Lo <= parts[i-1].Hi {
				t.Errorf("part %s (seq %d-%d) was inserted after part %s (seq %d-%d)",
					parts[i].Part, parts[i].Lo, parts[i].Hi, parts[i-1].Part, parts[i-1].Lo, parts[i-1].Hi)
			}
		}
		if len(parts) < 2 {
			t.Errorf("the backlog went in as %d part(s); the test needs several batches to show their order", len(parts))
		}
	})
}

// blockNumber is the first block number in a part's name
// (partition_minblock_maxblock_level), which grows with each insert.
func blockNumber(t *testing.T, part string) int {
	t.Helper()
	fields := strings.Split(part, "_")
	if len(fields) < 4 {
		t.Fatalf("part name %q is not partition_min_max_level", part)
	}
	n, err := strconv.Atoi(fields[len(fields)-3])
	if err != nil {
		t.Fatalf("part name %q: %v", part, err)
	}
	return n
}
