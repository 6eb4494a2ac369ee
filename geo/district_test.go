package geo

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/seed"
)

// Generated districts are shared by the tests and benchmarks of a run:
// generating Shuangliu takes about a second.
var districts struct {
	sync.Mutex
	byName map[string]*area.Set
}

func generated(tb testing.TB, name string, cfg seed.Config) *area.Set {
	tb.Helper()
	districts.Lock()
	defer districts.Unlock()
	if s, ok := districts.byName[name]; ok {
		return s
	}
	d, err := seed.Generate(context.Background(), cfg, nil)
	if err != nil {
		tb.Fatalf("generate %s: %v", name, err)
	}
	if districts.byName == nil {
		districts.byName = map[string]*area.Set{}
	}
	districts.byName[name] = d.Areas
	return d.Areas
}

func tiny(tb testing.TB) *area.Set      { return generated(tb, "tiny", seed.Tiny()) }
func shuangliu(tb testing.TB) *area.Set { return generated(tb, "shuangliu", seed.Shuangliu()) }

// districtBound is the bounding box of the district layer.
func districtBound(set *area.Set) orb.Bound {
	var b orb.Bound
	for i, a := range set.Layer(area.District) {
		if i == 0 {
			b = a.Bound()
		} else {
			b = b.Union(a.Bound())
		}
	}
	return b
}

func uniformIn(rng *rand.Rand, b orb.Bound) orb.Point {
	return orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
}

// pointIn draws a point inside a, by rejection from its bounding box.
func pointIn(rng *rand.Rand, a *area.Area) orb.Point {
	for {
		if p := uniformIn(rng, a.Bound()); a.Contains(p) {
			return p
		}
	}
}

func TestLocateGeneratedCompounds(t *testing.T) {
	set := tiny(t)
	ix := NewIndex(set)
	rng := rand.New(rand.NewPCG(11, 12))
	compounds := set.Layer(area.Compound)
	if len(compounds) == 0 {
		t.Fatal("the tiny district has no compounds")
	}
	for _, c := range compounds {
		for range 50 {
			p := pointIn(rng, c)
			if got := ix.Locate(p[0], p[1]).Compound; got != c {
				t.Fatalf("point %v inside compound %s located to %v", p, c.Code, got)
			}
		}
	}
	b := districtBound(set)
	outside := 0
	for outside < 2000 {
		p := uniformIn(rng, b)
		inAny := false
		for _, c := range compounds {
			inAny = inAny || c.Contains(p)
		}
		if inAny {
			continue
		}
		outside++
		if got := ix.Locate(p[0], p[1]).Compound; got != nil {
			t.Fatalf("point %v outside every compound located to %s", p, got.Code)
		}
	}
}

// TestLocateAgreesWithBruteForce checks every layer of the chain against
// a scan of every area with orb/planar: the chain must name the first area
// in the set's order that holds the point, or nil when none does.
func TestLocateAgreesWithBruteForce(t *testing.T) {
	tests := []struct {
		name   string
		set    func(testing.TB) *area.Set
		points int
		long   bool
	}{
		{"tiny", tiny, 30000, false},
		{"shuangliu", shuangliu, 4500, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.long && testing.Short() {
				t.Skip("generating the full district takes seconds")
			}
			set := tt.set(t)
			ix := NewIndex(set)
			// Every area's box, as planar.PolygonContains would compute it
			// on each call; testing it first only saves time.
			bounds := map[area.Layer][]orb.Bound{}
			for _, l := range chainLayers {
				for _, a := range set.Layer(l) {
					bounds[l] = append(bounds[l], a.Bound())
				}
			}
			rng := rand.New(rand.NewPCG(13, 14))
			b := districtBound(set).Pad(0.002) // a margin outside the district too
			compounds := set.Layer(area.Compound)
			var all []*area.Area
			for _, l := range chainLayers {
				all = append(all, set.Layer(l)...)
			}
			for i := range tt.points {
				// A third of the points fall in compounds' boxes, so that
				// buildings and compound edges are met often, and a third
				// are areas' corners, on the outlines of one or more areas.
				var p orb.Point
				switch i % 3 {
				case 0:
					p = uniformIn(rng, b)
				case 1:
					p = uniformIn(rng, compounds[rng.IntN(len(compounds))].Bound())
				default:
					p = corner(rng, all[rng.IntN(len(all))])
				}
				got := ix.Locate(p[0], p[1]).areas()
				for i, l := range chainLayers {
					var want *area.Area
					for k, a := range set.Layer(l) {
						if bounds[l][k].Contains(p) && a.Contains(p) {
							want = a
							break
						}
					}
					if got[i] != want {
						t.Fatalf("point %v, layer %s: Locate gave %v, brute force %v", p, l, code(got[i]), code(want))
					}
					if in := ix.LocateIn(l, p); in != want {
						t.Fatalf("point %v, layer %s: LocateIn gave %v, brute force %v", p, l, code(in), code(want))
					}
				}
			}
		})
	}
}

// corner is one of a's vertices, chosen at random.
func corner(rng *rand.Rand, a *area.Area) orb.Point {
	var rings []orb.Ring
	switch g := a.Geometry.(type) {
	case orb.Polygon:
		rings = g
	case orb.MultiPolygon:
		for _, p := range g {
			rings = append(rings, p...)
		}
	}
	r := rings[rng.IntN(len(rings))]
	return r[rng.IntN(len(r))]
}

func code(a *area.Area) string {
	if a == nil {
		return "nil"
	}
	return a.Code
}
