package live

import (
	"slices"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// Restored orders and alarms join the state with Seq 0 and give way to
// any stream event for them; what the state already holds, and closed or
// cleared things, are not restored.
func TestRestoreThenStreamSupersedes(t *testing.T) {
	c := newClock()
	s := newState(t, c)
	rec := record(s)
	s.Apply(orderMsg(1, "e1", "WO-held", event.Received, -time.Minute, posA, chainA))

	deadline := at(-time.Hour)
	orders := []*Order{
		{OrderID: "WO-old", State: event.Dispatched, Title: "路灯不亮", Location: posA, Area: chainA,
			Opened: at(-72 * time.Hour), Updated: at(-48 * time.Hour), Deadline: &deadline, Seq: 7},
		{OrderID: "WO-quiet", State: event.Received, Location: posB, Area: chainB, Opened: at(-50 * time.Hour)},
		{OrderID: "WO-held", State: event.Dispatched, Location: posB, Area: chainB},
		{OrderID: "WO-done", State: event.Closed, Location: posC, Area: chainC},
	}
	alarms := []*Alarm{
		{AlarmID: "AL-old", Status: AlarmAcknowledged, Location: posC, Area: chainC, Raised: at(-30 * time.Hour)},
		{AlarmID: "AL-done", Status: AlarmCleared, Location: posC, Area: chainC},
	}
	if o, a := s.Restore(orders, alarms); o != 2 || a != 1 {
		t.Fatalf("Restore added %d orders, %d alarms; want 2 and 1", o, a)
	}
	if got, want := ids(s.Snapshot(Query{Layers: AllLayers})),
		"orders[WO-held:received WO-old:dispatched WO-quiet:received] alarms[AL-old:acknowledged] patrols[]"; got != want {
		t.Fatalf("after restore: %s, want %s", got, want)
	}
	if got, want := s.Counts(""), (Counts{OpenOrders: 3, Overdue: 1, ActiveAlarms: 1}); got != want {
		t.Errorf("Counts = %+v, want %+v", got, want)
	}
	if got := s.Counts(chainC.Street); got.ActiveAlarms != 1 {
		t.Errorf("restored alarm not indexed by street: %+v", got)
	}
	if s.Seq() != 1 {
		t.Errorf("Seq = %d: restoring must not move the stream position", s.Seq())
	}

	// The stream moves a restored order on and closes another.
	s.Apply(orderMsg(2, "e2", "WO-old", event.InProgress, 0, posB, chainB))
	s.Apply(orderMsg(3, "e3", "WO-quiet", event.Closed, 0, posB, chainB))
	s.Apply(alarmMsg(4, "e4", "AL-old", event.Clear, 0, posC, chainC))
	snap := s.Snapshot(Query{Layers: LayersOf(Orders)})
	if got, want := ids(s.Snapshot(Query{Layers: AllLayers})),
		"orders[WO-held:received WO-old:in_progress] alarms[] patrols[]"; got != want {
		t.Fatalf("after the stream: %s, want %s", got, want)
	}
	i := slices.IndexFunc(snap.Orders, func(o *Order) bool { return o.OrderID == "WO-old" })
	if o := snap.Orders[i]; o.Seq != 2 || o.Title != "路灯不亮" || o.Opened != at(-72*time.Hour) || o.Area != chainB {
		t.Errorf("WO-old = %+v: want the stream's seq 2 and area over the restored title and opening", o)
	}
	if got, want := s.Counts(""), (Counts{OpenOrders: 2, Overdue: 1}); got != want {
		t.Errorf("Counts = %+v, want %+v", got, want)
	}
	want := []string{"orders/WO-held@1", "orders/WO-old@0", "orders/WO-quiet@0", "alarms/AL-old@0",
		"orders/WO-old@2", "orders/WO-quiet-@3", "alarms/AL-old-@4"}
	if got := rec.summary(); !slices.Equal(got, want) {
		t.Errorf("changes = %v, want %v", got, want)
	}
}
