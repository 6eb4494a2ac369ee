// Package geo answers spatial questions about the areas of a district:
// which areas hold a point, which lie in a viewport, which moving points are
// nearest. Every layer is kept in its own R-tree (tidwall/rtree) for area
// queries, and in a bucket grid of prepared polygons for point location.
package geo

import (
	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"github.com/gridpulse/gridpulse/area"
)

// Index is an immutable spatial index over every layer of an area set.
// It is safe for concurrent use.
type Index struct {
	set    *area.Set
	layers map[area.Layer]*layerIndex
	chain  [chainLen]*layerIndex // the layers of a Chain, in its field order
}

// layerIndex is one layer: an R-tree of bounding boxes for area queries,
// and prepared polygons in a bucket grid for point location.
type layerIndex struct {
	tree    rtree.RTreeG[*area.Area]
	shapes  []shape
	buckets buckets
}

// NewIndex indexes every area of set. The set must not change afterwards.
func NewIndex(set *area.Set) *Index {
	ix := &Index{set: set, layers: map[area.Layer]*layerIndex{}}
	for _, l := range area.Layers {
		li := &layerIndex{}
		areas := set.Layer(l)
		li.shapes = make([]shape, len(areas))
		for i, a := range areas {
			li.shapes[i] = newShape(a)
			b := a.Bound()
			li.tree.Insert([2]float64(b.Min), [2]float64(b.Max), a)
		}
		li.buckets = newBuckets(li.shapes)
		ix.layers[l] = li
	}
	for i, l := range chainLayers {
		ix.chain[i] = ix.layers[l]
	}
	return ix
}

// Areas is the set the index was built from.
func (ix *Index) Areas() *area.Set { return ix.set }

// Search calls fn for every area of layer l whose bounding box meets b,
// until fn returns false.
func (ix *Index) Search(l area.Layer, b orb.Bound, fn func(*area.Area) bool) {
	li, ok := ix.layers[l]
	if !ok {
		return
	}
	li.tree.Search([2]float64(b.Min), [2]float64(b.Max), func(_, _ [2]float64, a *area.Area) bool {
		return fn(a)
	})
}

// LocateIn returns the area of layer l that contains p, or nil. A point on
// an area's outline is in it; a point on a hole's outline is not.
func (ix *Index) LocateIn(l area.Layer, p orb.Point) *area.Area {
	li, ok := ix.layers[l]
	if !ok {
		return nil
	}
	return li.locate(p[0], p[1])
}

// locate returns the first area of the layer, in the set's order, that
// holds (x, y).
func (li *layerIndex) locate(x, y float64) *area.Area {
	for _, i := range li.buckets.at(x, y) {
		if s := &li.shapes[i]; s.contains(x, y) {
			return s.area
		}
	}
	return nil
}
