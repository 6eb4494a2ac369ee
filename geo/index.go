// Package geo answers spatial questions about the areas of a district:
// which areas hold a point, which lie in a viewport, which moving points are
// nearest. Every layer is kept in its own R-tree (tidwall/rtree).
package geo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tidwall/rtree"

	"github.com/gridpulse/gridpulse/area"
)

// Index is an immutable spatial index over every layer of an area set.
// It is safe for concurrent use.
type Index struct {
	set    *area.Set
	layers map[area.Layer]*rtree.RTreeG[*area.Area]
}

// NewIndex indexes every area of set.
func NewIndex(set *area.Set) *Index {
	ix := &Index{set: set, layers: map[area.Layer]*rtree.RTreeG[*area.Area]{}}
	for _, l := range area.Layers {
		tr := &rtree.RTreeG[*area.Area]{}
		for _, a := range set.Layer(l) {
			b := a.Bound()
			tr.Insert([2]float64(b.Min), [2]float64(b.Max), a)
		}
		ix.layers[l] = tr
	}
	return ix
}

// Areas is the set the index was built from.
func (ix *Index) Areas() *area.Set { return ix.set }

// Search calls fn for every area of layer l whose bounding box meets b,
// until fn returns false.
func (ix *Index) Search(l area.Layer, b orb.Bound, fn func(*area.Area) bool) {
	tr, ok := ix.layers[l]
	if !ok {
		return
	}
	tr.Search([2]float64(b.Min), [2]float64(b.Max), func(_, _ [2]float64, a *area.Area) bool {
		return fn(a)
	})
}

// LocateIn returns the area of layer l that contains p, or nil.
func (ix *Index) LocateIn(l area.Layer, p orb.Point) *area.Area {
	var found *area.Area
	ix.Search(l, orb.Bound{Min: p, Max: p}, func(a *area.Area) bool {
		if contains(a.Geometry, p) {
			found = a
			return false
		}
		return true
	})
	return found
}

// contains is the exact point-in-polygon test, holes included.
func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}
