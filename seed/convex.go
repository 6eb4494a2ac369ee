package seed

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// polygon is a convex polygon in the local metric plane: counter-clockwise,
// open (the first vertex is not repeated). Every tiled level of the
// district is one, because clipping a convex polygon by half-planes keeps
// it convex, so containment and tiling stay exact and cheap.
type polygon []orb.Point

// clipEps is how far (in metres) a vertex may lie outside a half-plane and
// still count as on its line: it keeps clipping from making slivers out of
// rounding noise.
const clipEps = 1e-9

func sub(a, b orb.Point) orb.Point           { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func add(a, b orb.Point) orb.Point           { return orb.Point{a[0] + b[0], a[1] + b[1]} }
func scale(a orb.Point, k float64) orb.Point { return orb.Point{a[0] * k, a[1] * k} }
func dot(a, b orb.Point) float64             { return a[0]*b[0] + a[1]*b[1] }
func cross(a, b orb.Point) float64           { return a[0]*b[1] - a[1]*b[0] }
func dist(a, b orb.Point) float64            { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// rotate turns p by angle a (radians) about the origin.
func rotate(p orb.Point, a float64) orb.Point {
	s, c := math.Sincos(a)
	return orb.Point{p[0]*c - p[1]*s, p[0]*s + p[1]*c}
}

// area is the polygon's area in square metres.
func (p polygon) area() float64 {
	var s float64
	for i := range p {
		s += cross(p[i], p[(i+1)%len(p)])
	}
	return s / 2
}

// centroid is the polygon's centre of mass.
func (p polygon) centroid() orb.Point {
	var a, cx, cy float64
	o := p[0] // shift to the first vertex for precision
	for i := range p {
		u, v := sub(p[i], o), sub(p[(i+1)%len(p)], o)
		c := cross(u, v)
		a += c
		cx += (u[0] + v[0]) * c
		cy += (u[1] + v[1]) * c
	}
	if a == 0 {
		return o
	}
	return orb.Point{o[0] + cx/(3*a), o[1] + cy/(3*a)}
}

func (p polygon) bound() orb.Bound {
	b := orb.Bound{Min: p[0], Max: p[0]}
	for _, q := range p[1:] {
		b = b.Extend(q)
	}
	return b
}

// inside reports whether q lies at least margin metres inside the polygon.
func (p polygon) inside(q orb.Point, margin float64) bool {
	for i := range p {
		a, b := p[i], p[(i+1)%len(p)]
		e := sub(b, a)
		if cross(e, sub(q, a)) < margin*math.Hypot(e[0], e[1]) {
			return false
		}
	}
	return true
}

// rotated is the polygon turned by angle a about the origin.
func (p polygon) rotated(a float64) polygon {
	out := make(polygon, len(p))
	for i, q := range p {
		out[i] = rotate(q, a)
	}
	return out
}

// clip keeps the part of p where dot(n, x) <= c. The result is a new
// polygon; p is left as it was.
func (p polygon) clip(n orb.Point, c float64) polygon {
	norm := math.Hypot(n[0], n[1])
	d := make([]float64, len(p))
	out := true
	for i, q := range p {
		d[i] = (dot(n, q) - c) / norm
		if d[i] <= clipEps {
			out = false
		}
	}
	if out {
		return nil
	}
	res := make(polygon, 0, len(p)+1)
	for i, q := range p {
		j := (i + 1) % len(p)
		if d[i] <= clipEps {
			res = append(res, q)
		}
		// The edge crosses the line: keep the crossing point.
		if (d[i] < -clipEps && d[j] > clipEps) || (d[i] > clipEps && d[j] < -clipEps) {
			t := d[i] / (d[i] - d[j])
			res = append(res, add(q, scale(sub(p[j], q), t)))
		}
	}
	if len(res) < 3 {
		return nil
	}
	return res
}

// convexHull is the convex hull of pts, counter-clockwise (Andrew's
// monotone chain).
func convexHull(pts []orb.Point) polygon {
	ps := append([]orb.Point(nil), pts...)
	sort.Slice(ps, func(i, j int) bool {
		if ps[i][0] != ps[j][0] {
			return ps[i][0] < ps[j][0]
		}
		return ps[i][1] < ps[j][1]
	})
	h := make(polygon, 0, 2*len(ps))
	for pass := 0; pass < 2; pass++ {
		start := len(h)
		for _, q := range ps {
			for len(h) >= start+2 && cross(sub(h[len(h)-1], h[len(h)-2]), sub(q, h[len(h)-2])) <= 0 {
				h = h[:len(h)-1]
			}
			h = append(h, q)
		}
		h = h[:len(h)-1]
		for i, j := 0, len(ps)-1; i < j; i, j = i+1, j-1 {
			ps[i], ps[j] = ps[j], ps[i]
		}
	}
	return h
}
