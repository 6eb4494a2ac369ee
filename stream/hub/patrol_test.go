package hub

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Over many ticks of workers walking about (across tiles, in and out of
// areas, on and off duty, forgotten and back), a client's set built from
// a snapshot and its batches is always exactly what its query selects on
// the board: whether its writer keeps in step, misses ticks, or starts
// from a snapshot of a state that runs ahead of the board.
func TestBoardBatchesKeepTheClientsSet(t *testing.T) {
	// Four 0.02° × 0.02° blocks (2 × 2 tiles each), one street each.
	street := func(p event.Position) string {
		return fmt.Sprintf("51011600%d", 1+int(p[0]/0.02)+2*int(p[1]/0.02))
	}
	box := orb.Bound{Min: orb.Point{0.005, 0.005}, Max: orb.Point{0.025, 0.035}}
	everywhere := orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{1, 1}}
	patrols := live.LayersOf(live.Patrols)
	tests := []struct {
		name string
		q    live.Query
		// lag: the writer reads one tick in lag+1 (0: every tick).
		lag int
	}{
		{"box, in step", live.Query{Layers: patrols, BBox: &box}, 0},
		{"box, two ticks behind", live.Query{Layers: patrols, BBox: &box}, 2},
		{"box and on-duty filter", live.Query{Layers: patrols, BBox: &box, Filters: live.Filters{OnDuty: true}}, 0},
		{"box within a street's scope", live.Query{Layers: patrols, BBox: &box, Scope: "510116001"}, 0},
		{"box within the district's scope", live.Query{Layers: patrols, BBox: &box, Scope: "510116"}, 0},
		{"box within a community's scope", live.Query{Layers: patrols, BBox: &box, Scope: "510116001001"}, 0},
		{"box wider than the changes' tiles", live.Query{Layers: patrols, BBox: &everywhere}, 0},
		{"area", live.Query{Layers: patrols, Area: "510116002"}, 0},
		{"area, a tick behind", live.Query{Layers: patrols, Area: "510116002"}, 1},
		{"everything, roles", live.Query{Layers: patrols, Filters: live.Filters{Roles: []event.Role{"grid_worker"}}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 5))
			state := map[string]*live.Worker{} // the live state, ahead of the board
			view := func(id string) *live.Worker {
				pos := event.Position{rng.Float64() * 0.04, rng.Float64() * 0.04}
				role := event.Role("grid_worker")
				if rng.IntN(3) == 0 {
					role = "party_member"
				}
				return &live.Worker{WorkerID: id, Role: role, OnDuty: rng.IntN(4) > 0, Location: pos,
					Area: event.Chain{Street: street(pos)}, Status: live.WorkerActive}
			}
			change := func() map[string]live.Change {
				changes := map[string]live.Change{}
				for range 1 + rng.IntN(40) {
					id := fmt.Sprintf("W%d", rng.IntN(60))
					if rng.IntN(15) == 0 {
						delete(state, id)
						changes[id] = live.Change{Layer: live.Patrols, Key: id, View: view(id), Removed: true}
						continue
					}
					state[id] = view(id)
					changes[id] = live.Change{Layer: live.Patrols, Key: id, View: state[id]}
				}
				return changes
			}
			h := &Hub{board: newBoard()}
			h.board.apply(1, change())
			h.tick = 1
			// The snapshot comes from the state, which has moved on since
			// the board's last tick.
			pendingChanges := change()
			s := newSubscription("s", nil, tt.q)
			var snap []*live.Worker
			for _, w := range state {
				if tt.q.Match(w) {
					snap = append(snap, w)
				}
			}
			held := map[string]*live.Worker{}
			for _, w := range h.holdSnapshot(s, snap) {
				held[w.view.WorkerID] = w.view
			}
			for tick := uint64(2); tick <= 60; tick++ {
				h.board.apply(tick, pendingChanges)
				pendingChanges = change()
				if int(tick)%(tt.lag+1) != 0 {
					continue
				}
				pb := h.board.batch(s)
				if pb.full {
					clear(held)
				}
				for _, id := range pb.gone {
					if _, ok := held[id]; !ok {
						t.Fatalf("tick %d: %s gone but not held", tick, id)
					}
					delete(held, id)
				}
				workerIDs(t, pb.workers) // none twice
				for _, w := range pb.workers {
					held[w.view.WorkerID] = w.view
				}
				want := map[string]*live.Worker{}
				for id, rec := range h.board.workers {
					if tt.q.Match(rec.view) {
						want[id] = rec.view
					}
				}
				if !maps.Equal(held, want) {
					t.Fatalf("tick %d: the client holds %v, the board selects %v", tick,
						slices.Sorted(maps.Keys(held)), slices.Sorted(maps.Keys(want)))
				}
			}
		})
	}
}

func workerIDs(t *testing.T, ws []*worker) []string {
	t.Helper()
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.view.WorkerID)
	}
	slices.Sort(ids)
	if len(ids) != len(slices.Compact(slices.Clone(ids))) {
		t.Fatalf("a worker sent twice in one batch: %v", ids)
	}
	return ids
}
