package geo

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Points is a set of moving points, such as grid workers on patrol, that
// answers "which are nearest to here?". Moving a point replaces its R-tree
// entry, so updates stay cheap at several thousand points reporting every
// few seconds. It is safe for concurrent use.
type Points struct {
	mu   sync.RWMutex
	tree rtree.RTreeG[*movingPoint]
	byID map[string]*movingPoint
}

// movingPoint is one entry; the tree holds pointers so that finding an
// entry to delete compares pointers, not strings.
type movingPoint struct {
	id string
	p  orb.Point
}

// Neighbor is a point found by Nearest and its distance from the query.
type Neighbor struct {
	ID     string
	Point  orb.Point
	Meters float64
}

// NewPoints makes an empty set.
func NewPoints() *Points {
	return &Points{byID: map[string]*movingPoint{}}
}

// Upsert puts point id at p (WGS-84 longitude, latitude), moving it if it
// is already there.
func (ps *Points) Upsert(id string, p orb.Point) error {
	if !validLonLat(p) {
		return fmt.Errorf("point %q: %v is not a WGS-84 longitude and latitude", id, p)
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if m, ok := ps.byID[id]; ok {
		if m.p != p {
			ps.tree.Delete(m.p, m.p, m)
			m.p = p
			ps.tree.Insert(p, p, m)
		}
		return nil
	}
	m := &movingPoint{id: id, p: p}
	ps.byID[id] = m
	ps.tree.Insert(p, p, m)
	return nil
}

// Remove takes point id out of the set, if it is there.
func (ps *Points) Remove(id string) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if m, ok := ps.byID[id]; ok {
		ps.tree.Delete(m.p, m.p, m)
		delete(ps.byID, id)
	}
}

// Len is the number of points in the set.
func (ps *Points) Len() int {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	return len(ps.byID)
}

// Nearest returns up to k points nearest to p, nearest first, skipping
// those keep rejects (keep may be nil to take all; it must not call back
// into ps). Distances are orb/geo.Distance: metres on an equirectangular
// projection at the pair's mean latitude, which at 30° N weighs a degree
// of longitude at 0.87 of one of latitude; within a city it is within a
// fraction of a per mille of the great-circle distance.
func (ps *Points) Nearest(p orb.Point, k int, keep func(id string) bool) []Neighbor {
	if k <= 0 || !validLonLat(p) {
		return nil
	}
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	if ps.tree.Len() == 0 {
		return nil
	}
	// The tree hands out points in the order of a cheap lower bound of
	// their distance (no trigonometry per point), using the smallest
	// longitude scale any point of the set can have against p. Exact
	// distances are computed for those handed out, and the search stops
	// once the bound passes the k-th best exact distance.
	lo, hi := ps.tree.Bounds()
	minScale := math.Max(0, math.Min(math.Cos(rad((p[1]+lo[1])/2)), math.Cos(rad((p[1]+hi[1])/2))))
	type found struct {
		m  *movingPoint
		sq float64 // squaredAngle to p
	}
	best := make([]found, 0, k+1) // nearest first
	ps.tree.Nearby(
		func(min, max [2]float64, _ *movingPoint, _ bool) float64 {
			return squaredBoxAngle(p, min, max, minScale)
		},
		func(_, _ [2]float64, m *movingPoint, bound float64) bool {
			if len(best) == k && bound > best[k-1].sq {
				return false
			}
			if keep != nil && !keep(m.id) {
				return true
			}
			f := found{m, squaredAngle(p, m.p)}
			i := len(best)
			for i > 0 && best[i-1].sq > f.sq {
				i--
			}
			best = slices.Insert(best, i, f)
			if len(best) > k {
				best = best[:k]
			}
			return true
		},
	)
	out := make([]Neighbor, len(best))
	for i, f := range best {
		out[i] = Neighbor{ID: f.m.id, Point: f.m.p, Meters: math.Sqrt(f.sq) * orb.EarthRadius}
	}
	return out
}

// squaredAngle is orb/geo.Distance between a and b before its square root
// and its scaling by the earth's radius, computed the same way.
func squaredAngle(a, b orb.Point) float64 {
	dLat := rad(a[1] - b[1])
	dLon := math.Abs(rad(a[0] - b[0]))
	if dLon > math.Pi {
		dLon = 2*math.Pi - dLon
	}
	x := dLon * math.Cos(rad((a[1]+b[1])/2))
	return dLat*dLat + x*x
}

// squaredBoxAngle is a lower bound of squaredAngle between p and any
// point of the box (a point is a box too), given the smallest longitude
// scale of such a pair.
func squaredBoxAngle(p orb.Point, min, max [2]float64, scale float64) float64 {
	// Plain comparisons: math.Max's care for NaN and -0 costs here, and
	// the tree holds neither.
	dLat := 0.0
	if d := min[1] - p[1]; d > 0 {
		dLat = d
	} else if d := p[1] - max[1]; d > 0 {
		dLat = d
	}
	dLon := 0.0
	if d := min[0] - p[0]; d > 0 {
		dLon = d
	} else if d := p[0] - max[0]; d > 0 {
		dLon = d
	}
	// Across the antimeridian the way round the other side may be shorter.
	far := p[0] - min[0]
	if d := max[0] - p[0]; d > far {
		far = d
	}
	if round := 360 - far; round < dLon {
		dLon = round
	}
	y, x := dLat*(math.Pi/180), dLon*(math.Pi/180)*scale
	return y*y + x*x
}

// rad turns degrees into radians as orb/geo does.
func rad(d float64) float64 { return d * math.Pi / 180.0 }

func validLonLat(p orb.Point) bool {
	return p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
}
