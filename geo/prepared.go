package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// A prepared polygon answers "does this polygon hold the point?" exactly,
// with the rules of orb/planar: a point on the exterior ring is inside, a
// point on a hole's ring is outside (planar.RingContains counts a ring's
// boundary as in, and PolygonContains excludes what a hole contains).
//
// Its rings are copied end to end into one slice, so a test reads one
// block of memory. A polygon with few edges is tested by walking them all:
// that is a handful of cheap crossing tests, cheaper than the cache misses
// of looking anything up. A polygon with many edges (an imported street
// boundary may have thousands) also gets a raster, so that most tests are
// a bounding-box check and one array lookup.
//
// The polygon's bounding box is cut into at most maxCells cells and each
// cell is classified as outside or inside, when no edge comes near it and
// so every point of it gets the same answer, or boundary, when an edge
// passes through it. The exact test is the usual crossing count of a ray
// cast from the point straight up (+y). Along a raster column the count
// for a point p in a boundary cell equals the count for any point q of the
// nearest clean cell above p, plus the crossings of the edges that pass
// through the run of boundary cells from p's cell up to that clean cell.
// So each boundary cell stores that clean cell's crossing parity (one bit
// per ring) and the run's edges, and the query tests only those.
type prepared struct {
	minX, minY, maxX, maxY float64 // bounding box of every ring
	// The rings end to end, each closed: in place when they fit, right
	// after the bounding box (a test then reads one block of memory, not
	// two), else in big.
	small    [maxSmall]orb.Point
	nsmall   int
	big      []orb.Point
	ringEnds []uint32 // where each ring ends in the points; nil when there is one
	raster   *raster  // nil for a polygon with few edges
}

// maxSmall is the number of points kept in place: ten hold 99.9% of the
// seeded district's areas, whose rings have four to eleven points.
const maxSmall = 10

// points returns the rings end to end.
func (pp *prepared) points() []orb.Point {
	if pp.big != nil {
		return pp.big
	}
	return pp.small[:pp.nsmall]
}

// raster is the grid of a prepared polygon with many edges.
type raster struct {
	sx, sy float64 // cells per unit of x and of y
	nx, ny int
	// cells holds, column by column, cellOutside, cellInside, or firstRec
	// plus the index of the cell's record in recs.
	cells []uint16
	recs  []cellRec
	edges []uint32 // edge ids; see flatten
}

