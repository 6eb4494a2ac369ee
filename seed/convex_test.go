package seed

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

func square(side float64) polygon {
	return polygon{{0, 0}, {side, 0}, {side, side}, {0, side}}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name     string
		n        orb.Point
		c        float64
		wantArea float64 // 0: clipped away
	}{
		{name: "half", n: orb.Point{1, 0}, c: 5, wantArea: 50},
		{name: "keeps all", n: orb.Point{1, 0}, c: 20, wantArea: 100},
		{name: "removes all", n: orb.Point{1, 0}, c: -1, wantArea: 0},
		{name: "corner triangle", n: orb.Point{1, 1}, c: 5, wantArea: 12.5},
		{name: "through vertices", n: orb.Point{1, 1}, c: 10, wantArea: 50},
		{name: "on an edge", n: orb.Point{1, 0}, c: 10, wantArea: 100},
		{name: "touching an edge only", n: orb.Point{1, 0}, c: 0, wantArea: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := square(10).clip(tc.n, tc.c)
			if tc.wantArea == 0 {
				if got != nil {
					t.Fatalf("clip = %v, want nothing", got)
				}
				return
			}
			if a := got.area(); math.Abs(a-tc.wantArea) > 1e-9 {
				t.Fatalf("area = %v, want %v (%v)", a, tc.wantArea, got)
			}
		})
	}
}

func TestConvexHull(t *testing.T) {
	pts := []orb.Point{{0, 0}, {4, 0}, {2, 1}, {4, 4}, {1, 3}, {0, 4}, {2, 2}}
	h := convexHull(pts)
	if len(h) != 4 || h.area() != 16 {
		t.Fatalf("hull = %v (area %v), want the 4×4 square", h, h.area())
	}
}

func TestPolygonInside(t *testing.T) {
	sq := square(10)
	tests := []struct {
		p      orb.Point
		margin float64
		want   bool
	}{
		{orb.Point{5, 5}, 0, true},
		{orb.Point{5, 5}, 4.9, true},
		{orb.Point{5, 5}, 5.1, false},
		{orb.Point{10, 5}, 0, true},
		{orb.Point{10.1, 5}, 0, false},
		{orb.Point{1, 1}, 2, false},
	}
	for _, tc := range tests {
		if got := sq.inside(tc.p, tc.margin); got != tc.want {
			t.Errorf("inside(%v, %v) = %v, want %v", tc.p, tc.margin, got, tc.want)
		}
	}
}

func TestVoronoiTiles(t *testing.T) {
	for _, n := range []int{1, 2, 7, 60} {
		r := rand.New(rand.NewPCG(1, uint64(n)))
		parent := outline(r, 1e6)
		sites := newSampler(r, parent).sites(n, nil)
		cells := relax(parent, sites, 2)
		var sum float64
		for i, c := range cells {
			if c == nil {
				t.Fatalf("n=%d: cell %d empty", n, i)
			}
			if c.area() <= 0 {
				t.Fatalf("n=%d: cell %d not counter-clockwise", n, i)
			}
			sum += c.area()
			for _, v := range c {
				if !parent.inside(v, -1e-6) {
					t.Fatalf("n=%d: cell %d vertex %v outside the parent", n, i, v)
				}
			}
		}
		if rel := math.Abs(sum-parent.area()) / parent.area(); rel > 1e-9 {
			t.Fatalf("n=%d: cells cover %v of %v", n, sum, parent.area())
		}
		smp := newSampler(r, parent)
		for k := 0; k < 200; k++ {
			p := smp.uniform()
			in := 0
			for _, c := range cells {
				if c.inside(p, 0) {
					in++
				}
			}
			if in != 1 {
				t.Fatalf("n=%d: point %v in %d cells", n, p, in)
			}
			if c := cells[nearest(sites, p)]; !c.inside(p, 0) {
				t.Fatalf("n=%d: point %v not in its nearest site's cell", n, p)
			}
		}
	}
}
