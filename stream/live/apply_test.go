package live

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
)

func TestApplyOrdersAndAlarms(t *testing.T) {
	tests := []struct {
		name    string
		msgs    []bus.Message
		changes string
		state   string
	}{
		{
			name: "an order opens, moves on and closes",
			msgs: []bus.Message{
				orderMsg(1, "e1", "WO1", event.Received, 0, posA, chainA),
				orderMsg(2, "e2", "WO1", event.Dispatched, time.Minute, posA, chainA),
				orderMsg(3, "e3", "WO1", event.Closed, time.Hour, posA, chainA),
			},
			changes: "[orders/WO1@1 orders/WO1@2 orders/WO1-@3]",
			state:   "orders[] alarms[] patrols[]",
		},
		{
			name: "a repeated event id changes nothing",
			msgs: []bus.Message{
				orderMsg(1, "e1", "WO1", event.Received, 0, posA, chainA),
				orderMsg(2, "e2", "WO1", event.InProgress, time.Minute, posA, chainA),
				// The same event stored again after the bus's dedup window.
				orderMsg(5, "e2", "WO1", event.InProgress, time.Minute, posA, chainA),
			},
			changes: "[orders/WO1@1 orders/WO1@2]",
			state:   "orders[WO1:in_progress] alarms[] patrols[]",
		},
		{
			name: "a lower sequence than the view's is ignored",
			msgs: []bus.Message{
				orderMsg(1, "e1", "WO1", event.Received, 0, posA, chainA),
				orderMsg(4, "e4", "WO1", event.Verified, time.Hour, posA, chainA),
				orderMsg(3, "e3", "WO1", event.Dispatched, time.Minute, posA, chainA),
			},
			changes: "[orders/WO1@1 orders/WO1@4]",
			state:   "orders[WO1:verified] alarms[] patrols[]",
		},
		{
			name: "a late repeat of an event of a closed order does not reopen it",
			msgs: []bus.Message{
				orderMsg(1, "e1", "WO1", event.Received, 0, posA, chainA),
				orderMsg(2, "e2", "WO1", event.Closed, time.Hour, posA, chainA),
				orderMsg(3, "e1", "WO1", event.Received, 0, posA, chainA),
			},
			changes: "[orders/WO1@1 orders/WO1-@2]",
			state:   "orders[] alarms[] patrols[]",
		},
		{
			name: "a new step after closing reopens the order",
			msgs: []bus.Message{
				orderMsg(1, "e1", "WO1", event.Received, 0, posA, chainA),
				orderMsg(2, "e2", "WO1", event.Closed, time.Hour, posA, chainA),
				orderMsg(3, "e3", "WO1", event.Returned, 2*time.Hour, posA, chainA),
			},
			changes: "[orders/WO1@1 orders/WO1-@2 orders/WO1@3]",
			state:   "orders[WO1:returned] alarms[] patrols[]",
		},
		{
			name: "an order first seen closed is never shown",
			msgs: []bus.Message{
				orderMsg(7, "e7", "WO9", event.Closed, 0, posA, chainA),
			},
			changes: "[]",
			state:   "orders[] alarms[] patrols[]",
		},
		{
			name: "an alarm is raised, acknowledged and cleared",
			msgs: []bus.Message{
				alarmMsg(1, "a1", "AL1", event.Raise, 0, posB, chainB),
				alarmMsg(2, "a2", "AL1", event.Acknowledge, time.Minute, posB, chainB),
				alarmMsg(3, "a2", "AL1", event.Acknowledge, time.Minute, posB, chainB),
			},
			changes: "[alarms/AL1@1 alarms/AL1@2]",
			state:   "orders[] alarms[AL1:acknowledged] patrols[]",
		},
		{
			name: "a cleared alarm leaves",
			msgs: []bus.Message{
				alarmMsg(1, "a1", "AL1", event.Raise, 0, posB, chainB),
				alarmMsg(2, "a2", "AL2", event.Raise, 0, posC, chainC),
				alarmMsg(3, "a3", "AL1", event.Clear, time.Minute, posB, chainB),
			},
			changes: "[alarms/AL1@1 alarms/AL2@2 alarms/AL1-@3]",
			state:   "orders[] alarms[AL2:raised] patrols[]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newState(t, newClock())
			r := record(s)
			for _, m := range tt.msgs {
				s.Apply(m)
			}
			if got := fmt.Sprint(r.summary()); got != tt.changes {
				t.Errorf("changes = %s, want %s", got, tt.changes)
			}
			if got := ids(s.Snapshot(Query{Layers: AllLayers})); got != tt.state {
				t.Errorf("state = %s, want %s", got, tt.state)
			}
			if got, want := s.Seq(), tt.msgs[len(tt.msgs)-1].Seq; got < want {
				t.Errorf("Seq = %d, want at least %d", got, want)
			}
		})
	}
}

