package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// A prepared polygon answers "does this polygon hold the point?" with
// mostly one array lookup instead of a walk over every edge.
//
// At build time the polygon's bounding box is cut into a raster of at most
// maxCells cells and each cell is classified:
//
//   - outside or inside, when no edge comes near the cell: every point of
//     the cell then has the same answer;
//   - boundary, when an edge passes through it: the cell keeps the few
//     edges a point in it must be tested against.
//
// The exact test is the usual crossing count of a ray cast from the point
// straight up (+y). Along a raster column the count for a point p in a
// boundary cell equals the count for any point q of the nearest clean cell
// above p, plus the crossings of the edges that pass through the run of
// boundary cells from p's cell up to that clean cell. So each boundary cell
// stores that clean cell's crossing parity (one bit per ring) and the
// run's edges, and the query tests only those.
//
// The rules match orb/planar exactly: a point on an exterior ring is
// inside, a point on a hole's ring is outside (planar.RingContains counts
// the boundary as in, and PolygonContains excludes points a hole contains).
// Edges are tested with a half-open x-range, which is what the ray test in
// orb/planar does with its nudge at vertices.
type prepared struct {
	poly                   orb.Polygon
	minX, minY, maxX, maxY float64 // bounding box of every ring
	sx, sy                 float64 // raster cells per unit of x and of y
	nx, ny                 int

	// cells holds, row by row, cellOutside, cellInside, or firstRec plus
	// the index of the cell's record in recs. A nil cells means the
	// polygon could not be rasterised and is tested edge by edge.
	cells []uint16
	recs  []cellRec
	edges []uint32 // edge ids: ring index << 24 | index of the edge's first vertex
}

const (
	cellOutside = 0
	cellInside  = 1
	firstRec    = 2

	// maxRings is the number of rings whose parities fit in a cellRec's
	// mask; a polygon with more holes is tested edge by edge.
	maxRings = 32
	// maxRingPoints keeps a vertex index within an edge id's 24 bits.
	maxRingPoints = 1 << 24
	// A raster has between minCells and maxCells cells, cellsPerEdge per
	// edge in between, and at most maxSide cells on a side. 1,024 cells
	// puts roughly a tenth of a compact polygon's bounding box in boundary
	// cells; a simple rectangle gets 64, as its few edges are cheap to
	// test anyway and there are many of them (buildings).
	minCells     = 64
	maxCells     = 1024
	cellsPerEdge = 16
	maxSide      = 64
)

// cellRec is a boundary cell: the edges edges[lo:hi] to test and the ring
// parities (bit i for ring i) of the clean cell above the cell's run.
type cellRec struct {
	lo, hi uint32
	base   uint32
}

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
func cross(x, y float64, a, b orb.Point) crossing {
	if a[0] > b[0] {
		a, b = b, a
	}
	if x < a[0] || x > b[0] {
		return crossNone
	}
	if (x == a[0] && y == a[1]) || (x == b[0] && y == b[1]) {
		return crossOn
	}
	if a[0] == b[0] { // vertical edge: the ray runs along it or misses it
		if y >= math.Min(a[1], b[1]) && y <= math.Max(a[1], b[1]) {
			return crossOn
		}
		return crossNone
	}
	if x == b[0] {
		return crossNone
	}
	if y > a[1] && y > b[1] {
		return crossNone
	}
	if y < a[1] && y < b[1] {
		return crossOver
	}
	switch d := (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0]); {
	case d > 0:
		return crossNone
	case d < 0:
		return crossOver
	}
	return crossOn
}

// edgeEnds returns the two ends of edge id of poly.
func edgeEnds(poly orb.Polygon, id uint32) (orb.Point, orb.Point) {
	r := poly[id>>24]
	k := int(id & (maxRingPoints - 1))
	if k+1 < len(r) {
		return r[k], r[k+1]
	}
	return r[k], r[0]
}

// inside turns ring parities (plus rings the point lies on) into the
// answer: inside the exterior ring and inside no hole.
func inside(rings uint32) bool { return rings == 1 }

// contains reports whether the polygon holds (x, y).
func (pp *prepared) contains(x, y float64) bool {
	// Written so that NaN coordinates fail the test.
	if !(x >= pp.minX && x <= pp.maxX && y >= pp.minY && y <= pp.maxY) {
		return false
	}
	if pp.cells == nil {
		return planar.PolygonContains(pp.poly, orb.Point{x, y})
	}
	i := int((x - pp.minX) * pp.sx)
	if i >= pp.nx {
		i = pp.nx - 1
	}
	j := int((y - pp.minY) * pp.sy)
	if j >= pp.ny {
		j = pp.ny - 1
	}
	c := pp.cells[j*pp.nx+i]
	if c < firstRec {
		return c == cellInside
	}
	rec := pp.recs[c-firstRec]
	par, on := rec.base, uint32(0)
	for _, id := range pp.edges[rec.lo:rec.hi] {
		a, b := edgeEnds(pp.poly, id)
		switch cross(x, y, a, b) {
		case crossOver:
			par ^= 1 << (id >> 24)
		case crossOn:
			on |= 1 << (id >> 24)
		}
	}
	return inside(par | on)
}

