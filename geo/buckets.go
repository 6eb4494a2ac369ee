package geo

import "math"

// buckets is a uniform grid laid over one layer: each cell lists the
// shapes whose bounding boxes meet it, so finding the candidates for a
// point is one division and one slice, whatever the layer's size.
//
// It answers Locate instead of the layer's R-tree because a point query
// in the R-tree costs a few hundred nanoseconds per layer (a descent with
// a callback per hit), which alone would spend the whole-chain budget.
// It is also why Locate does not walk down the hierarchy (street, then the
// street's communities, …): that is as fast on seeded data but misses a
// child that pokes out of its parent, which imported boundaries do within
// the import tolerance; the grid needs no such promise.
type buckets struct {
	minX, minY, maxX, maxY float64
	sx, sy                 float64 // cells per unit of x and of y
	nx, ny                 int
	start                  []uint32 // the shapes of cell i are items[start[i]:start[i+1]]
	items                  []uint32 // indexes into the layer's shapes
}

const (
	// bucketsPerShape sets the grid's size: with about as many cells as
	// shapes, a cell of a tiling layer meets two to four shapes' boxes.
	bucketsPerShape = 2
	maxBuckets      = 1 << 22
)

func newBuckets(shapes []shape) buckets {
	b := buckets{minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	n := 0
	for i := range shapes {
		s := &shapes[i]
		if !(s.minX <= s.maxX && s.minY <= s.maxY) {
			continue
		}
		b.minX, b.minY = math.Min(b.minX, s.minX), math.Min(b.minY, s.minY)
		b.maxX, b.maxY = math.Max(b.maxX, s.maxX), math.Max(b.maxY, s.maxY)
		n++
	}
	w, h := b.maxX-b.minX, b.maxY-b.minY
	if n == 0 || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return b
	}
	cells := min(max(bucketsPerShape*n, 1), maxBuckets)
	ground := 1.0
	if w > 0 && h > 0 {
		ground = w / h * math.Cos(math.Min(math.Abs(b.minY+b.maxY)/2, 90)*math.Pi/180)
	}
	b.nx = min(max(int(math.Round(math.Sqrt(float64(cells)*ground))), 1), cells)
	b.ny = min(max(int(math.Round(float64(cells)/float64(b.nx))), 1), cells)
	b.sx, b.sy = scale(b.nx, w), scale(b.ny, h)

	// Two passes: count each cell's shapes, then place them.
	scaleAbs := math.Max(math.Max(math.Abs(b.minX), math.Abs(b.maxX)), math.Max(math.Abs(b.minY), math.Abs(b.maxY)))
	margin := math.Max(scaleAbs, 1) * 1e-11
	b.start = make([]uint32, b.nx*b.ny+1)
	each := func(fn func(cell int, i uint32)) {
		for i := range shapes {
			s := &shapes[i]
			if !(s.minX <= s.maxX && s.minY <= s.maxY) {
				continue
			}
			c0, c1 := b.col(s.minX-margin), b.col(s.maxX+margin)
			r0, r1 := b.row(s.minY-margin), b.row(s.maxY+margin)
			for r := r0; r <= r1; r++ {
				for c := c0; c <= c1; c++ {
					fn(r*b.nx+c, uint32(i))
				}
			}
		}
	}
	each(func(cell int, _ uint32) { b.start[cell+1]++ })
	for i := 1; i < len(b.start); i++ {
		b.start[i] += b.start[i-1]
	}
	b.items = make([]uint32, b.start[len(b.start)-1])
	fill := make([]uint32, b.nx*b.ny)
	copy(fill, b.start)
	each(func(cell int, i uint32) {
		b.items[fill[cell]] = i
		fill[cell]++
	})
	return b
}

// scale is cells per unit over a width that may be zero (one column).
func scale(cells int, width float64) float64 {
	if width <= 0 {
		return 0
	}
	return float64(cells) / width
}

func (b *buckets) col(x float64) int {
	return min(max(int(math.Floor((x-b.minX)*b.sx)), 0), b.nx-1)
}

func (b *buckets) row(y float64) int {
	return min(max(int(math.Floor((y-b.minY)*b.sy)), 0), b.ny-1)
}

// at returns the shapes whose boxes may hold (x, y), in layer order.
func (b *buckets) at(x, y float64) []uint32 {
	if !(x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY) {
		return nil
	}
	i := int((x - b.minX) * b.sx)
	if i >= b.nx {
		i = b.nx - 1
	}
	j := int((y - b.minY) * b.sy)
	if j >= b.ny {
		j = b.ny - 1
	}
	c := j*b.nx + i
	return b.items[b.start[c]:b.start[c+1]]
}