// Later steps carry only what changed; the view keeps the rest.
func TestOrderViewMergesSteps(t *testing.T) {
	s := newState(t, newClock())
	deadline := at(48 * time.Hour)
	s.Apply(orderMsg(1, "e1", "WO1", event.Received, 0, posA, chainA, func(o *event.Order) { o.Deadline = &deadline }))
	s.Apply(orderMsg(2, "e2", "WO1", event.Dispatched, time.Minute, posA, chainA, func(o *event.Order) { o.Assignee = "GW-7" }))
	s.Apply(orderMsg(3, "e3", "WO1", event.Escalated, time.Hour, posA, chainA, func(o *event.Order) { o.Escalations = 1 }))
	snap := s.Snapshot(Query{Layers: LayersOf(Orders)})
	if len(snap.Orders) != 1 {
		t.Fatalf("orders = %d", len(snap.Orders))
	}
	o := snap.Orders[0]
	want := Order{OrderID: "WO1", State: event.Escalated, Channel: "hotline_12345", Category: "environment.parking",
		Priority: "normal", Title: "车辆占道", Location: posA, Area: chainA, Opened: at(0), Updated: at(time.Hour),
		Deadline: &deadline, Escalations: 1, Assignee: "GW-7", Seq: 3}
	if fmt.Sprintf("%+v %v", *o, *o.Deadline) != fmt.Sprintf("%+v %v", want, *want.Deadline) {
		t.Errorf("view = %+v\nwant   %+v", *o, want)
	}
	if snap.Seq != 3 || snap.Version != 3 {
		t.Errorf("snapshot at seq %d version %d, want 3 and 3", snap.Seq, snap.Version)
	}
}

func TestWorkersGoStaleOfflineAndAreForgotten(t *testing.T) {
	c := newClock()
	s := New(Config{Clock: c.Now, StaleAfter: 2 * time.Minute, OfflineAfter: 10 * time.Minute, ForgetAfter: 30 * time.Minute})
	r := record(s)
	s.Apply(patrolMsg(1, "p1", "GW-1", 0, posA, chainA, true))
	s.Apply(patrolMsg(2, "p2", "GW-2", 0, posB, chainB, false))
	// An older report than the one held is ignored, a newer one moves.
	s.Apply(patrolMsg(3, "p3", "GW-1", -time.Second, posC, chainC, true))
	s.Apply(patrolMsg(4, "p4", "GW-2", time.Second, posC, chainC, false))

	steps := []struct {
		advance time.Duration
		state   string
		onDuty  int
	}{
		{0, "orders[] alarms[] patrols[GW-1:active GW-2:active]", 1},
		{2*time.Minute + time.Millisecond, "orders[] alarms[] patrols[GW-1:stale GW-2:active]", 1},
		{2 * time.Second, "orders[] alarms[] patrols[GW-1:stale GW-2:stale]", 1},
		{8 * time.Minute, "orders[] alarms[] patrols[GW-1:offline GW-2:offline]", 0},
		{20 * time.Minute, "orders[] alarms[] patrols[]", 0},
	}
	for i, st := range steps {
		c.Add(st.advance)
		s.Sweep()
		if got := ids(s.Snapshot(Query{Layers: AllLayers})); got != st.state {
			t.Errorf("step %d: state = %s, want %s", i, got, st.state)
		}
		if got := s.Counts("").WorkersOnDuty; got != st.onDuty {
			t.Errorf("step %d: workers on duty = %d, want %d", i, got, st.onDuty)
		}
	}
	want := "[patrols/GW-1@0 patrols/GW-2@0 patrols/GW-2@0 patrols/GW-1@0 patrols/GW-2@0 patrols/GW-1@0 patrols/GW-2@0 patrols/GW-1-@0 patrols/GW-2-@0]"
	got := r.summary()
	// Within one sweep the order of workers is not defined.
	if len(got) != 9 || fmt.Sprint(got[:4]) != "[patrols/GW-1@0 patrols/GW-2@0 patrols/GW-2@0 patrols/GW-1@0]" {
		t.Errorf("changes = %v, want like %s", got, want)
	}
}

func TestSweepMarksOverdueOrders(t *testing.T) {
	c := newClock()
	s := newState(t, c)
	r := record(s)
	deadline := at(time.Hour)
	s.Apply(orderMsg(1, "e1", "WO1", event.Received, 0, posA, chainA, func(o *event.Order) { o.Deadline = &deadline }))
	s.Apply(orderMsg(2, "e2", "WO2", event.Received, 0, posB, chainB))
	s.Sweep()
	if got := s.Counts(""); got != (Counts{OpenOrders: 2}) {
		t.Fatalf("before the deadline: %+v", got)
	}
	c.Add(time.Hour + time.Millisecond)
	s.Sweep()
	s.Sweep() // a second sweep finds nothing new
	if got := s.Counts(""); got != (Counts{OpenOrders: 2, Overdue: 1}) {
		t.Errorf("after the deadline: %+v", got)
	}
	if got := fmt.Sprint(r.summary()); got != "[orders/WO1@1 orders/WO2@2 orders/WO1@0]" {
		t.Errorf("changes = %s", got)
	}
	last := r.changes[2]
	if !last.View.(*Order).Overdue || last.Old.(*Order).Overdue || last.At != 2 || last.Version != 3 {
		t.Errorf("overdue change = %+v", last)
	}
	// Extending the deadline lifts it.
	later := at(5 * time.Hour)
	s.Apply(orderMsg(3, "e3", "WO1", event.Extended, 2*time.Hour, posA, chainA, func(o *event.Order) { o.Deadline = &later }))
	if got := s.Counts(""); got != (Counts{OpenOrders: 2}) {
		t.Errorf("after extension: %+v", got)
	}
}

