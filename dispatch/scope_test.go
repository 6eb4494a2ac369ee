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
	// One grid in each street, the first two grids of their streets.
	var grids []*area.Area
	for _, g := range f.grids {
		if len(grids) == 0 || g.Code[:area.StreetCodeLen] != grids[len(grids)-1].Code[:area.StreetCodeLen] {
			grids = append(grids, g)
		}
	}
	if len(grids) < 2 {
		t.Fatalf("the tiny district has grids in %d streets, want 2", len(grids))
	}
	g1, g2 := grids[0], grids[1]
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
	if _, err := f.svc.Do(context.Background(), street1, o2.OrderID, File, Request{Actor: "street:" + street1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("filing another street's order: %v, want ErrNotFound", err)
	}
	if got := f.order(o2.OrderID); got.Seq != before || got.State != event.Received {
		t.Errorf("the refused step moved the order: %s at seq %d", got.State, got.Seq)
	}
	res, err := f.svc.Do(context.Background(), street1, o1.OrderID, File, Request{Actor: "street:" + street1})
	if err != nil || res.To != event.Filed {
		t.Errorf("filing the own street's order: %+v, %v", res, err)
	}
}
