package geo

import (
	"slices"

	"github.com/gridpulse/gridpulse/area"
)

// buckets is a uniform grid laid over one layer: each cell lists the
// areas that may hold some of it, in the set's order, each flagged when it
// holds all of the cell, so finding a point's candidates is one division
// and one or two memory reads, whatever the layer's size. Areas are tested
// against each cell exactly (see coverCells), not by bounding box, so a
// list holds only areas whose outline comes near the cell.
//
// It serves LocateIn and the points the mosaic cannot answer. A point
// query in the layer's R-tree costs a few hundred nanoseconds (a descent
// with a callback per hit); the grid needs no more than the cell, and the
// tests of a candidate or two.
type buckets struct {
	grid grid
	// Per cell: emptyBucket, inlineBucket | the only candidate, or 1 + the
	// offset in items of the cell's list: a count, then the candidates.
	cells []uint32
	items []uint32
}

const (
	// wholeCell flags a candidate that holds all of the cell.
	wholeCell = 1 << 31
	// inlineBucket marks a cell whose only candidate is stored in place.
	inlineBucket = 1 << 30
	emptyBucket  = 0
)

// bucketsPerShape sets the grid's size: with 16 cells per area, a cell
// on an outline meets two or three areas of a tiling layer, and a point
// among a compound's buildings has about two to test. 8 was slower among
// buildings, 32 costs another 2 MB for a district and was no faster.
const bucketsPerShape = 16

// maxBuckets bounds the grid's memory for very large layers.
const maxBuckets = 1 << 24

func newBuckets(shapes []shape, sc *scratch) buckets {
	g, ok := gridOver(emptyExtent.add(shapes), min(bucketsPerShape*len(shapes), maxBuckets))
	if !ok {
		return buckets{}
	}
	b := buckets{grid: g}
	ncells := g.nx * g.ny
	// Candidates by cell, in shape order; none after one holding the
	// whole cell, as no point of the cell gets past it.
	type pair struct{ cell, cand uint32 }
	var pairs []pair
	count := make([]uint32, ncells)
	done := make([]bool, ncells)
	coverCells(shapes, &b.grid, g.margin(), sc, func(cell, k int, kind uint8) {
		if done[cell] {
			return
		}
		cand := uint32(k)
		if kind == kindInside {
			cand |= wholeCell
			done[cell] = true
		}
		pairs = append(pairs, pair{uint32(cell), cand})
		count[cell]++
	})
	b.cells = make([]uint32, ncells)
	for c, n := range count {
		if n > 1 {
			b.cells[c] = uint32(len(b.items)) + 1
			b.items = append(b.items, n)
			b.items = append(b.items, make([]uint32, n)...)
			count[c] = 0 // now the number placed so far
		}
	}
	b.items = slices.Clip(b.items)
	for _, p := range pairs {
		v := b.cells[p.cell]
		if v == emptyBucket {
			b.cells[p.cell] = inlineBucket | p.cand
			continue
		}
		b.items[v+count[p.cell]] = p.cand
		count[p.cell]++
	}
	return b
}

// locate returns the first area of the layer, in the set's order, that
// holds (x, y).
func (li *layerIndex) locate(x, y float64) *area.Area {
	if li.buckets.cells == nil {
		return li.scan(x, y) // no grid: the layer's areas are all flat
	}
	return li.search(li.buckets.at(x, y), x, y)
}

// at returns the bucket of the cell holding (x, y), emptyBucket outside
// the grid. The grid must exist.
func (b *buckets) at(x, y float64) uint32 {
	c, ok := b.grid.cell(x, y)
	if !ok {
		return emptyBucket
	}
	return b.cells[c]
}

// search tests the candidates of bucket v.
func (li *layerIndex) search(v uint32, x, y float64) *area.Area {
	switch {
	case v == emptyBucket:
		return nil
	case v&inlineBucket != 0:
		return li.test(v&^inlineBucket, x, y)
	}
	b := &li.buckets
	n := b.items[v-1]
	for _, cand := range b.items[v : v+n] {
		if a := li.test(cand, x, y); a != nil {
			return a
		}
	}
	return nil
}

// scan tests every area of the layer in order.
func (li *layerIndex) scan(x, y float64) *area.Area {
	for k := range li.shapes {
		if li.shapes[k].contains(x, y) {
			return li.areas[k]
		}
	}
	return nil
}

// test returns the candidate's area if it holds (x, y).
func (li *layerIndex) test(cand uint32, x, y float64) *area.Area {
	k := cand &^ wholeCell
	if cand&wholeCell != 0 || li.shapes[k].contains(x, y) {
		return li.areas[k]
	}
	return nil
}
