package history

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics/writer"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/seed/simulate"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// Live events written after the history, through the bus and the writer,
// all land: the writer takes no history row for one of its own.
func TestLiveEventsAfterHistoryAllLand(t *testing.T) {
	store, d, _ := writtenWeek(t)
	eng := store.Engine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	b, err := bus.Open(ctx, bus.DefaultConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	// Twenty live minutes after the history, located as ingest would.
	sim, err := simulate.New(simulate.Config{Seed: 2, Start: weekEnd}, d.Areas, d.Facilities)
	if err != nil {
		t.Fatal(err)
	}
	ix := geo.NewIndex(d.Areas)
	var evs []*event.Event
	if err := sim.Generate(ctx, weekEnd.Add(20*time.Minute), func(batch []*event.Event) error {
		for _, e := range batch {
			e.Area = codes(ix.Locate(e.Location.Lon(), e.Location.Lat()))
			e.Received = event.Time{Time: weekEnd.Add(20 * time.Minute)}
		}
		evs = append(evs, batch...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantEvents, wantSamples := 0, map[string]bool{}
	for _, e := range evs {
		if e.Patrol == nil {
			wantEvents++
			continue
		}
		wantSamples[e.Patrol.WorkerID+e.Time.Truncate(time.Minute).String()+map[bool]string{true: "on"}[e.Patrol.OnDuty]] = true
	}
	for _, a := range b.Publish(ctx, evs) {
		if a.Err != nil {
			t.Fatal(a.Err)
		}
	}

	w := writer.New(store, writer.DefaultConfig())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, b) }()
	var gotEvents, gotSamples uint64
	for range 300 {
		gotEvents = selectCount(t, eng, "SELECT count() AS n FROM events WHERE stream = ?", bus.EventsStream)
		gotSamples = selectCount(t, eng, "SELECT count() AS n FROM patrol_samples WHERE seq > 0")
		if gotEvents == uint64(wantEvents) && gotSamples == uint64(len(wantSamples)) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if gotEvents != uint64(wantEvents) || gotSamples != uint64(len(wantSamples)) || wantEvents == 0 {
		t.Errorf("live rows written: %d events of %d published, %d patrol samples of %d worker-minutes",
			gotEvents, wantEvents, gotSamples, len(wantSamples))
	}

	// A history planned now ends where the live data begins.
	first := evs[0].Time.Time
	for _, e := range evs {
		first = minTime(first, e.Time.Time)
	}
	from, to, err := Plan(context.Background(), store, 24*time.Hour, weekEnd.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !to.Equal(first) || !from.Equal(first.Add(-24*time.Hour)) {
		t.Errorf("planned %s – %s, want the day before the first live event at %s", from, to, first)
	}
}