const (
	cellOutside = 0
	cellInside  = 1
	firstRec    = 2

	// minRasterEdges is the number of edges from which a polygon gets a
	// raster. Below it, walking every edge costs less than the raster's
	// extra memory reads.
	minRasterEdges = 32
	// maxRings is the number of rings whose parities fit in a cellRec's
	// mask; a polygon with more holes is tested edge by edge.
	maxRings = 32
	// maxPoints keeps a point's index within an edge id's 24 bits.
	maxPoints = 1 << 24
	// A raster has between minCells and maxCells cells, cellsPerEdge per
	// edge in between, and at most maxSide cells on a side. 1,024 cells
	// put roughly a tenth of a compact polygon's bounding box in boundary
	// cells.
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

// contains reports whether the polygon holds (x, y).
func (pp *prepared) contains(x, y float64) bool {
	// Written so that NaN coordinates fail the test.
	if !(x >= pp.minX && x <= pp.maxX && y >= pp.minY && y <= pp.maxY) {
		return false
	}
	if pp.raster != nil {
		return pp.raster.contains(pp, x, y)
	}
	pts := pp.points()
	if pp.ringEnds == nil {
		return ringHolds(pts, x, y)
	}
	start := uint32(0)
	for r, end := range pp.ringEnds {
		// Inside the exterior ring, and inside no hole.
		if ringHolds(pts[start:end], x, y) != (r == 0) {
			return false
		}
		start = end
	}
	return true
}

// ringHolds is the crossing test over a whole closed ring; a point on the
// ring is held.
func ringHolds(ring []orb.Point, x, y float64) bool {
	in := false
	for i := 1; i < len(ring); i++ {
		switch cross(x, y, ring[i-1], ring[i]) {
		case crossOn:
			return true
		case crossOver:
			in = !in
		}
	}
	return in
}

// contains is prepared.contains for a point inside pp's bounding box.
func (rs *raster) contains(pp *prepared, x, y float64) bool {
	i := int((x - pp.minX) * rs.sx)
	if i >= rs.nx {
		i = rs.nx - 1
	}
	j := int((y - pp.minY) * rs.sy)
	if j >= rs.ny {
		j = rs.ny - 1
	}
	c := rs.cells[i*rs.ny+j]
	if c < firstRec {
		return c == cellInside
	}
	rec := rs.recs[c-firstRec]
	par, on := rec.base, uint32(0)
	pts := pp.points()
	for _, id := range rs.edges[rec.lo:rec.hi] {
		a, b := edgeEnds(pts, id)
		switch cross(x, y, a, b) {
		case crossOver:
			par ^= 1 << (id >> 24)
		case crossOn:
			on |= 1 << (id >> 24)
		}
	}
	return inside(par | on)
}

// edgeIDs lists the polygon's edges into ids as flatten does; ok is false
// when they do not fit edge ids.
func (pp *prepared) edgeIDs(ids []uint32) (_ []uint32, ok bool) {
	ids = ids[:0]
	pts := pp.points()
	if len(pts) >= maxPoints || len(pp.ringEnds) > maxRings {
		return ids, false
	}
	start := 0
	for r, end := range pp.ringEnds {
		for k := start; k < int(end)-1; k++ {
			ids = append(ids, uint32(r)<<24|uint32(k))
		}
		start = int(end)
	}
	if pp.ringEnds == nil {
		for k := 0; k < len(pts)-1; k++ {
			ids = append(ids, uint32(k))
		}
	}
	return ids, true
}

// prepare copies poly and, when it has at least rasterFrom edges,
// rasterises it, using sc's space to work in.
func prepare(poly orb.Polygon, sc *scratch, rasterFrom int) prepared {
	pp := prepared{minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	if len(poly) == 0 || len(poly[0]) == 0 {
		return pp // an empty bound holds nothing
	}
	for _, r := range poly {
		for _, p := range r {
			pp.minX, pp.maxX = math.Min(pp.minX, p[0]), math.Max(pp.maxX, p[0])
			pp.minY, pp.maxY = math.Min(pp.minY, p[1]), math.Max(pp.maxY, p[1])
		}
	}
	pts, ends, ids, ok := flatten(poly, sc.pts, nil, sc.ids)
	sc.pts, sc.ids = pts, ids
	if len(pts) <= maxSmall {
		pp.nsmall = copy(pp.small[:], pts)
	} else {
		pp.big = slices.Clone(pts)
	}
	if len(ends) > 1 {
		pp.ringEnds = slices.Clip(ends)
	}
	w, h := pp.maxX-pp.minX, pp.maxY-pp.minY
	finite := !math.IsInf(w, 0) && !math.IsNaN(w) && !math.IsInf(h, 0) && !math.IsNaN(h)
	if !ok || len(ids) < rasterFrom || !finite || w <= 0 || h <= 0 {
		return pp
	}
	rs := &raster{}
	rs.nx, rs.ny = rasterSize(len(ids), w, h, (pp.minY+pp.maxY)/2)
	rs.sx, rs.sy = float64(rs.nx)/w, float64(rs.ny)/h
	win := window{x0: pp.minX, y0: pp.minY, cw: w / float64(rs.nx), ch: h / float64(rs.ny), nx: rs.nx, ny: rs.ny}
	sc.rasterise(pp.points(), ids, win, marginFor(pp.minX, pp.maxX, pp.minY, pp.maxY), rs)
	pp.raster = rs
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
