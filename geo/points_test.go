package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

func TestPointsNearest(t *testing.T) {
	ps := NewPoints()
	// At 30.5° N a degree of longitude is 0.86 of a degree of latitude:
	// "east" is 0.0011° of longitude away (about 106 m), "north" 0.001° of
	// latitude (about 111 m), so east is nearer though its degrees are more.
	for id, p := range map[string]orb.Point{
		"east":  {103.9011, 30.5},
		"north": {103.9, 30.501},
		"far":   {103.95, 30.55},
	} {
		if err := ps.Upsert(id, p); err != nil {
			t.Fatal(err)
		}
	}
	q := orb.Point{103.9, 30.5}
	tests := []struct {
		name string
		k    int
		keep func(string) bool
		want []string
	}{
		{"nearest one", 1, nil, []string{"east"}},
		{"all, nearest first", 10, nil, []string{"east", "north", "far"}},
		{"filtered", 2, func(id string) bool { return id != "east" }, []string{"north", "far"}},
		{"k zero", 0, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ps.Nearest(q, tt.k, tt.keep)
			var ids []string
			for _, n := range got {
				ids = append(ids, n.ID)
				if want := geo.Distance(q, n.Point); math.Abs(n.Meters-want) > 1e-6 {
					t.Errorf("%s: %v m, geo.Distance says %v", n.ID, n.Meters, want)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("got %v, want %v", ids, tt.want)
			}
		})
	}
}

func TestPointsUpsertRemove(t *testing.T) {
	ps := NewPoints()
	if err := ps.Upsert("a", orb.Point{103.9, 30.5}); err != nil {
		t.Fatal(err)
	}
	if err := ps.Upsert("a", orb.Point{104.0, 30.6}); err != nil { // a move
		t.Fatal(err)
	}
	if ps.Len() != 1 {
		t.Fatalf("Len = %d after a move, want 1", ps.Len())
	}
	if n := ps.Nearest(orb.Point{103.9, 30.5}, 1, nil); len(n) != 1 || n[0].Point != (orb.Point{104.0, 30.6}) {
		t.Fatalf("after a move Nearest = %v", n)
	}
	ps.Remove("a")
	ps.Remove("never there")
	if ps.Len() != 0 || ps.Nearest(orb.Point{103.9, 30.5}, 1, nil) != nil {
		t.Fatal("point still there after Remove")
	}
	for _, p := range []orb.Point{{math.NaN(), 30}, {181, 30}, {103, -91}, {math.Inf(1), 0}} {
		if err := ps.Upsert("bad", p); err == nil {
			t.Errorf("Upsert(%v) took a point that is not a longitude and latitude", p)
		}
	}
	if ps.Len() != 0 {
		t.Error("a bad point was stored")
	}
}

// TestPointsAgreeWithBruteForce moves, adds and removes thousands of
// points at random and checks every query against a sort of all of them.
func TestPointsAgreeWithBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ps := NewPoints()
	truth := map[string]orb.Point{}
	random := func() orb.Point {
		return orb.Point{103.75 + rng.Float64()*0.35, 30.35 + rng.Float64()*0.35}
	}
	for step := range 20000 {
		id := fmt.Sprintf("w%d", rng.IntN(3000))
		if rng.IntN(5) == 0 {
			ps.Remove(id)
			delete(truth, id)
		} else {
			p := random()
			if err := ps.Upsert(id, p); err != nil {
				t.Fatal(err)
			}
			truth[id] = p
		}
		if step%100 != 0 {
			continue
		}
		if ps.Len() != len(truth) {
			t.Fatalf("step %d: Len = %d, want %d", step, ps.Len(), len(truth))
		}
		q, k := random(), 1+rng.IntN(12)
		keep := func(id string) bool { return id[len(id)-1] != '7' }
		var want []Neighbor
		for id, p := range truth {
			if keep(id) {
				want = append(want, Neighbor{ID: id, Point: p, Meters: geo.Distance(q, p)})
			}
		}
		slices.SortFunc(want, func(a, b Neighbor) int { return cmpFloat(a.Meters, b.Meters) })
		want = want[:min(k, len(want))]
		got := ps.Nearest(q, k, keep)
		if len(got) != len(want) {
			t.Fatalf("step %d: %d neighbours, want %d", step, len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || math.Abs(got[i].Meters-want[i].Meters) > 1e-6 {
				t.Fatalf("step %d: neighbour %d = %+v, want %+v", step, i, got[i], want[i])
			}
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestPointsConcurrent moves points while others query them; run with
// -race to see the locking hold.
func TestPointsConcurrent(t *testing.T) {
	ps := NewPoints()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range 2000 {
				p := orb.Point{103.9 + rng.Float64()*0.1, 30.5 + rng.Float64()*0.1}
				switch i % 4 {
				case 0:
					ps.Remove(fmt.Sprintf("w%d-%d", w, rng.IntN(50)))
				case 1:
					ps.Nearest(p, 5, nil)
				default:
					if err := ps.Upsert(fmt.Sprintf("w%d-%d", w, rng.IntN(50)), p); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := len(ps.Nearest(orb.Point{103.95, 30.55}, 1000, nil)); n != ps.Len() {
		t.Errorf("Nearest found %d of %d points", n, ps.Len())
	}
}
