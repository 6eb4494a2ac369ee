// Package geo answers spatial questions about the areas of a district:
// which areas hold a point, which lie in a viewport, which moving points are
// nearest.
//
// Every layer is kept in its own R-tree (tidwall/rtree) for area queries
// (Search, Within). Point location (Locate, LocateIn) is exact, with the
// rules of orb/planar, and is served by grids instead: a mosaic over the
// whole district that answers most points of a Locate in two memory reads
// (mosaic.go), a bucket grid per layer for the rest and for LocateIn
// (buckets.go), and the polygons themselves, copied into one block each
// (prepared.go). Moving points (patrol workers) are in Points.
package geo

import (
	"runtime"
	"sync"

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
	mosaic mosaic
}

// layerIndex is one layer: an R-tree of bounding boxes for area queries,
// and its prepared polygons in a bucket grid for point location.
type layerIndex struct {
	tree    rtree.RTreeG[*area.Area]
	areas   []*area.Area // the set's own slice, in the set's order
	shapes  []shape      // shapes[i] is areas[i]
	buckets buckets
	slot    int // the layer's place in a Chain and in mosaic entries, or -1
}

// NewIndex indexes every area of set. The set must not change afterwards.
// Layers are indexed in parallel, on as many cores as GOMAXPROCS allows.
func NewIndex(set *area.Set) *Index {
	ix := &Index{set: set, layers: map[area.Layer]*layerIndex{}}
	lis := make([]*layerIndex, len(area.Layers))
	parallel(len(area.Layers), func(i int, sc *scratch) {
		lis[i] = newLayerIndex(set.Layer(area.Layers[i]), sc)
	})
	for i, l := range area.Layers {
		ix.layers[l] = lis[i]
	}
	for i, l := range chainLayers {
		ix.chain[i] = ix.layers[l]
		ix.chain[i].slot = i
	}
	ix.mosaic = newMosaic(ix.chain)
	return ix
}

func newLayerIndex(areas []*area.Area, sc *scratch) *layerIndex {
	li := &layerIndex{areas: areas, slot: -1, shapes: make([]shape, len(areas))}
	for i, a := range areas {
		li.shapes[i] = newShape(a, sc, minRasterEdges)
		b := a.Bound()
		li.tree.Insert([2]float64(b.Min), [2]float64(b.Max), a)
	}
	li.buckets = newBuckets(li.shapes, sc)
	return li
}

// parallel runs do(0) … do(n-1) on up to GOMAXPROCS goroutines, each with
// its own scratch space, and waits for them.
func parallel(n int, do func(i int, sc *scratch)) {
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			var sc scratch
			for i := range next {
				do(i, &sc)
			}
		})
	}
	wg.Wait()
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
	// The layer's own buckets, not the mosaic: for one layer they are
	// smaller, so more of them stays in the caches.
	return li.locate(p[0], p[1])
}

// resolve turns the layer's slot in a mosaic entry into the area
// holding (x, y).
func (li *layerIndex) resolve(slot int32, x, y float64) *area.Area {
	switch {
	case slot >= 0:
		return li.areas[slot]
	case slot == slotSearch:
		return li.locate(x, y)
	}
	return nil
}
