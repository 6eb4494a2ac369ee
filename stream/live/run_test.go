package live

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/internal/eventually"
	"github.com/gridpulse/gridpulse/stream/bus"
)

func openBus(t *testing.T, dir string) *bus.Bus {
	t.Helper()
	b, err := bus.Open(context.Background(), bus.DefaultConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// running starts s.Run on b and waits until it is ready; the returned
// function stops it.
func running(t *testing.T, s *State, b *bus.Bus) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, b) }()
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := s.WaitReady(wctx); err != nil {
		cancel()
		t.Fatalf("state not ready: %v (run: %v)", err, <-done)
	}
	return func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Run returned %v", err)
		}
	}
}

func publish(t *testing.T, b *bus.Bus, evs ...*event.Event) []bus.Ack {
	t.Helper()
	acks := b.Publish(context.Background(), evs)
	for i, a := range acks {
		if a.Err != nil {
			t.Fatalf("publish %s: %v", evs[i].ID, a.Err)
		}
	}
	return acks
}

// lifeEvents is a day in a small district: orders opening, moving on
// and closing, alarms raised and cleared, workers reporting. n varies the
// ids so batches do not repeat each other.
func lifeEvents(n int, now time.Time) []*event.Event {
	var evs []*event.Event
	for i := range 12 {
		id := fmt.Sprintf("WO%d-%d", n, i)
		steps := []event.State{event.Received, event.Filed, event.Dispatched, event.Closed}[:1+i%4]
		for j, st := range steps {
			m := orderMsg(0, fmt.Sprintf("e%d-%d-%d", n, i, j), id, st, 0, posA, chainA)
			m.Event.Time = event.Time{Time: now.Add(time.Duration(j) * time.Minute)}
			evs = append(evs, m.Event)
		}
	}
	for i := range 4 {
		id := fmt.Sprintf("AL%d-%d", n, i)
		for j, act := range []event.Action{event.Raise, event.Acknowledge, event.Clear}[:1+i%3] {
			m := alarmMsg(0, fmt.Sprintf("a%d-%d-%d", n, i, j), id, act, 0, posB, chainB)
			m.Event.Time = event.Time{Time: now.Add(time.Duration(j) * time.Minute)}
			evs = append(evs, m.Event)
		}
	}
	for i := range 6 {
		m := patrolMsg(0, fmt.Sprintf("p%d-%d", n, i), fmt.Sprintf("GW-%d", i%3), 0, posC, chainC, true)
		m.Event.Time = event.Time{Time: now.Add(time.Duration(i) * time.Second)}
		evs = append(evs, m.Event)
	}
	return evs
}

// dump is a snapshot as canonical JSON, to compare states exactly.
func dump(t *testing.T, s *State) string {
	t.Helper()
	snap := s.Snapshot(Query{Layers: AllLayers})
	sort.Slice(snap.Orders, func(i, j int) bool { return snap.Orders[i].OrderID < snap.Orders[j].OrderID })
	sort.Slice(snap.Alarms, func(i, j int) bool { return snap.Alarms[i].AlarmID < snap.Alarms[j].AlarmID })
	sort.Slice(snap.Patrols, func(i, j int) bool { return snap.Patrols[i].WorkerID < snap.Patrols[j].WorkerID })
	snap.Version = 0 // counts changes made, which differ between runs
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The state is rebuilt from the streams after a restart of the bus and
// the process, identical to what it was, with every acknowledged event.
func TestRebuildAfterRestart(t *testing.T) {
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Millisecond)
	b := openBus(t, dir)
	publish(t, b, lifeEvents(1, now)...)

	s1 := New(Config{})
	stop := running(t, s1, b)
	// More while running, including repeats of earlier events.
	acks := publish(t, b, append(lifeEvents(2, now), lifeEvents(1, now)[:5]...)...)
	var last uint64
	for _, a := range acks {
		if a.Stream == bus.EventsStream {
			last = max(last, a.Seq)
		}
	}
	eventually.Holds(t, "the second batch", func() bool { return s1.Seq() >= last })
	before := dump(t, s1)
	stop()
	b.Close()

	b = openBus(t, dir)
	defer b.Close()
	s2 := New(Config{})
	defer running(t, s2, b)()
	if after := dump(t, s2); after != before {
		t.Fatalf("rebuilt state differs\nbefore %s\nafter  %s", before, after)
	}
	// Every acknowledged order in its last state: per batch, orders i%4
	// == 3 closed, the rest open; alarms i%3 == 2 cleared.
	c := s2.Counts("")
	if c.OpenOrders != 18 || c.ActiveAlarms != 6 || c.WorkersOnDuty != 3 {
		t.Errorf("counts after restart = %+v, want 18 open orders, 6 alarms, 3 workers", c)
	}
	snap := s2.Snapshot(Query{Layers: LayersOf(Orders), Filters: Filters{States: []event.State{event.Dispatched}}})
	if len(snap.Orders) != 6 {
		t.Errorf("dispatched orders after restart = %d, want 6", len(snap.Orders))
	}

	// And it goes on following.
	acks = publish(t, b, lifeEvents(3, now)...)
	eventually.Holds(t, "the third batch", func() bool { return s2.Seq() >= acks[len(acks)-7].Seq })
	if c := s2.Counts(""); c.OpenOrders != 27 {
		t.Errorf("open orders after a third batch = %d, want 27", c.OpenOrders)
	}
}

