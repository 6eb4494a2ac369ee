package analytics_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/writer"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/live"
)

var restoreChain = event.Chain{Street: "510116001", Community: "510116001001", Compound: "5101160010010003",
	Building: "5101160010010003007", GeneralGrid: "510116001001001", MicroGrid: "510116001001001002",
	DedicatedGrid: "510116001001501"}

func orderStep(id, orderID string, st event.State, ago time.Duration) *event.Event {
	o := &event.Order{OrderID: orderID, State: st}
	if st == event.Received {
		o.Channel, o.Category, o.Priority, o.Title = "hotline_12345", "environment.parking", "normal", "车辆占道 "+orderID
	}
	c := restoreChain
	return &event.Event{ID: id, Type: event.TypeOrder, Time: event.Time{Time: time.Now().UTC().Add(-ago)},
		Location: event.Position{103.92, 30.57}, Area: &c, Order: o}
}

func alarmStep(id, alarmID string, act event.Action, ago time.Duration) *event.Event {
	c := restoreChain
	return &event.Event{ID: id, Type: event.TypeAlarm, Time: event.Time{Time: time.Now().UTC().Add(-ago)},
		Location: event.Position{103.93, 30.58}, Area: &c,
		Alarm: &event.Alarm{AlarmID: alarmID, DeviceID: "dev-" + alarmID, DeviceType: "elevator",
			Kind: "trapped_person", Severity: "critical", Action: act}}
}

