package geo

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tidwall/geojson"
	"github.com/tidwall/geojson/geometry"
	"github.com/tidwall/rtree"

	"github.com/gridpulse/gridpulse/area"
)

// The benchmarks run over the generated Shuangliu district (fixed seed)
// and report, besides ns/op, operations per second on one core.

const benchPoints = 1 << 16 // points drawn per benchmark, reused cyclically

// settle collects the garbage left by generating the district and
// building the index, so that no benchmark pays for it: with -cpu 1 the
// collector's work would share the one core with the loop being timed.
func settle() { runtime.GC() }

func perSecond(b *testing.B, unit string) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}

// districtPoints draws points uniformly over the district's bounding box.
func districtPoints(set *area.Set, seed uint64) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := districtBound(set)
	ps := make([]orb.Point, benchPoints)
	for i := range ps {
		ps[i] = uniformIn(rng, b)
	}
	return ps
}

// compoundPoints draws points inside compounds, or only inside their
// bounding boxes (where the exact test decides) when boxes is true.
func compoundPoints(set *area.Set, seed uint64, boxes bool) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, 2))
	cs := set.Layer(area.Compound)
	ps := make([]orb.Point, benchPoints)
	for i := range ps {
		c := cs[rng.IntN(len(cs))]
		if boxes {
			ps[i] = uniformIn(rng, c.Bound())
		} else {
			ps[i] = pointIn(rng, c)
		}
	}
	return ps
}

func BenchmarkLocateChain(b *testing.B) {
	set := shuangliu(b)
	ix := NewIndex(set)
	for _, bc := range []struct {
		name string
		ps   []orb.Point
	}{
		{"uniform", districtPoints(set, 1)},
		{"in-compounds", compoundPoints(set, 2, false)},
	} {
		settle()
		b.Run(bc.name, func(b *testing.B) {
			var found int
			i := 0
			for b.Loop() {
				p := bc.ps[i%benchPoints]
				if ix.Locate(p[0], p[1]).MicroGrid != nil {
					found++
				}
				i++
			}
			perSecond(b, "locates/s")
			if found == 0 {
				b.Fatal("no point fell in a micro grid")
			}
		})
	}
}

// tile38Layer is the compound layer as Tile38 holds it: tidwall/geojson
// objects in a tidwall/rtree, searched by box, then tested exactly with
// Contains, with the library's default polygon indexing.
type tile38Layer struct {
	tree rtree.RTreeG[geojson.Object]
}

func newTile38Layer(areas []*area.Area) *tile38Layer {
	t := &tile38Layer{}
	for _, a := range areas {
		var obj geojson.Object
		switch g := a.Geometry.(type) {
		case orb.Polygon:
			obj = geojson.NewPolygon(tile38Poly(g))
		case orb.MultiPolygon:
			polys := make([]*geometry.Poly, len(g))
			for i, p := range g {
				polys[i] = tile38Poly(p)
			}
			obj = geojson.NewMultiPolygon(polys)
		}
		r := obj.Rect()
		t.tree.Insert([2]float64{r.Min.X, r.Min.Y}, [2]float64{r.Max.X, r.Max.Y}, obj)
	}
	return t
}

func tile38Poly(p orb.Polygon) *geometry.Poly {
	ring := func(r orb.Ring) []geometry.Point {
		out := make([]geometry.Point, len(r))
		for i, q := range r {
			out[i] = geometry.Point{X: q[0], Y: q[1]}
		}
		return out
	}
	var holes [][]geometry.Point
	for _, h := range p[1:] {
		holes = append(holes, ring(h))
	}
	return geometry.NewPoly(ring(p[0]), holes, geometry.DefaultIndexOptions)
}

// locate returns the first object holding pt, as a Tile38 "intersects"
// or "within" point query does.
func (t *tile38Layer) locate(pt *geojson.Point) geojson.Object {
	var found geojson.Object
	c := [2]float64{pt.Base().X, pt.Base().Y}
	t.tree.Search(c, c, func(_, _ [2]float64, obj geojson.Object) bool {
		if obj.Contains(pt) {
			found = obj
			return false
		}
		return true
	})
	return found
}

