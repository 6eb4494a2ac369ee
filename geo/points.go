package geo

import (
	"fmt"
	"math"
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
	// Box distances must never exceed the distance to a point inside the
	// box, so they use the smallest longitude scale any point in the set
	// can have against p.
	lo, hi := ps.tree.Bounds()
	minScale := math.Max(0, math.Min(math.Cos(rad((p[1]+lo[1])/2)), math.Cos(rad((p[1]+hi[1])/2))))
	out := make([]Neighbor, 0, k)
	ps.tree.Nearby(
		func(min, max [2]float64, m *movingPoint, item bool) float64 {
			if item {
				return squaredAngle(p, m.p)
			}
			return squaredBoxAngle(p, min, max, minScale)
		},
		func(_, _ [2]float64, m *movingPoint, d float64) bool {
			if keep != nil && !keep(m.id) {
				return true
			}
			out = append(out, Neighbor{ID: m.id, Point: m.p, Meters: math.Sqrt(d) * orb.EarthRadius})
			return len(out) < k
		},
	)
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
// point of the box, given the smallest longitude scale of such a pair.
func squaredBoxAngle(p orb.Point, min, max [2]float64, scale float64) float64 {
	dLat := math.Max(0, math.Max(min[1]-p[1], p[1]-max[1]))
	dLon := math.Max(0, math.Max(min[0]-p[0], p[0]-max[0]))
	// Across the antimeridian the way round the other side may be shorter.
	far := math.Max(math.Abs(min[0]-p[0]), math.Abs(max[0]-p[0]))
	dLon = math.Min(dLon, math.Max(0, 360-far))
	y, x := rad(dLat), rad(dLon)*scale
	return y*y + x*x
}

// rad turns degrees into radians as orb/geo does.
func rad(d float64) float64 { return d * math.Pi / 180.0 }

func validLonLat(p orb.Point) bool {
	return p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
}