// A snapshot at Version V plus the changes after V is the state, however
// the two interleave with applying.
func TestSnapshotPlusLaterChangesIsTheState(t *testing.T) {
	c := newClock()
	s := newState(t, c)
	type item struct {
		removed bool
		view    View
	}
	r := record(s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		seq := uint64(0)
		for i := range 300 {
			seq++
			id := fmt.Sprintf("WO%d", i%40)
			st := []event.State{event.Received, event.Dispatched, event.InProgress, event.Closed}[i%4]
			s.Apply(orderMsg(seq, fmt.Sprintf("e%d", seq), id, st, time.Duration(i)*time.Second, posA, chainA))
			s.Apply(patrolMsg(0, fmt.Sprintf("p%d", i), fmt.Sprintf("GW-%d", i%7), time.Duration(i)*time.Second, posB, chainB, true))
			if i%50 == 0 {
				c.Add(time.Minute)
				s.Sweep()
			}
		}
	}()
	var snaps []Snapshot
	for len(snaps) < 20 {
		snaps = append(snaps, s.Snapshot(Query{Layers: AllLayers}))
	}
	<-done
	final := ids(s.Snapshot(Query{Layers: AllLayers}))
	for _, snap := range snaps {
		held := map[string]item{}
		for _, o := range snap.Orders {
			held["o/"+o.OrderID] = item{view: o}
		}
		for _, w := range snap.Patrols {
			held["w/"+w.WorkerID] = item{view: w}
		}
		for _, ch := range r.changes {
			if ch.Version <= snap.Version {
				continue
			}
			k := map[Layer]string{Orders: "o/", Patrols: "w/"}[ch.Layer] + ch.Key
			if ch.Removed {
				delete(held, k)
			} else {
				held[k] = item{view: ch.View}
			}
		}
		var got Snapshot
		for _, it := range held {
			switch v := it.view.(type) {
			case *Order:
				got.Orders = append(got.Orders, v)
			case *Worker:
				got.Patrols = append(got.Patrols, v)
			}
		}
		if ids(got) != final {
			t.Fatalf("snapshot at version %d plus later changes = %s, want %s", snap.Version, ids(got), final)
		}
	}
}

// Past MaxKeptClosed the orders and alarms closed longest ago are
// forgotten first, down to nine tenths of it; open ones are never.
func TestSweepKeepsAtMostMaxKeptClosed(t *testing.T) {
	c := newClock()
	s := New(Config{Clock: c.Now, MaxKeptClosed: 10})
	seq := uint64(0)
	next := func() uint64 { seq++; return seq }
	for i := range 13 {
		id := fmt.Sprintf("WO%02d", i)
		s.Apply(orderMsg(next(), "r"+id, id, event.Received, time.Duration(i)*time.Minute, posA, chainA))
		if i < 12 { // WO12 stays open
			s.Apply(orderMsg(next(), "c"+id, id, event.Closed, time.Duration(i)*time.Minute+time.Second, posA, chainA))
		}
		al := fmt.Sprintf("AL%02d", i)
		s.Apply(alarmMsg(next(), "r"+al, al, event.Raise, time.Duration(i)*time.Minute, posB, chainB))
		s.Apply(alarmMsg(next(), "c"+al, al, event.Clear, time.Duration(i)*time.Minute+time.Second, posB, chainB))
	}
	s.Sweep()
	var keptOrders, keptAlarms []string
	for id, e := range s.orders {
		if e.closed {
			keptOrders = append(keptOrders, id)
		}
	}
	for id, e := range s.alarms {
		if e.cleared {
			keptAlarms = append(keptAlarms, id)
		}
	}
	slices.Sort(keptOrders)
	slices.Sort(keptAlarms)
	want := "[WO03 WO04 WO05 WO06 WO07 WO08 WO09 WO10 WO11] [AL04 AL05 AL06 AL07 AL08 AL09 AL10 AL11 AL12]"
	if got := fmt.Sprint(keptOrders, keptAlarms); got != want {
		t.Errorf("kept closed: %s, want the nine closed last of each", got)
	}
	if got := s.Counts(""); got.OpenOrders != 1 {
		t.Errorf("open orders after the sweep: %+v", got)
	}
	// A late repeat of a kept order's event changes nothing; one of a
	// forgotten order's brings it back, which is the bound's price.
	s.Apply(orderMsg(next(), "rWO11", "WO11", event.Received, 11*time.Minute, posA, chainA))
	s.Apply(orderMsg(next(), "rWO00", "WO00", event.Received, 0, posA, chainA))
	if got := s.Counts(""); got.OpenOrders != 2 {
		t.Errorf("open orders after the late repeats: %d, want WO12 and WO00", got.OpenOrders)
	}
}
