package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
)

// square is a closed counter-clockwise ring.
func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// hole is a closed clockwise ring.
func hole(x0, y0, x1, y1 float64) orb.Ring {
	r := square(x0, y0, x1, y1)
	r.Reverse()
	return r
}

func TestShapeContains(t *testing.T) {
	lShape := orb.Polygon{{{0, 0}, {4, 0}, {4, 1}, {1, 1}, {1, 4}, {0, 4}, {0, 0}}}
	framed := orb.Polygon{square(0, 0, 10, 10), hole(2, 2, 8, 8)}
	twoHoles := orb.Polygon{square(0, 0, 10, 4), hole(1, 1, 3, 3), hole(6, 1, 9, 3)}
	multi := orb.MultiPolygon{{square(0, 0, 2, 2)}, {square(5, 5, 8, 8), hole(6, 6, 7, 7)}}
	open := orb.Polygon{{{0, 0}, {3, 0}, {3, 3}, {0, 3}}} // last point not repeated
	tests := []struct {
		name string
		geom orb.Geometry
		p    orb.Point
		want bool
	}{
		{"square inside", orb.Polygon{square(0, 0, 1, 1)}, orb.Point{0.5, 0.5}, true},
		{"square outside", orb.Polygon{square(0, 0, 1, 1)}, orb.Point{1.5, 0.5}, false},
		{"square on edge", orb.Polygon{square(0, 0, 1, 1)}, orb.Point{1, 0.5}, true},
		{"square on corner", orb.Polygon{square(0, 0, 1, 1)}, orb.Point{0, 1}, true},
		{"L in the notch", lShape, orb.Point{3, 3}, false},
		{"L in the foot", lShape, orb.Point{3, 0.5}, true},
		{"L in the leg", lShape, orb.Point{0.5, 3}, true},
		{"L on the inner corner", lShape, orb.Point{1, 1}, true},
		{"L below the notch edge", lShape, orb.Point{2.5, 0.999}, true},
		{"L above the notch edge", lShape, orb.Point{2.5, 1.001}, false},
		{"frame in the hole", framed, orb.Point{5, 5}, false},
		{"frame in the ring", framed, orb.Point{1, 5}, true},
		{"frame on the hole's edge", framed, orb.Point{2, 5}, false},
		{"frame on the hole's corner", framed, orb.Point{8, 8}, false},
		{"frame on the outer edge", framed, orb.Point{10, 5}, true},
		{"frame between hole and edge", framed, orb.Point{9, 9}, true},
		{"two holes, first", twoHoles, orb.Point{2, 2}, false},
		{"two holes, second", twoHoles, orb.Point{7, 2}, false},
		{"two holes, between", twoHoles, orb.Point{4.5, 2}, true},
		{"multi, first part", multi, orb.Point{1, 1}, true},
		{"multi, between parts", multi, orb.Point{3.5, 3.5}, false},
		{"multi, second part", multi, orb.Point{5.5, 7.5}, true},
		{"multi, hole of second part", multi, orb.Point{6.5, 6.5}, false},
		{"open ring inside", open, orb.Point{1, 2}, true},
		{"open ring on closing edge", open, orb.Point{0, 1.5}, true},
		{"open ring outside", open, orb.Point{-1, 1.5}, false},
		{"NaN", orb.Polygon{square(0, 0, 1, 1)}, orb.Point{math.NaN(), 0.5}, false},
		{"empty polygon", orb.Polygon{}, orb.Point{0, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range testModes {
				s := newShape(&area.Area{Geometry: tt.geom}, &scratch{}, m.rasterFrom)
				if got := s.contains(tt.p[0], tt.p[1]); got != tt.want {
					t.Errorf("%s: contains(%v) = %v, want %v", m.name, tt.p, got, tt.want)
				}
			}
			// orb/planar panics on an empty polygon and has no rule for NaN.
			if !math.IsNaN(tt.p[0]) && !isEmpty(tt.geom) {
				if want := orbContains(tt.geom, tt.p); want != tt.want {
					t.Errorf("orb/planar says %v: the table is wrong", want)
				}
			}
		})
	}
}

