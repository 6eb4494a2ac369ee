package hub

import (
	"math"

	"github.com/paulmach/orb"
)

// boxGrid finds the subscription boxes that may hold a point. Viewports
// overlap heavily (every client looks at the same district), which makes
// an R-tree descend into many nodes per point; a grid of cells, each
// listing the boxes that touch it, answers with one map lookup and a
// short list. Boxes covering more than maxCells cells (whole cities) are
// kept in a plain list checked for every point; there are few of them.
type boxGrid struct {
	cells map[uint64][]*subscription
	large []*subscription
}

const (
	// cellDeg is a cell's side in degrees, about 1 km: a tablet's
	// viewport in a district touches a few dozen cells.
	cellDeg  = 0.01
	maxCells = 4096
)

func newBoxGrid() *boxGrid { return &boxGrid{cells: map[uint64][]*subscription{}} }

func cellOf(v float64) int32 { return int32(math.Floor(v / cellDeg)) }

func cellKey(x, y int32) uint64 { return uint64(uint32(x))<<32 | uint64(uint32(y)) }

// cellXY is the cell a cellKey names.
func cellXY(key uint64) (x, y int32) { return int32(key >> 32), int32(uint32(key)) }

// span is the range of cells a box touches.
func span(b *orb.Bound) (x0, y0, x1, y1 int32, n int) {
	x0, y0, x1, y1 = cellOf(b.Min[0]), cellOf(b.Min[1]), cellOf(b.Max[0]), cellOf(b.Max[1])
	return x0, y0, x1, y1, int(x1-x0+1) * int(y1-y0+1)
}

func (g *boxGrid) add(s *subscription) {
	x0, y0, x1, y1, n := span(s.q.BBox)
	if n > maxCells {
		g.large = append(g.large, s)
		return
	}
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			k := cellKey(x, y)
			g.cells[k] = append(g.cells[k], s)
		}
	}
}

func (g *boxGrid) remove(s *subscription) {
	x0, y0, x1, y1, n := span(s.q.BBox)
	if n > maxCells {
		g.large = without(g.large, s)
		return
	}
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			k := cellKey(x, y)
			if rest := without(g.cells[k], s); len(rest) > 0 {
				g.cells[k] = rest
			} else {
				delete(g.cells, k)
			}
		}
	}
}

// without removes s from list, not keeping the order.
func without(list []*subscription, s *subscription) []*subscription {
	for i, e := range list {
		if e == s {
			last := len(list) - 1
			list[i] = list[last]
			list[last] = nil
			return list[:last]
		}
	}
	return list
}

// search calls fn with every box that may hold p: all that do, and some
// that only touch its cell. Callers check the box.
func (g *boxGrid) search(p orb.Point, fn func(*subscription)) {
	for _, s := range g.cells[cellKey(cellOf(p[0]), cellOf(p[1]))] {
		fn(s)
	}
	for _, s := range g.large {
		fn(s)
	}
}
