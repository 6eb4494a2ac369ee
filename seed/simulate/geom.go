package simulate

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// metresPerDegree is the length of a degree of latitude.
const metresPerDegree = 111_320.0

// shape is one polygon of an area in a local plane in metres, centred on
// the area, where walking, distances and headings are simple geometry. At
// the size of a grid the plane's error is far below a GPS fix's.
type shape struct {
	lon0, lat0 float64
	kx         float64 // metres per degree of longitude here
	poly       orb.Polygon
	bound      orb.Bound
}

// newShape projects g into its local plane. Of a MultiPolygon it keeps
// the largest part, since a walker or a device stays in one piece.
func newShape(g orb.Geometry) *shape {
	var poly orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		poly = g
	case orb.MultiPolygon:
		best := -1.0
		for _, p := range g {
			if a := math.Abs(planar.Area(p)); a > best {
				best, poly = a, p
			}
		}
	}
	if len(poly) == 0 {
		return nil
	}
	c := poly.Bound().Center()
	s := &shape{lon0: c[0], lat0: c[1], kx: metresPerDegree * math.Cos(c[1]*math.Pi/180)}
	s.poly = make(orb.Polygon, len(poly))
	for i, ring := range poly {
		s.poly[i] = make(orb.Ring, len(ring))
		for j, p := range ring {
			s.poly[i][j] = s.toXY(p)
		}
	}
	s.bound = s.poly.Bound()
	return s
}

// toXY turns [lon, lat] into metres east and north of the shape's centre.
func (s *shape) toXY(p orb.Point) orb.Point {
	return orb.Point{(p[0] - s.lon0) * s.kx, (p[1] - s.lat0) * metresPerDegree}
}

// toLonLat turns local metres back into [lon, lat].
func (s *shape) toLonLat(p orb.Point) orb.Point {
	return orb.Point{s.lon0 + p[0]/s.kx, s.lat0 + p[1]/metresPerDegree}
}

// contains reports whether the local point p is inside the shape.
func (s *shape) contains(p orb.Point) bool { return planar.PolygonContains(s.poly, p) }

// clearance is the distance from p to the nearest edge of the shape.
func (s *shape) clearance(p orb.Point) float64 {
	d := math.Inf(1)
	for _, ring := range s.poly {
		for i := 1; i < len(ring); i++ {
			d = math.Min(d, planar.DistanceFromSegment(ring[i-1], ring[i], p))
		}
	}
	return d
}

// randomPoint draws a local point inside the shape at least margin metres
// from its edges (less for shapes too thin for that), uniform over the
// area. ok is false only for a degenerate shape.
func (s *shape) randomPoint(r *rand.Rand, margin float64) (orb.Point, bool) {
	for _, m := range []float64{margin, margin / 4, 0} {
		for range 200 {
			p := orb.Point{uniform(r, s.bound.Min[0], s.bound.Max[0]), uniform(r, s.bound.Min[1], s.bound.Max[1])}
			if s.contains(p) && (m == 0 || s.clearance(p) >= m) {
				return p, true
			}
		}
	}
	return orb.Point{}, false
}

// randomNear draws a local point inside the shape, at least margin from
// its edges, within radius of centre. ok is false when none turns up.
func (s *shape) randomNear(r *rand.Rand, centre orb.Point, radius, margin float64, tries int) (orb.Point, bool) {
	for range tries {
		a := r.Float64() * 2 * math.Pi
		d := radius * math.Sqrt(r.Float64())
		p := orb.Point{centre[0] + d*math.Cos(a), centre[1] + d*math.Sin(a)}
		if s.bound.Contains(p) && s.contains(p) && s.clearance(p) >= margin {
			return p, true
		}
	}
	return orb.Point{}, false
}

// corridorClear reports whether the straight walk from a to b keeps at
// least margin from every edge, so a walker on it never leaves the shape
// (a is inside, and the walk crosses no edge).
func (s *shape) corridorClear(a, b orb.Point, margin float64) bool {
	for _, ring := range s.poly {
		for i := 1; i < len(ring); i++ {
			if segmentDistance(a, b, ring[i-1], ring[i]) < margin {
				return false
			}
		}
	}
	return true
}

// segmentDistance is the shortest distance between segments ab and cd.
func segmentDistance(a, b, c, d orb.Point) float64 {
	if segmentsCross(a, b, c, d) {
		return 0
	}
	return math.Min(
		math.Min(planar.DistanceFromSegment(c, d, a), planar.DistanceFromSegment(c, d, b)),
		math.Min(planar.DistanceFromSegment(a, b, c), planar.DistanceFromSegment(a, b, d)))
}

// segmentsCross reports whether segments ab and cd properly intersect.
func segmentsCross(a, b, c, d orb.Point) bool {
	d1 := cross(c, d, a)
	d2 := cross(c, d, b)
	d3 := cross(a, b, c)
	d4 := cross(a, b, d)
	return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

// heading is the compass bearing of the move from a to b in a local
// plane: degrees clockwise from north in [0, 360).
func heading(a, b orb.Point) float64 {
	h := math.Atan2(b[0]-a[0], b[1]-a[1]) * 180 / math.Pi
	if h < 0 {
		h += 360
	}
	if h >= 360 {
		h = 0
	}
	return h
}