// testModes are the two ways a polygon is tested: every polygon walks its
// edges, or every polygon with an edge gets a raster.
var testModes = []struct {
	name       string
	rasterFrom int
}{
	{"edge walk", math.MaxInt},
	{"raster", 1},
}

func isEmpty(g orb.Geometry) bool {
	p, ok := g.(orb.Polygon)
	return ok && len(p) == 0
}

func orbContains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

// TestShapeAgreesWithPlanar compares the prepared test with orb/planar on
// random rings, self-crossing ones included, with integer vertices and
// points on a half-unit lattice: there every product is exact, so points
// on edges and vertices are common and must get orb's answer, boundary
// rules and all.
func TestShapeAgreesWithPlanar(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var sc scratch // shared, as NewIndex shares it
	ring := func(n int) orb.Ring {
		r := make(orb.Ring, 0, n+1)
		for range n {
			r = append(r, orb.Point{float64(rng.IntN(41)), float64(rng.IntN(41))})
		}
		return append(r, r[0])
	}
	for i := range 400 {
		var g orb.Geometry
		switch i % 3 {
		case 0:
			g = orb.Polygon{ring(3 + rng.IntN(40))}
		case 1:
			g = orb.Polygon{ring(3 + rng.IntN(40)), ring(3 + rng.IntN(8)), ring(3 + rng.IntN(8))}
		default:
			g = orb.MultiPolygon{{ring(3 + rng.IntN(20))}, {ring(3 + rng.IntN(20)), ring(4)}}
		}
		for _, m := range testModes {
			s := newShape(&area.Area{Geometry: g}, &sc, m.rasterFrom)
			for range 500 {
				p := orb.Point{float64(rng.IntN(86))/2 - 1, float64(rng.IntN(86))/2 - 1}
				if got, want := s.contains(p[0], p[1]), orbContains(g, p); got != want {
					t.Fatalf("%s, geometry %d %v: contains(%v) = %v, orb/planar says %v", m.name, i, g, p, got, want)
				}
			}
		}
	}
}

// TestShapeAgreesWithPlanarInDegrees does the same with star-shaped
// polygons the size of compounds around Shuangliu and points anywhere.
func TestShapeAgreesWithPlanarInDegrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		c := orb.Point{103.9 + rng.Float64()*0.1, 30.5 + rng.Float64()*0.1}
		outer := star(rng, c, 0.002, 5+rng.IntN(60), true)
		poly := orb.Polygon{outer}
		if i%2 == 0 {
			poly = append(poly, star(rng, c, 0.0005, 3+rng.IntN(10), false))
		}
		b := poly.Bound().Pad(0.0005)
		for _, m := range testModes {
			s := newShape(&area.Area{Geometry: poly}, &scratch{}, m.rasterFrom)
			for range 2000 {
				p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
				if got, want := s.contains(p[0], p[1]), planar.PolygonContains(poly, p); got != want {
					t.Fatalf("%s, polygon %d: contains(%v) = %v, orb/planar says %v", m.name, i, p, got, want)
				}
			}
			for _, p := range outer { // vertices are on the boundary, so inside
				if !s.contains(p[0], p[1]) {
					t.Fatalf("%s, polygon %d: vertex %v not contained", m.name, i, p)
				}
			}
		}
	}
}

// star is a simple ring of n vertices at random radii up to r around c,
// counter-clockwise when ccw.
func star(rng *rand.Rand, c orb.Point, r float64, n int, ccw bool) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		a := 2 * math.Pi * (float64(k) + rng.Float64()*0.8) / float64(n)
		rr := r * (0.5 + 0.5*rng.Float64())
		ring = append(ring, orb.Point{c[0] + rr*math.Cos(a), c[1] + rr*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	if !ccw {
		ring.Reverse()
	}
	return ring
}
