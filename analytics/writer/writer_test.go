package writer_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/event"
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
	eventually(t, "writing the events stream", func() (bool, string) { return r.caughtUp(t, bus.EventsStream, ev) })
	eventually(t, "writing the patrol stream", func() (bool, string) { return r.caughtUp(t, bus.PatrolStream, pt) })
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
