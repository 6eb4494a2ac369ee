package live

import (
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/event"
)

// queryState holds orders in A, B and C, an alarm in B and workers in A
// and C.
func queryState(t *testing.T) *State {
	t.Helper()
	c := newClock()
	s := newState(t, c)
	past := at(-time.Hour)
	s.Apply(orderMsg(1, "e1", "WA", event.Received, -2*time.Hour, posA, chainA, func(o *event.Order) { o.Deadline = &past }))
	s.Apply(orderMsg(2, "e2", "WB", event.Received, 0, posB, chainB, func(o *event.Order) { o.Category, o.Priority = "safety.fire_lane", "urgent" }))
	s.Apply(orderMsg(3, "e3", "WC", event.Received, 0, posC, chainC))
	s.Apply(orderMsg(4, "e4", "WC", event.Dispatched, time.Minute, posC, chainC))
	s.Apply(alarmMsg(5, "a5", "AB", event.Raise, 0, posB, chainB))
	s.Apply(patrolMsg(1, "p1", "GA", 0, posA, chainA, true))
	s.Apply(patrolMsg(2, "p2", "GC", 0, posC, chainC, false))
	return s
}

func TestSnapshotQueries(t *testing.T) {
	s := queryState(t)
	box := func(a, b event.Position) *orb.Bound {
		bd := orb.Bound{Min: orb.Point(a), Max: orb.Point(a)}.Extend(orb.Point(b))
		return &bd
	}
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{"everything", Query{Layers: AllLayers},
			"orders[WA:received WB:received WC:dispatched] alarms[AB:raised] patrols[GA:active GC:active]"},
		{"one layer", Query{Layers: LayersOf(Alarms)}, "orders[] alarms[AB:raised] patrols[]"},
		{"bbox around A and B", Query{Layers: AllLayers, BBox: box(posA, posB)},
			"orders[WA:received WB:received] alarms[AB:raised] patrols[GA:active]"},
		{"bbox around nothing", Query{Layers: AllLayers, BBox: box(event.Position{104.5, 31}, event.Position{104.6, 31.1})},
			"orders[] alarms[] patrols[]"},
		{"district", Query{Layers: AllLayers, Area: "510116"},
			"orders[WA:received WB:received WC:dispatched] alarms[AB:raised] patrols[GA:active GC:active]"},
		{"street", Query{Layers: AllLayers, Area: "510116001"},
			"orders[WA:received WB:received] alarms[AB:raised] patrols[GA:active]"},
		{"community", Query{Layers: AllLayers, Area: "510116001002"}, "orders[WB:received] alarms[AB:raised] patrols[]"},
		{"general grid", Query{Layers: AllLayers, Area: "510116001001001"}, "orders[WA:received] alarms[] patrols[GA:active]"},
		{"dedicated grid", Query{Layers: AllLayers, Area: "510116002001501"}, "orders[WC:dispatched] alarms[] patrols[GC:active]"},
		{"compound", Query{Layers: AllLayers, Area: "5101160010010003"}, "orders[WA:received] alarms[] patrols[GA:active]"},
		{"micro grid", Query{Layers: AllLayers, Area: "510116001001001002"}, "orders[WA:received] alarms[] patrols[GA:active]"},
		{"building", Query{Layers: AllLayers, Area: "5101160010010003004"}, "orders[WA:received] alarms[] patrols[GA:active]"},
		// The grid code is the compound code's first 15 digits, yet the
		// compound is not in the grid "510116001001000".
		{"grid code prefixing a compound", Query{Layers: AllLayers, Area: "510116001001000"}, "orders[] alarms[] patrols[]"},
		{"other district", Query{Layers: AllLayers, Area: "510104"}, "orders[] alarms[] patrols[]"},
		{"area and bbox together", Query{Layers: AllLayers, Area: "510116001", BBox: box(posB, posC)},
			"orders[WB:received] alarms[AB:raised] patrols[]"},
		{"scope narrows", Query{Layers: AllLayers, Scope: "510116002"}, "orders[WC:dispatched] alarms[] patrols[GC:active]"},
		{"states", Query{Layers: LayersOf(Orders), Filters: Filters{States: []event.State{event.Dispatched}}},
			"orders[WC:dispatched] alarms[] patrols[]"},
		{"category class", Query{Layers: LayersOf(Orders), Filters: Filters{Categories: []string{"safety"}}},
			"orders[WB:received] alarms[] patrols[]"},
		{"category code", Query{Layers: LayersOf(Orders), Filters: Filters{Categories: []string{"environment.parking"}}},
			"orders[WA:received WC:dispatched] alarms[] patrols[]"},
		{"priorities", Query{Layers: LayersOf(Orders), Filters: Filters{Priorities: []event.Priority{"urgent", "high"}}},
			"orders[WB:received] alarms[] patrols[]"},
		{"overdue only", Query{Layers: LayersOf(Orders), Filters: Filters{Overdue: true}}, "orders[WA:received] alarms[] patrols[]"},
		{"severities", Query{Layers: LayersOf(Alarms), Filters: Filters{Severities: []event.Severity{"minor"}}}, "orders[] alarms[] patrols[]"},
		{"kinds", Query{Layers: LayersOf(Alarms), Filters: Filters{Kinds: []event.AlarmKind{"trapped_person"}}}, "orders[] alarms[AB:raised] patrols[]"},
		{"on duty", Query{Layers: LayersOf(Patrols), Filters: Filters{OnDuty: true}}, "orders[] alarms[] patrols[GA:active]"},
		{"roles", Query{Layers: LayersOf(Patrols), Filters: Filters{Roles: []event.Role{"party_member"}}}, "orders[] alarms[] patrols[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(s.Snapshot(tt.q)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	s := queryState(t)
	tests := []struct {
		area string
		want Counts
	}{
		{"", Counts{OpenOrders: 3, Overdue: 1, ActiveAlarms: 1, WorkersOnDuty: 1}},
		{"510116", Counts{OpenOrders: 3, Overdue: 1, ActiveAlarms: 1, WorkersOnDuty: 1}},
		{"510116001", Counts{OpenOrders: 2, Overdue: 1, ActiveAlarms: 1, WorkersOnDuty: 1}},
		{"510116001002", Counts{OpenOrders: 1, ActiveAlarms: 1}},
		{"510116002", Counts{OpenOrders: 1}},
		{"510116001001001", Counts{OpenOrders: 1, Overdue: 1, WorkersOnDuty: 1}},
		{"510199", Counts{}},
	}
	for _, tt := range tests {
		if got := s.Counts(tt.area); got != tt.want {
			t.Errorf("Counts(%q) = %+v, want %+v", tt.area, got, tt.want)
		}
	}
}

func TestNearestWorkers(t *testing.T) {
	s := queryState(t)
	tests := []struct {
		name   string
		onDuty bool
		scope  string
		want   string
	}{
		{"all", false, "", "[GC:0 GA:44]"},
		{"on duty", true, "", "[GA:44]"},
		{"district scope", false, "510116", "[GC:0 GA:44]"},
		// The nearest worker is in street 002: a leader of street 001
		// gets the one in its own street, however far.
		{"street scope", false, "510116001", "[GA:44]"},
		{"community scope", false, "510116002001", "[GC:0]"},
		{"community without workers", false, "510116001002", "[]"},
		{"other district", false, "510104", "[]"},
	}
	for _, tt := range tests {
		var out []string
		for _, n := range s.NearestWorkers(orb.Point(posC), 5, tt.onDuty, tt.scope) {
			out = append(out, fmt.Sprintf("%s:%.0f", n.Worker.WorkerID, n.Meters/100))
		}
		if got := fmt.Sprint(out); got != tt.want {
			t.Errorf("%s: nearest to C = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestAreaCodes(t *testing.T) {
	tests := []struct {
		code string
		ok   bool
	}{
		{"510116", true}, {"510116001", true}, {"510116001001", true}, {"510116001001001", true},
		{"5101160010010003", true}, {"510116001001001002", true}, {"5101160010010003004", true},
		{"", false}, {"51011", false}, {"5101160010", false}, {"51011600100a", false},
	}
	for _, tt := range tests {
		if err := CheckAreaCode(tt.code); (err == nil) != tt.ok {
			t.Errorf("CheckAreaCode(%q) = %v", tt.code, err)
		}
	}
	within := []struct {
		inner, outer string
		want         bool
	}{
		{"510116001001", "510116001", true},
		{"510116001", "510116001", true},
		{"510116002001", "510116001", false},
		{"510116001", "510116001001", false},
		{"5101160010010003", "510116001001000", false},
		{"510116001001001002", "510116001001001", true},
		{"510116001001", "", true},
	}
	for _, tt := range within {
		if got := Within(tt.inner, tt.outer); got != tt.want {
			t.Errorf("Within(%q, %q) = %v", tt.inner, tt.outer, got)
		}
	}
}

// A query that selects workers by position and street judges a worker
// from those two exactly as Match judges its view; the others do not
// claim to.
func TestMatchWorkerPlaceAgreesWithMatch(t *testing.T) {
	box := orb.Bound{Min: orb.Point{103.90, 30.50}, Max: orb.Point{103.95, 30.55}}
	patrols := LayersOf(Patrols)
	tests := []struct {
		name     string
		q        Query
		byStreet bool
	}{
		{"a box", Query{Layers: patrols, BBox: &box}, true},
		{"a box in the district", Query{Layers: patrols, BBox: &box, Scope: "510116"}, true},
		{"a box in another district", Query{Layers: patrols, BBox: &box, Scope: "510117"}, true},
		{"a box in a street", Query{Layers: patrols, BBox: &box, Scope: "510116001"}, true},
		{"a box in a community", Query{Layers: patrols, BBox: &box, Scope: "510116001001"}, false},
		{"a box and an area", Query{Layers: patrols, BBox: &box, Area: "510116001"}, false},
		{"a box, on duty", Query{Layers: patrols, BBox: &box, Filters: Filters{OnDuty: true}}, false},
		{"a box, some roles", Query{Layers: patrols, BBox: &box, Filters: Filters{Roles: []event.Role{"grid_worker"}}}, false},
		{"no box", Query{Layers: patrols}, false},
		{"no patrols", Query{Layers: LayersOf(Orders), BBox: &box}, false},
	}
	var workers []*Worker
	for i, pos := range []event.Position{{103.92, 30.52}, {103.90, 30.55}, {103.96, 30.52}, {103.92, 30.49}} {
		for _, street := range []string{"510116001", "510116002", "510117001"} {
			workers = append(workers, &Worker{WorkerID: fmt.Sprintf("W%d-%s", i, street), Role: "grid_worker", OnDuty: true,
				Location: pos, Area: event.Chain{Street: street, Community: street + "001"}})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.SelectsWorkersByStreet(); got != tt.byStreet {
				t.Fatalf("SelectsWorkersByStreet = %v, want %v", got, tt.byStreet)
			}
			if !tt.byStreet {
				return
			}
			selected := 0
			for _, w := range workers {
				want := tt.q.Match(w)
				if got := tt.q.MatchWorkerPlace(w.Location, w.Area.Street); got != want {
					t.Errorf("%s: MatchWorkerPlace = %v, Match = %v", w.WorkerID, got, want)
				}
				if want {
					selected++
				}
			}
			t.Logf("%d of %d workers selected", selected, len(workers))
		})
	}
}
