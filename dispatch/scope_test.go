package dispatch

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
)

// Reads and steps answer only what lies in the caller's scope: an order of
// another street or community is not found, its workers are not
// suggested, and it is not in the queue.
func TestScope(t *testing.T) {
	f := newFixture(t, Config{})
	g1, g2 := f.gridsOfTwoStreets()
	o1 := f.report(g1, "environment.garbage", "normal")
	o2 := f.report(g2, "environment.garbage", "normal")
	f.patrol("GW-1", g1, f.inGrid(g1), true)
	f.patrol("GW-2", g2, f.inGrid(g2), true)
	district := g1.Code[:area.DistrictCodeLen]
	street1, community1 := o1.Area.Street, o1.Area.Community

	tests := []struct {
		name    string
		scope   string
		orders  []string // the orders the scope sees, in queue order
		workers []string // the workers suggested for an order it sees
	}{
		{"everywhere", "", []string{o1.OrderID, o2.OrderID}, []string{"GW-1", "GW-2"}},
		{"district", district, []string{o1.OrderID, o2.OrderID}, []string{"GW-1", "GW-2"}},
		{"first street", street1, []string{o1.OrderID}, []string{"GW-1"}},
		{"second street", o2.Area.Street, []string{o2.OrderID}, []string{"GW-2"}},
		{"community of the first order", community1, []string{o1.OrderID}, []string{"GW-1"}},
		{"other district", "510104", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, total := f.svc.Queue(QueueQuery{Scope: tt.scope})
			var queued []string
			for _, it := range items {
				queued = append(queued, it.OrderID)
			}
			slices.Sort(queued)
			want := slices.Sorted(slices.Values(tt.orders))
			if !slices.Equal(queued, want) || total != len(want) {
				t.Errorf("queue %v (total %d), want %v", queued, total, want)
			}
			for _, o := range []string{o1.OrderID, o2.OrderID} {
				sees := slices.Contains(tt.orders, o)
				_, err := f.svc.Order(tt.scope, o)
				if sees != (err == nil) || (!sees && !errors.Is(err, ErrNotFound)) {
					t.Errorf("Order(%s) = %v, visible %v", o, err, sees)
				}
				sug, err := f.svc.Suggest(tt.scope, o, 5)
				if !sees {
					if !errors.Is(err, ErrNotFound) {
						t.Errorf("Suggest(%s) outside scope = %v, want ErrNotFound", o, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("Suggest(%s): %v", o, err)
				}
				var ids []string
				for _, w := range sug.Workers {
					ids = append(ids, w.WorkerID)
				}
				slices.Sort(ids)
				if !slices.Equal(ids, tt.workers) {
					t.Errorf("Suggest(%s) workers %v, want %v", o, ids, tt.workers)
				}
			}
		})
	}

	// A step on an order outside the scope is refused as not found and
	// takes nothing; inside, it is taken.
	before := f.order(o2.OrderID).Seq
	if _, err := f.svc.Do(context.Background(), street1, o2.OrderID, File, Request{Actor: "street:" + street1, Sender: "user:test"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("filing another street's order: %v, want ErrNotFound", err)
	}
	if got := f.order(o2.OrderID); got.Seq != before || got.State != event.Received {
		t.Errorf("the refused step moved the order: %s at seq %d", got.State, got.Seq)
	}
	res, err := f.svc.Do(context.Background(), street1, o1.OrderID, File, Request{Actor: "street:" + street1, Sender: "user:test"})
	if err != nil || res.To != event.Filed {
		t.Errorf("filing the own street's order: %+v, %v", res, err)
	}
}

// A dispatcher sends the workers of its area: those standing in it (as
// the suggestions find them), those of its grids standing elsewhere, a
// department, or a worker the live state does not know; not a worker of
// another area.
func TestDispatchSendsTheWorkersOfTheArea(t *testing.T) {
	f := newFixture(t, Config{})
	g1, g2 := f.gridsOfTwoStreets()
	f.patrol("GW-HOME", g1, f.inGrid(g1), true)  // street 1's, at home
	f.patrol("GW-AWAY", g1, f.inGrid(g2), true)  // street 1's, in street 2
	f.patrol("GW-VISIT", g2, f.inGrid(g1), true) // street 2's, in street 1
	f.patrol("GW-OTHER", g2, f.inGrid(g2), true) // street 2's, at home
	street1, district := g1.Code[:area.StreetCodeLen], g1.Code[:area.DistrictCodeLen]
	tests := []struct {
		scope, assignee string
		refused         bool
	}{
		{street1, "GW-HOME", false},
		{street1, "GW-AWAY", false},
		{street1, "GW-VISIT", false},
		{street1, "GW-OTHER", true},
		{street1, "GW-NEVER-REPORTED", false},
		{street1, DepartmentPrefix + Departments[0].Code, false},
		{district, "GW-OTHER", false},
	}
	for _, tt := range tests {
		t.Run(tt.scope+" sends "+tt.assignee, func(t *testing.T) {
			o := f.report(g1, "environment.garbage", "normal")
			f.do(o.OrderID, File, Request{})
			before := f.order(o.OrderID).Seq
			res, err := f.svc.Do(context.Background(), tt.scope, o.OrderID, Dispatch,
				Request{Actor: "desk 1", Assignee: tt.assignee, Sender: "user:dispatcher"})
			var fe *event.FieldError
			switch {
			case tt.refused && (!errors.As(err, &fe) || fe.Field != "assignee"):
				t.Errorf("sending %s: %+v, %v; want refused naming assignee", tt.assignee, res, err)
			case tt.refused && f.order(o.OrderID).Seq != before:
				t.Errorf("the refused dispatch moved the order")
			case !tt.refused && (err != nil || res.To != event.Dispatched || res.Order.Assignee != tt.assignee):
				t.Errorf("sending %s: %+v, %v", tt.assignee, res, err)
			}
		})
	}
}