func BenchmarkCompoundLayer(b *testing.B) {
	set := shuangliu(b)
	ix := NewIndex(set)
	t38 := newTile38Layer(set.Layer(area.Compound))
	for _, bc := range []struct {
		name string
		ps   []orb.Point
	}{
		{"", compoundPoints(set, 3, true)}, // inside compounds' boxes
		{"-uniform", districtPoints(set, 4)},
	} {
		pts := make([]*geojson.Point, len(bc.ps))
		for i, p := range bc.ps {
			pts[i] = geojson.NewPoint(geometry.Point{X: p[0], Y: p[1]})
		}
		// Both engines must give the same answers before their speed is compared.
		hits := 0
		for i, p := range bc.ps {
			ours, theirs := ix.LocateIn(area.Compound, p) != nil, t38.locate(pts[i]) != nil
			if ours != theirs {
				b.Fatalf("point %v: gridpulse says %v, tile38 says %v", p, ours, theirs)
			}
			if ours {
				hits++
			}
		}
		b.Logf("points%s: %.0f%% in a compound", bc.name, 100*float64(hits)/float64(len(bc.ps)))
		settle()
		b.Run("gridpulse"+bc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				ix.LocateIn(area.Compound, bc.ps[i%benchPoints])
				i++
			}
			perSecond(b, "locates/s")
		})
		b.Run("tile38"+bc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				t38.locate(pts[i%benchPoints])
				i++
			}
			perSecond(b, "locates/s")
		})
	}
}

// patrol is n workers spread over the district.
func patrol(set *area.Set, n int) (*Points, []orb.Point) {
	rng := rand.New(rand.NewPCG(5, 3))
	b := districtBound(set)
	ps := NewPoints()
	at := make([]orb.Point, n)
	for i := range at {
		at[i] = uniformIn(rng, b)
		if err := ps.Upsert(fmt.Sprintf("worker-%05d", i), at[i]); err != nil {
			panic(err)
		}
	}
	return ps, at
}

func BenchmarkNearest(b *testing.B) {
	set := shuangliu(b)
	ps, _ := patrol(set, 5000)
	qs := districtPoints(set, 6)
	settle()
	i := 0
	for b.Loop() {
		if len(ps.Nearest(qs[i%benchPoints], 5, nil)) != 5 {
			b.Fatal("fewer than 5 neighbours")
		}
		i++
	}
	perSecond(b, "queries/s")
}

func BenchmarkPointsUpsert(b *testing.B) {
	set := shuangliu(b)
	ps, at := patrol(set, 5000)
	ids := make([]string, len(at))
	for i := range ids {
		ids[i] = fmt.Sprintf("worker-%05d", i)
	}
	// Each update moves a worker a few metres, as a patrol report does.
	rng := rand.New(rand.NewPCG(7, 8))
	steps := make([]orb.Point, benchPoints)
	for i := range steps {
		steps[i] = orb.Point{(rng.Float64() - 0.5) * 1e-4, (rng.Float64() - 0.5) * 1e-4}
	}
	settle()
	i := 0
	for b.Loop() {
		w := i % len(at)
		s := steps[i%benchPoints]
		at[w] = orb.Point{at[w][0] + s[0], at[w][1] + s[1]}
		if err := ps.Upsert(ids[w], at[w]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	perSecond(b, "upserts/s")
}

// BenchmarkNewIndex reports the time to index the district (ns/op, and
// ms/build for reading) and the heap the index holds beyond the area set
// itself.
func BenchmarkNewIndex(b *testing.B) {
	set := shuangliu(b)
	var heap uint64
	var ix *Index
	for b.Loop() {
		ix = nil
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ix = NewIndex(set)
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = after.HeapAlloc - before.HeapAlloc
		b.StartTimer()
	}
	runtime.KeepAlive(ix)
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(time.Millisecond), "ms/build")
}