// With nothing to replay (an empty events stream, and patrol reports all
// older than ForgetAfter) the state is ready at once.
func TestReadyWithNothingToReplay(t *testing.T) {
	b := openBus(t, t.TempDir())
	defer b.Close()
	publish(t, b, lifeEvents(1, time.Now())[len(lifeEvents(1, time.Now()))-6:]...)
	later := time.Now().Add(2 * time.Hour)
	s := New(Config{Clock: func() time.Time { return later }})
	if s.Ready() {
		t.Fatal("ready before Run")
	}
	defer running(t, s, b)()
	if got := ids(s.Snapshot(Query{Layers: AllLayers})); got != "orders[] alarms[] patrols[]" {
		t.Errorf("state = %s", got)
	}
}

func TestCollectors(t *testing.T) {
	s := queryState(t)
	// One order closed and one alarm cleared, which the state remembers.
	s.Apply(orderMsg(100, "k1", "WO-K", event.Received, 0, posA, chainA))
	s.Apply(orderMsg(101, "k2", "WO-K", event.Closed, time.Minute, posA, chainA))
	s.Apply(alarmMsg(102, "k3", "AL-K", event.Raise, 0, posB, chainB))
	s.Apply(alarmMsg(103, "k4", "AL-K", event.Clear, time.Minute, posB, chainB))
	reg := prometheus.NewPedanticRegistry()
	for _, c := range s.Collectors() {
		if err := reg.Register(c); err != nil {
			t.Fatal(err)
		}
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			name := f.GetName()
			for _, l := range m.GetLabel() {
				name += "/" + l.GetValue()
			}
			got[name] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"gridpulse_live_open_orders": 3, "gridpulse_live_overdue_orders": 1, "gridpulse_live_active_alarms": 1,
		"gridpulse_live_workers/active": 2, "gridpulse_live_workers/stale": 0, "gridpulse_live_workers/offline": 0,
		"gridpulse_live_applied_messages_total/EVENTS": 9, "gridpulse_live_applied_messages_total/PATROLS": 2,
		"gridpulse_live_kept_closed/orders": 1, "gridpulse_live_kept_closed/alarms": 1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("metrics = %v\nwant      %v", got, want)
	}
}

// Positions that only travel on the live subject, never stored, reach the
// running state.
func TestFollowsLivePositions(t *testing.T) {
	b := openBus(t, t.TempDir())
	defer b.Close()
	s := New(Config{})
	defer running(t, s, b)()
	at := time.Now().UTC()
	// Core NATS keeps nothing for a subscriber that has not subscribed
	// yet, so the position is sent again, newer each time, until it lands.
	eventually.Holds(t, "a live position", func() bool {
		at = at.Add(time.Millisecond)
		e := &event.Event{ID: "live-" + at.Format(time.RFC3339Nano), Type: event.TypePatrol,
			Time: event.Time{Time: at}, Location: event.Position{103.92, 30.57},
			Area:   &event.Chain{Street: "510116001", Community: "510116001001"},
			Patrol: &event.Patrol{WorkerID: "GW-live", Role: "grid_worker", OnDuty: true}}
		if err := b.PublishLive([]*event.Event{e}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
		return s.Counts("510116001").WorkersOnDuty == 1
	})
	if last, _ := b.LastSeq(context.Background(), bus.PatrolStream); last != 0 {
		t.Errorf("the patrol stream holds %d positions; live ones must not be stored", last)
	}
}
