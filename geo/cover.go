package geo

import (
	"math"
	"slices"
)

// grid is a window used for lookups: it knows its extent, which the
// cells cover exactly up to rounding, and how to find a point's cell.
type grid struct {
	window
	x1, y1 float64 // the extent's upper corner
	sx, sy float64 // cells per unit of x and of y
}

// extent is a bounding box, empty when min > max.
type extent struct{ minX, minY, maxX, maxY float64 }

// emptyExtent holds nothing; adding a shape to it gives that shape's box.
var emptyExtent = extent{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}

// add widens e to hold the bounding boxes of shapes.
func (e extent) add(shapes []shape) extent {
	for i := range shapes {
		s := &shapes[i]
		if s.minX <= s.maxX && s.minY <= s.maxY {
			e.minX, e.minY = math.Min(e.minX, s.minX), math.Min(e.minY, s.minY)
			e.maxX, e.maxY = math.Max(e.maxX, s.maxX), math.Max(e.maxY, s.maxY)
		}
	}
	return e
}

// gridOver lays a grid of about cells cells, square on the ground, over
// e. ok is false when e is empty or flat.
func gridOver(e extent, cells int) (g grid, ok bool) {
	minX, minY, maxX, maxY := e.minX, e.minY, e.maxX, e.maxY
	w, h := maxX-minX, maxY-minY
	if !(w > 0 && h > 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return grid{}, false
	}
	cells = max(cells, 1)
	ground := w / h * math.Cos(math.Min(math.Abs(minY+maxY)/2, 90)*math.Pi/180)
	nx := min(max(int(math.Round(math.Sqrt(float64(cells)*ground))), 1), cells)
	ny := min(max(int(math.Round(float64(cells)/float64(nx))), 1), cells)
	return grid{
		window: window{x0: minX, y0: minY, cw: w / float64(nx), ch: h / float64(ny), nx: nx, ny: ny},
		x1:     maxX, y1: maxY,
		sx: float64(nx) / w, sy: float64(ny) / h,
	}, true
}

// cell returns the index of the cell holding (x, y); ok is false outside
// the grid's extent (and for NaN).
func (g *grid) cell(x, y float64) (c int, ok bool) {
	if !(x >= g.x0 && x <= g.x1 && y >= g.y0 && y <= g.y1) {
		return 0, false
	}
	i := int((x - g.x0) * g.sx)
	if i >= g.nx {
		i = g.nx - 1
	}
	j := int((y - g.y0) * g.sy)
	if j >= g.ny {
		j = g.ny - 1
	}
	return j*g.nx + i, true
}

// margin is how far cells are widened for this grid; see marginFor.
func (g *grid) margin() float64 { return marginFor(g.x0, g.y0, g.x1, g.y1) }

// coverCells calls fn for every cell of g that some part of shapes[k]
// may hold, shape by shape in order, with kindInside when the shape
// holds all of the cell and kindBoundary when it holds only part or
// perhaps none of it. Cells are widened by margin, so that a point that
// rounding puts in a neighbouring cell is still covered.
func coverCells(shapes []shape, g *grid, margin float64, sc *scratch, fn func(cell, k int, kind uint8)) {
	var cover []uint8
	for k := range shapes {
		s := &shapes[k]
		if !(s.minX <= s.maxX && s.minY <= s.maxY) {
			continue
		}
		i0, i1 := g.column(s.minX-margin), g.column(s.maxX+margin)
		j0, j1 := g.row(s.minY-margin), g.row(s.maxY+margin)
		win := window{x0: g.x0 + float64(i0)*g.cw, y0: g.y0 + float64(j0)*g.ch, cw: g.cw, ch: g.ch, nx: i1 - i0 + 1, ny: j1 - j0 + 1}
		cover = shapeCover(s, win, margin, sc, cover)
		for i := range win.nx {
			for j, c := range cover[i*win.ny : (i+1)*win.ny] {
				if c != kindOutside {
					fn((j0+j)*g.nx+i0+i, k, c)
				}
			}
		}
	}
}

// shapeCover classifies the cells of win for s into cover (reused),
// column by column as rasterise does: kindInside where the area holds the
// whole cell, kindOutside where it holds none of it, kindBoundary
// otherwise.
func shapeCover(s *shape, win window, margin float64, sc *scratch, cover []uint8) []uint8 {
	cover = slices.Grow(cover[:0], win.nx*win.ny)[:win.nx*win.ny]
	clear(cover)
	s.parts(func(pp *prepared) {
		if !(pp.minX <= pp.maxX && pp.minY <= pp.maxY) {
			return // an empty polygon holds nothing
		}
		var ok bool
		sc.ids, ok = pp.edgeIDs(sc.ids)
		if !ok {
			// Too big for edge ids: split wherever its box reaches.
			for j := range win.ny {
				for i := range win.nx {
					x, y := win.x0+float64(i)*win.cw, win.y0+float64(j)*win.ch
					if x-margin <= pp.maxX && x+win.cw+margin >= pp.minX && y-margin <= pp.maxY && y+win.ch+margin >= pp.minY {
						if cover[i*win.ny+j] == kindOutside {
							cover[i*win.ny+j] = kindBoundary
						}
					}
				}
			}
			return
		}
		sc.rasterise(pp.points(), sc.ids, win, margin, nil)
		for c, k := range sc.kind {
			// Any part holding the cell holds it; any part meeting it
			// splits it, unless another holds it whole.
			switch {
			case k == kindInside:
				cover[c] = kindInside
			case k == kindBoundary && cover[c] == kindOutside:
				cover[c] = kindBoundary
			}
		}
	})
	return cover
}
