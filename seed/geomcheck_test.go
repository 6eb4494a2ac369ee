package seed

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
)

// Geometry checks the tests run on generated output, in lon/lat, written
// without the generator's own helpers.

// degTol is how far (degrees) a vertex may lie outside its parent: well
// below the centimetre the files keep.
const degTol = 1e-9

var (
	generatedMu sync.Mutex
	generated   = map[string]*District{}
)

// presets are the configurations every district test runs against.
var presets = []struct {
	name string
	cfg  func() Config
}{
	{"tiny", Tiny},
	{"shuangliu", Shuangliu},
	{"small city", smallCity},
}

// generate makes (once per test binary) the district of a named preset.
func generate(t testing.TB, name string, cfg Config) *District {
	t.Helper()
	generatedMu.Lock()
	defer generatedMu.Unlock()
	if d, ok := generated[name]; ok {
		return d
	}
	d, err := Generate(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("generate %s: %v", name, err)
	}
	generated[name] = d
	return d
}

func ring(a *area.Area) orb.Ring {
	p, ok := a.Geometry.(orb.Polygon)
	if !ok || len(p) != 1 {
		panic("generated areas are single-ring polygons")
	}
	return p[0]
}

// within reports whether p lies in r or on its boundary within degTol.
func within(r orb.Ring, p orb.Point) bool {
	return planar.RingContains(r, p) || distToRing(r, p) <= degTol
}

func distToRing(r orb.Ring, p orb.Point) float64 {
	best := math.Inf(1)
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / (dx*dx + dy*dy)
		t = math.Max(0, math.Min(1, t))
		best = math.Min(best, math.Hypot(a[0]+t*dx-p[0], a[1]+t*dy-p[1]))
	}
	return best
}

// overlap reports whether two convex rings share more than a boundary
// (separating axis test): they are apart when some edge normal of either
// separates their projections, allowing tol of touching.
func overlap(a, b orb.Ring, tol float64) bool {
	for _, r := range []orb.Ring{a, b} {
		for i := 0; i+1 < len(r); i++ {
			n := orb.Point{r[i+1][1] - r[i][1], r[i][0] - r[i+1][0]}
			l := math.Hypot(n[0], n[1])
			amin, amax := project(a, n, l)
			bmin, bmax := project(b, n, l)
			if amax <= bmin+tol || bmax <= amin+tol {
				return false
			}
		}
	}
	return true
}

func project(r orb.Ring, n orb.Point, l float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range r {
		v := (p[0]*n[0] + p[1]*n[1]) / l
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}

// byParent groups a layer's areas by parent code, in layer order.
func byParent(s *area.Set, l area.Layer) map[string][]*area.Area {
	m := map[string][]*area.Area{}
	for _, a := range s.Layer(l) {
		m[a.Parent] = append(m[a.Parent], a)
	}
	return m
}

// parentLayers pair each child layer with the layer its areas name as
// parent; every layer but the district has one.
var parentLayers = []struct{ child, parent area.Layer }{
	{area.Street, area.District},
	{area.Community, area.Street},
	{area.Compound, area.Community},
	{area.Building, area.Compound},
	{area.GeneralGrid, area.Community},
	{area.MicroGrid, area.GeneralGrid},
	{area.DedicatedGrid, area.Community},
}

// tiledLayers are the layers whose areas cover their parent without gaps.
var tiledLayers = []struct{ child, parent area.Layer }{
	{area.Street, area.District},
	{area.Community, area.Street},
	{area.GeneralGrid, area.Community},
	{area.MicroGrid, area.GeneralGrid},
}

func intProp(t *testing.T, a *area.Area, key string) int {
	t.Helper()
	v, ok := a.Props[key].(int)
	if !ok {
		t.Fatalf("%s %s: property %q = %#v, want an int", a.Layer, a.Code, key, a.Props[key])
	}
	return v
}

func TestOverlapHelper(t *testing.T) {
	sq := func(x, y, s float64) orb.Ring {
		return orb.Ring{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}
	}
	tests := []struct {
		name string
		a, b orb.Ring
		want bool
	}{
		{"apart", sq(0, 0, 1), sq(2, 0, 1), false},
		{"touching", sq(0, 0, 1), sq(1, 0, 1), false},
		{"overlapping", sq(0, 0, 1), sq(0.5, 0.5, 1), true},
		{"inside", sq(0, 0, 3), sq(1, 1, 1), true},
		{"diagonal apart", sq(0, 0, 1), orb.Ring{{1.55, 0.55}, {2.55, 1.55}, {1.55, 2.55}, {0.55, 1.55}, {1.55, 0.55}}, false},
		{"diagonal overlapping", sq(0, 0, 1), orb.Ring{{1.4, 0.4}, {2.4, 1.4}, {1.4, 2.4}, {0.4, 1.4}, {1.4, 0.4}}, true},
	}
	for _, tc := range tests {
		if got := overlap(tc.a, tc.b, 1e-12); got != tc.want {
			t.Errorf("%s: overlap = %v, want %v", tc.name, got, tc.want)
		}
	}
}