func openRestoreBus(t *testing.T, cfg bus.Config) *bus.Bus {
	t.Helper()
	b, err := bus.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitEmpty waits until the events stream has let every message go.
func waitEmpty(ctx context.Context, t *testing.T, b *bus.Bus) {
	t.Helper()
	for {
		first, err := b.First(ctx, bus.EventsStream)
		if err != nil {
			t.Fatal(err)
		}
		if first == (bus.First{}) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the events stream still holds seq %d", first.Seq)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func publishAll(t *testing.T, b *bus.Bus, evs ...*event.Event) {
	t.Helper()
	for i, a := range b.Publish(context.Background(), evs) {
		if a.Err != nil {
			t.Fatalf("publishing event %d: %v", i, a.Err)
		}
	}
}

// writeHistory runs the analytics writer on b until the store holds want
// events, then stops it.
func writeHistory(t *testing.T, store *analytics.Store, b *bus.Bus, want uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := writer.DefaultConfig()
	cfg.MaxWait = 50 * time.Millisecond
	done := make(chan error, 1)
	go func() { done <- writer.New(store, cfg).Run(ctx, b) }()
	for {
		var n []struct {
			N uint64 `ch:"n"`
		}
		if err := store.Engine().Select(ctx, &n, "SELECT count() AS n FROM events"); err != nil {
			t.Fatal(err)
		}
		if n[0].N == want {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the store holds %d events, want %d", n[0].N, want)
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	<-done
}

func orderStates(orders []*live.Order) []string {
	var out []string
	for _, o := range orders {
		out = append(out, fmt.Sprintf("%s:%s@%d", o.OrderID, o.State, o.Seq))
	}
	slices.Sort(out)
	return out
}

func alarmStatuses(alarms []*live.Alarm) []string {
	var out []string
	for _, a := range alarms {
		out = append(out, fmt.Sprintf("%s:%s@%d", a.AlarmID, a.Status, a.Seq))
	}
	slices.Sort(out)
	return out
}

// Orders and alarms whose events only the store still holds come back
// into the live state; those the stream holds come from the stream alone,
// and later stream events move restored ones on.
func TestRestoreLiveFromHistory(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		store := analyticstest.Open(t, cfg)

		// The bus first keeps events a second, and lets go of these.
		dir := t.TempDir()
		short := bus.DefaultConfig(dir)
		short.EventsMaxAge, short.DuplicateWindow = time.Second, time.Second
		old := openRestoreBus(t, short)
		publishAll(t, old,
			orderStep("o1a", "WO-1", event.Received, 72*time.Hour),
			orderStep("o1b", "WO-1", event.Dispatched, 70*time.Hour),
			orderStep("o2a", "WO-2", event.Received, 60*time.Hour),
			orderStep("o2b", "WO-2", event.Closed, 50*time.Hour),
			orderStep("o3a", "WO-3", event.Received, 40*time.Hour),
			alarmStep("a1a", "AL-1", event.Raise, 30*time.Hour),
			alarmStep("a2a", "AL-2", event.Raise, 30*time.Hour),
			alarmStep("a2b", "AL-2", event.Clear, 29*time.Hour),
			alarmStep("a3a", "AL-3", event.Raise, 28*time.Hour),
			alarmStep("a3b", "AL-3", event.Acknowledge, 27*time.Hour))
		writeHistory(t, store, old, 10)
		waitEmpty(ctx, t, old)
		old.Close()

		// Reopened with the usual retention, the stream holds WO-4
		// (written to the store too) and a step of WO-3 the writer has not
		// stored yet.
		b := openRestoreBus(t, bus.DefaultConfig(dir))
		defer b.Close()
		publishAll(t, b, orderStep("o4a", "WO-4", event.Received, time.Hour))
		writeHistory(t, store, b, 11)
		publishAll(t, b, orderStep("o3b", "WO-3", event.InProgress, time.Minute))

		first, err := b.First(ctx, bus.EventsStream)
		if err != nil {
			t.Fatal(err)
		}
		orders, err := store.OpenOrders(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := orderStates(orders), []string{"WO-1:dispatched@0", "WO-3:received@0"}; !slices.Equal(got, want) {
			t.Errorf("OpenOrders = %v, want %v", got, want)
		}
		if i := slices.IndexFunc(orders, func(o *live.Order) bool { return o.OrderID == "WO-1" }); i >= 0 {
			o := orders[i]
			if o.Title != "车辆占道 WO-1" || o.Channel != "hotline_12345" || o.Area != restoreChain ||
				o.Location != (event.Position{103.92, 30.57}) || !o.Opened.Before(o.Updated.Time) {
				t.Errorf("WO-1 restored as %+v", o)
			}
		}
		alarms, err := store.ActiveAlarms(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := alarmStatuses(alarms), []string{"AL-1:raised@0", "AL-3:acknowledged@0"}; !slices.Equal(got, want) {
			t.Errorf("ActiveAlarms = %v, want %v", got, want)
		}
		if a := alarms[0]; a.DeviceID != "dev-AL-1" || a.Kind != "trapped_person" || a.Severity != "critical" || a.Area != restoreChain {
			t.Errorf("AL-1 restored as %+v", a)
		}
		// An empty stream holds nothing, and a bus set up anew (sequences
		// from 1 again) holds nothing stored before its first message:
		// every open order is restored.
		for _, f := range []bus.First{{}, {Seq: 1, Stored: time.Now()}} {
			all, err := store.OpenOrders(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := orderStates(all), []string{"WO-1:dispatched@0", "WO-3:received@0", "WO-4:received@0"}; !slices.Equal(got, want) {
				t.Errorf("OpenOrders with the stream's first message at %+v = %v, want %v", f, got, want)
			}
		}

		// The live state: restored, then replayed from the stream.
		state := live.New(live.DefaultConfig())
		closed := make(chan struct{})
		state.OnChange(func(c live.Change) {
			if c.Key == "WO-1" && c.Removed {
				close(closed)
			}
		})
		if err := store.RestoreLive(ctx, b, state); err != nil {
			t.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		ran := make(chan error, 1)
		go func() { ran <- state.Run(runCtx, b) }()
		defer func() { stop(); <-ran }()
		if err := state.WaitReady(ctx); err != nil {
			t.Fatal(err)
		}
		snap := state.Snapshot(live.Query{Layers: live.AllLayers})
		if got, want := orderStates(snap.Orders), []string{"WO-1:dispatched@0", "WO-3:in_progress@12", "WO-4:received@11"}; !slices.Equal(got, want) {
			t.Errorf("live orders = %v, want %v", got, want)
		}
		if got, want := alarmStatuses(snap.Alarms), []string{"AL-1:raised@0", "AL-3:acknowledged@0"}; !slices.Equal(got, want) {
			t.Errorf("live alarms = %v, want %v", got, want)
		}
		if got, want := state.Counts(""), (live.Counts{OpenOrders: 3, ActiveAlarms: 2}); got != want {
			t.Errorf("Counts = %+v, want %+v", got, want)
		}

		// A restored order closed by a new stream event leaves the state.
		publishAll(t, b, orderStep("o1c", "WO-1", event.Closed, 0))
		select {
		case <-closed:
		case <-ctx.Done():
			t.Fatal("closing WO-1 on the stream did not remove it")
		}
		if got := state.Counts("").OpenOrders; got != 2 {
			t.Errorf("open orders after closing WO-1 = %d, want 2", got)
		}
	})
}
