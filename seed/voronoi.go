package seed

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"
)

// voronoi cuts the convex parent into one convex cell per site: the cell
// of a site is the parent clipped by the bisector half-planes towards
// every other site. The cells tile the parent exactly. Sites must lie
// inside the parent and apart from each other.
func voronoi(parent polygon, sites []orb.Point) []polygon {
	cells := make([]polygon, len(sites))
	order := make([]int, 0, len(sites))
	d2 := make([]float64, len(sites))
	for i, s := range sites {
		// Nearer sites clip more, and once the next site is farther than
		// twice the cell's reach from s its bisector cannot touch the cell.
		order = order[:0]
		for j, t := range sites {
			if j != i {
				order = append(order, j)
				d := sub(t, s)
				d2[j] = dot(d, d)
			}
		}
		slices.SortFunc(order, func(a, b int) int {
			if c := cmp.Compare(d2[a], d2[b]); c != 0 {
				return c
			}
			return a - b
		})
		cell := parent
		for _, j := range order {
			t := sites[j]
			if d2[j] > 4*reach2(cell, s) {
				break
			}
			n := sub(t, s)
			cell = cell.clip(n, dot(n, scale(add(s, t), 0.5)))
			if cell == nil {
				break
			}
		}
		cells[i] = cell
	}
	return cells
}

// reach2 is the squared largest distance from s to a vertex of p.
func reach2(p polygon, s orb.Point) float64 {
	var r float64
	for _, q := range p {
		d := sub(q, s)
		r = max(r, dot(d, d))
	}
	return r
}

// relax moves each site to the centroid of its cell, rounds times (Lloyd's
// algorithm), so cells come out even, and returns the final cells.
func relax(parent polygon, sites []orb.Point, rounds int) []polygon {
	cells := voronoi(parent, sites)
	for k := 0; k < rounds; k++ {
		for i, c := range cells {
			sites[i] = c.centroid()
		}
		cells = voronoi(parent, sites)
	}
	return cells
}

// minEdge is the shortest edge a tessellation may have, in metres. Shorter
// edges come from nearly degenerate sites; files keep coordinates to about
// a centimetre, where such an edge could collapse into a repeated point.
const minEdge = 0.05

// tessellate cuts parent into cells around the sites draw returns, relaxed
// rounds times, drawing again while any cell comes out empty or with an
// edge shorter than minEdge. It returns the final sites and their cells.
func tessellate(parent polygon, rounds int, draw func() []orb.Point) ([]orb.Point, []polygon, error) {
	const attempts = 50
	for k := 0; k < attempts; k++ {
		sites := draw()
		cells := relax(parent, sites, rounds)
		if wellFormed(cells) {
			return sites, cells, nil
		}
	}
	return nil, nil, fmt.Errorf("%d attempts to cut %.0f m² into cells all left a sliver", attempts, parent.area())
}

// wellFormed reports whether every cell exists and has no edge shorter than
// minEdge.
func wellFormed(cells []polygon) bool {
	for _, c := range cells {
		if c == nil {
			return false
		}
		for i := range c {
			if dist(c[i], c[(i+1)%len(c)]) < minEdge {
				return false
			}
		}
	}
	return true
}

// nearest is the index of the site nearest to p, the one whose Voronoi
// cell holds p.
func nearest(sites []orb.Point, p orb.Point) int {
	best, bd := 0, math.Inf(1)
	for i, s := range sites {
		if d := dist(s, p); d < bd {
			best, bd = i, d
		}
	}
	return best
}

// sampler draws points inside a convex polygon.
type sampler struct {
	r    *rand.Rand
	poly polygon
	box  orb.Bound
}

func newSampler(r *rand.Rand, p polygon) sampler {
	return sampler{r: r, poly: p, box: p.bound()}
}

// uniform draws a point uniformly inside the polygon.
func (s sampler) uniform() orb.Point {
	for {
		q := orb.Point{
			uniform(s.r, s.box.Min[0], s.box.Max[0]),
			uniform(s.r, s.box.Min[1], s.box.Max[1]),
		}
		if s.poly.inside(q, 0) {
			return q
		}
	}
}

// sites draws n sites inside the polygon, no two closer than a fraction
// of the spacing n even cells would have. draw proposes a point (it may
// propose points outside, which are dropped); nil draws uniformly.
func (s sampler) sites(n int, draw func() orb.Point) []orb.Point {
	if draw == nil {
		draw = s.uniform
	}
	minDist := 0.3 * math.Sqrt(s.poly.area()/float64(n))
	out := make([]orb.Point, 0, n)
	for tries := 0; len(out) < n; tries++ {
		if tries > 200*n {
			// Crowded: loosen the spacing rather than fail.
			minDist /= 2
			tries = 0
		}
		q := draw()
		if !s.poly.inside(q, 0) {
			continue
		}
		ok := true
		for _, o := range out {
			if dist(o, q) < minDist {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, q)
		}
	}
	return out
}
