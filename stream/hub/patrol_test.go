package hub

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// A writer that fell a few ticks behind gets the same batch from the
// board's log of changes as from searching its box: each worker that
// changed once, at its latest view, and the ones that left.
func TestBoardLogMatchesSearchAcrossTicks(t *testing.T) {
	box := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}
	rng := rand.New(rand.NewPCG(3, 5))
	b := newBoard()
	// Half the plane is in the box.
	view := func(id string) *live.Worker {
		return &live.Worker{WorkerID: id, Location: event.Position{rng.Float64() * 2, rng.Float64()}, Status: live.WorkerActive}
	}
	newSub := func() *subscription {
		q := live.Query{Layers: live.LayersOf(live.Patrols), BBox: &box}
		return &subscription{q: q, held: map[*workerRec]uint64{}}
	}
	viaLog, viaSearch := newSub(), newSub()
	for tick := uint64(1); tick <= 40; tick++ {
		changes := map[string]live.Change{}
		for range 1 + rng.IntN(30) {
			id := fmt.Sprintf("W%d", rng.IntN(50))
			changes[id] = live.Change{Layer: live.Patrols, Key: id, View: view(id), Removed: rng.IntN(20) == 0}
		}
		b.apply(tick, changes)
		if tick%3 != 0 {
			continue // both writers skip two ticks in three
		}
		// Force each way: the log for one, the search for the other.
		logW, logGone := b.batchSince(viaLog, true)
		searchW, searchGone := b.batchSince(viaSearch, false)
		if a, c := workerIDs(t, logW), workerIDs(t, searchW); !slices.Equal(a, c) {
			t.Fatalf("tick %d: log sends %v, search %v", tick, a, c)
		}
		slices.Sort(logGone)
		slices.Sort(searchGone)
		if !slices.Equal(logGone, searchGone) {
			t.Fatalf("tick %d: log says gone %v, search %v", tick, logGone, searchGone)
		}
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