// prepare builds the raster of poly.
func prepare(poly orb.Polygon) prepared {
	pp := prepared{poly: poly, minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	if len(poly) == 0 || len(poly[0]) == 0 {
		return pp // an empty bound holds nothing
	}
	nedges := 0
	for _, r := range poly {
		for _, p := range r {
			pp.minX, pp.maxX = math.Min(pp.minX, p[0]), math.Max(pp.maxX, p[0])
			pp.minY, pp.maxY = math.Min(pp.minY, p[1]), math.Max(pp.maxY, p[1])
		}
		nedges += len(r)
		if len(r) >= maxRingPoints {
			return pp
		}
	}
	w, h := pp.maxX-pp.minX, pp.maxY-pp.minY
	finite := !math.IsInf(w, 0) && !math.IsNaN(w) && !math.IsInf(h, 0) && !math.IsNaN(h)
	if len(poly) > maxRings || !finite || w <= 0 || h <= 0 {
		return pp
	}
	pp.nx, pp.ny = rasterSize(nedges, w, h, (pp.minY+pp.maxY)/2)
	pp.sx, pp.sy = float64(pp.nx)/w, float64(pp.ny)/h
	pp.rasterise()
	return pp
}

// rasterSize picks the raster's columns and rows: more cells for more
// edges, cells about square on the ground.
func rasterSize(nedges int, w, h, midLat float64) (nx, ny int) {
	cells := min(max(cellsPerEdge*nedges, minCells), maxCells)
	ground := w / h
	if math.Abs(midLat) <= 90 {
		ground *= math.Cos(midLat * math.Pi / 180)
	}
	nx = min(max(int(math.Round(math.Sqrt(float64(cells)*ground))), 1), maxSide)
	ny = min(max(int(math.Round(float64(cells)/float64(nx))), 1), maxSide)
	return nx, ny
}

// rasterise fills cells, recs and edges.
func (pp *prepared) rasterise() {
	// margin widens every cell when deciding which edges meet it, so a
	// point that rounding puts in a neighbouring cell is still covered.
	scale := math.Max(math.Max(math.Abs(pp.minX), math.Abs(pp.maxX)), math.Max(math.Abs(pp.minY), math.Abs(pp.maxY)))
	margin := math.Max(scale, 1) * 1e-11
	cw, ch := (pp.maxX-pp.minX)/float64(pp.nx), (pp.maxY-pp.minY)/float64(pp.ny)

	// Every edge, and the cells each one passes through.
	var ids []uint32
	inCell := make([][]uint32, pp.nx*pp.ny) // dense edge numbers per cell
	for ri, r := range pp.poly {
		for k := range r {
			if k == len(r)-1 && len(r) > 1 && r[k] == r[0] {
				continue // the closing edge of a closed ring has no length
			}
			id := uint32(ri)<<24 | uint32(k)
			n := uint32(len(ids))
			ids = append(ids, id)
			a, b := edgeEnds(pp.poly, id)
			if a[0] > b[0] {
				a, b = b, a
			}
			c0 := pp.column(a[0]-2*margin, cw)
			c1 := pp.column(b[0]+2*margin, cw)
			for c := c0; c <= c1; c++ {
				// The piece of the edge within the widened column.
				xa := math.Max(a[0], pp.minX+float64(c)*cw-2*margin)
				xb := math.Min(b[0], pp.minX+float64(c+1)*cw+2*margin)
				lo, hi := math.Min(a[1], b[1]), math.Max(a[1], b[1])
				if a[0] < b[0] && xa <= xb {
					ya := a[1] + (xa-a[0])*(b[1]-a[1])/(b[0]-a[0])
					yb := a[1] + (xb-a[0])*(b[1]-a[1])/(b[0]-a[0])
					lo, hi = math.Max(lo, math.Min(ya, yb)), math.Min(hi, math.Max(ya, yb))
				}
				r0 := pp.row(lo-2*margin, ch)
				r1 := pp.row(hi+2*margin, ch)
				for j := r0; j <= r1; j++ {
					inCell[j*pp.nx+c] = append(inCell[j*pp.nx+c], n)
				}
			}
		}
	}

	// Walk each column from the top down, carrying the ring parities of
	// the last clean cell and the edges of the boundary run below it.
	pp.cells = make([]uint16, pp.nx*pp.ny)
	seen := make([]int, len(ids)) // run number + 1 that last took the edge
	run := 0
	for c := 0; c < pp.nx; c++ {
		base := uint32(0) // above the raster no ray crosses anything
		start := len(pp.edges)
		run++
		for j := pp.ny - 1; j >= 0; j-- {
			cell := j*pp.nx + c
			if len(inCell[cell]) == 0 {
				// A clean cell: one answer for all of it, found at its
				// centre from the run above.
				x := pp.minX + (float64(c)+0.5)*cw
				y := pp.minY + (float64(j)+0.5)*ch
				for _, id := range pp.edges[start:] {
					a, b := edgeEnds(pp.poly, id)
					if cross(x, y, a, b) == crossOver {
						base ^= 1 << (id >> 24)
					}
				}
				if inside(base) {
					pp.cells[cell] = cellInside
				}
				start = len(pp.edges)
				run++
				continue
			}
			// Edges first met here (going down) join the run; the
			// cell tests every edge the run has taken so far.
			for _, n := range inCell[cell] {
				if seen[n] != run {
					seen[n] = run
					pp.edges = append(pp.edges, ids[n])
				}
			}
			pp.cells[cell] = uint16(firstRec + len(pp.recs))
			pp.recs = append(pp.recs, cellRec{lo: uint32(start), hi: uint32(len(pp.edges)), base: base})
		}
	}
}

// column is the raster column holding x, clamped to the raster.
func (pp *prepared) column(x, cw float64) int {
	return min(max(int(math.Floor((x-pp.minX)/cw)), 0), pp.nx-1)
}

// row is the raster row holding y, clamped to the raster.
func (pp *prepared) row(y, ch float64) int {
	return min(max(int(math.Floor((y-pp.minY)/ch)), 0), pp.ny-1)
}
