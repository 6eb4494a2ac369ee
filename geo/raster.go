package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// crossing tells how the ray cast from (x, y) towards +y meets edge a–b.
type crossing uint8

const (
	crossNone crossing = iota
	crossOver          // the ray crosses the edge
	crossOn            // the point lies on the edge
)

// cross tests one edge. It counts an edge whose x-range, taken half-open
// as [left x, right x), holds x and that passes above the point, so a ray
// through a vertex is counted once, and it reports points on the edge.
// Both ends are taken in x order, so the two areas sharing an edge compute
// the same sum for it and no point falls between them.
func cross(x, y float64, a, b orb.Point) crossing {
	if a[0] > b[0] {
		a, b = b, a
	}
	if !(a[0] <= x && x < b[0]) {
		if x != b[0] {
			return crossNone
		}
		// x is the right end's: on the edge only at that end, or along
		// a vertical edge.
		if (y == b[1]) || (a[0] == b[0] && y >= math.Min(a[1], b[1]) && y <= math.Max(a[1], b[1])) {
			return crossOn
		}
		return crossNone
	}
	switch d := (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0]); {
	case d < 0:
		return crossOver
	case d > 0:
		return crossNone
	}
	return crossOn
}

// flatten lays a polygon's rings end to end into pts, closing any ring
// that is not closed (as orb/planar's test does), notes where each ring
// ends, and lists its edges into ids. An edge id is the ring's index << 24
// | the index in pts of the edge's first end, so an edge is read from one
// slice and its ring from its id. ok is false, and ids incomplete, when
// the polygon has too many rings or points for such ids.
func flatten(poly orb.Polygon, pts []orb.Point, ends, ids []uint32) (_ []orb.Point, _, _ []uint32, ok bool) {
	pts, ends, ids = pts[:0], ends[:0], ids[:0]
	ok = len(poly) <= maxRings
	for ri, r := range poly {
		first := len(pts)
		if len(r) > 0 {
			pts = append(pts, r...)
			if len(r) == 1 || r[len(r)-1] != r[0] {
				pts = append(pts, r[0])
			}
		}
		ends = append(ends, uint32(len(pts)))
		ok = ok && len(pts) < maxPoints
		for k := first; ok && k < len(pts)-1; k++ {
			ids = append(ids, uint32(ri)<<24|uint32(k))
		}
	}
	return pts, ends, ids, ok
}

// edgeEnds returns the two ends of edge id.
func edgeEnds(pts []orb.Point, id uint32) (orb.Point, orb.Point) {
	k := id & (maxPoints - 1)
	return pts[k], pts[k+1]
}

// inside turns ring parities (plus rings the point lies on) into the
// answer: inside the exterior ring and inside no hole.
func inside(rings uint32) bool { return rings == 1 }

// window is a block of grid cells: cell (i, j), 0 <= i < nx, 0 <= j < ny,
// spans [x0+i*cw, x0+(i+1)*cw] × [y0+j*ch, y0+(j+1)*ch].
type window struct {
	x0, y0, cw, ch float64
	nx, ny         int
}

// The kinds of cell rasterise finds.
const (
	kindOutside = iota
	kindInside
	kindBoundary
)

// marginFor is how far every cell is widened when deciding which edges
// meet it, so that a point rounding puts in a neighbouring cell is still
// covered: far above the rounding of coordinates of this size, far below
// any cell.
func marginFor(coords ...float64) float64 {
	m := 1.0
	for _, c := range coords {
		m = math.Max(m, math.Abs(c))
	}
	return m * 1e-11
}

// scratch holds a rasteriser's working space, reused from one polygon to
// the next so that indexing tens of thousands of areas allocates little
// more than the results.
type scratch struct {
	pts   []orb.Point // a polygon's points, before they are copied
	ids   []uint32    // edge ids by dense edge number
	pairs []uint64    // cell << 32 | dense edge number, for every cell an edge meets
	start []int       // the edges meeting cell c are items[start[c]:start[c+1]]
	items []uint32
	seen  []int    // the run that last took each edge
	run   []uint32 // the edges of the current run
	kind  []uint8  // kindOutside, kindInside or kindBoundary for each cell
}

// rasterise classifies the cells of win for the flattened polygon pts with
// edges ids (see flatten) into sc.kind. Cells are numbered column by
// column (cell (i, j) is i*ny + j), the order in which they are walked. A cell is boundary when an edge
// comes within margin of it; every point of any other cell gets the same
// answer from the ray test, so it is inside or outside as a whole.
//
// When rs is not nil it also fills its cells, recs and edges: each
// boundary cell gets the ring parities of the nearest clean cell above
// it in its column and the edges of the boundary cells in between (see
// prepared). Columns are walked from the top down, so an edge joins a
// run's list at the first cell that meets it, and a cell's edges are a
// prefix of the run's list.
func (sc *scratch) rasterise(pts []orb.Point, ids []uint32, win window, margin float64, rs *raster) {
	ncells := win.nx * win.ny

	// Every edge, and the cells each one passes through.
	sc.pairs = sc.pairs[:0]
	for en, id := range ids {
		n := uint64(en)
		a, b := edgeEnds(pts, id)
		if a[0] > b[0] {
			a, b = b, a
		}
		c0 := win.column(a[0] - 2*margin)
		c1 := win.column(b[0] + 2*margin)
		for c := c0; c <= c1; c++ {
			// The piece of the edge within the widened column.
			xa := math.Max(a[0], win.x0+float64(c)*win.cw-2*margin)
			xb := math.Min(b[0], win.x0+float64(c+1)*win.cw+2*margin)
			lo, hi := math.Min(a[1], b[1]), math.Max(a[1], b[1])
			if a[0] < b[0] && xa <= xb {
				ya := a[1] + (xa-a[0])*(b[1]-a[1])/(b[0]-a[0])
				yb := a[1] + (xb-a[0])*(b[1]-a[1])/(b[0]-a[0])
				lo, hi = math.Max(lo, math.Min(ya, yb)), math.Min(hi, math.Max(ya, yb))
			}
			r0 := win.row(lo - 2*margin)
			r1 := win.row(hi + 2*margin)
			for j := r0; j <= r1; j++ {
				sc.pairs = append(sc.pairs, uint64(c*win.ny+j)<<32|n)
			}
		}
	}
	// Group the pairs by cell (a counting sort).
	sc.start = slices.Grow(sc.start[:0], ncells+1)[:ncells+1]
	clear(sc.start)
	for _, pr := range sc.pairs {
		sc.start[pr>>32+1]++
	}
	for c := range ncells {
		sc.start[c+1] += sc.start[c]
	}
	sc.items = slices.Grow(sc.items[:0], len(sc.pairs))[:len(sc.pairs)]
	for _, pr := range sc.pairs {
		c := pr >> 32
		sc.items[sc.start[c]] = uint32(pr)
		sc.start[c]++
	}
	copy(sc.start[1:], sc.start[:ncells]) // each start had moved to the next cell's
	sc.start[0] = 0
	sc.seen = slices.Grow(sc.seen[:0], len(ids))[:len(ids)]
	clear(sc.seen)
	sc.kind = slices.Grow(sc.kind[:0], ncells)[:ncells]

	// Walk each column from the top down, carrying the ring parities of
	// the last clean cell and the edges of the boundary run below it.
	run := sc.run[:0]
	defer func() { sc.run = run }()
	if rs != nil {
		rs.cells = make([]uint16, ncells)
	}
	stamp, runStart := 0, 0
	for c := 0; c < win.nx; c++ {
		base := uint32(0) // above the polygon no ray crosses anything
		run = run[:0]
		stamp++
		if rs != nil {
			runStart = len(rs.edges)
		}
		for j := win.ny - 1; j >= 0; j-- {
			cell := c*win.ny + j
			meet := sc.items[sc.start[cell]:sc.start[cell+1]]
			if len(meet) == 0 {
				// A clean cell: one answer for all of it, found at its
				// centre from the run above (if any; else it is the
				// answer of the clean cell above).
				if len(run) > 0 {
					x := win.x0 + (float64(c)+0.5)*win.cw
					y := win.y0 + (float64(j)+0.5)*win.ch
					for _, id := range run {
						a, b := edgeEnds(pts, id)
						if cross(x, y, a, b) == crossOver {
							base ^= 1 << (id >> 24)
						}
					}
				}
				sc.kind[cell] = kindOutside
				if inside(base) {
					sc.kind[cell] = kindInside
					if rs != nil {
						rs.cells[cell] = cellInside
					}
				}
				run = run[:0]
				stamp++
				if rs != nil {
					runStart = len(rs.edges)
				}
				continue
			}
			// Edges first met here (going down) join the run; the
			// cell tests every edge the run has taken so far.
			for _, n := range meet {
				if sc.seen[n] != stamp {
					sc.seen[n] = stamp
					run = append(run, ids[n])
					if rs != nil {
						rs.edges = append(rs.edges, ids[n])
					}
				}
			}
			sc.kind[cell] = kindBoundary
			if rs != nil {
				rs.cells[cell] = uint16(firstRec + len(rs.recs))
				rs.recs = append(rs.recs, cellRec{lo: uint32(runStart), hi: uint32(len(rs.edges)), base: base})
			}
		}
	}
	if rs != nil {
		rs.edges = slices.Clip(rs.edges)
		rs.recs = slices.Clip(rs.recs)
	}
}

// column is the window's column holding x, clamped to the window.
func (w *window) column(x float64) int {
	return min(max(int(math.Floor((x-w.x0)/w.cw)), 0), w.nx-1)
}

// row is the window's row holding y, clamped to the window.
func (w *window) row(y float64) int {
	return min(max(int(math.Floor((y-w.y0)/w.ch)), 0), w.ny-1)
}
