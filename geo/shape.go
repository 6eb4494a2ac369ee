package geo

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// shape is an area with its polygons prepared for point tests. The first
// polygon is held in place, as most areas have only one: a test then
// reads one block of memory before the raster cell.
type shape struct {
	first                  prepared
	more                   []prepared // the other polygons of a MultiPolygon
	minX, minY, maxX, maxY float64    // the bounding box of all of them
}

// newShape prepares a's polygons, rasterising those with at least
// rasterFrom edges (minRasterEdges but in tests).
func newShape(a *area.Area, sc *scratch, rasterFrom int) shape {
	var parts []prepared
	switch g := a.Geometry.(type) {
	case orb.Polygon:
		parts = []prepared{prepare(g, sc, rasterFrom)}
	case orb.MultiPolygon:
		parts = make([]prepared, len(g))
		for i, p := range g {
			parts[i] = prepare(p, sc, rasterFrom)
		}
	}
	s := shape{minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	s.first = prepare(nil, sc, rasterFrom) // holds nothing, for an area without polygons
	if len(parts) > 0 {
		s.first, s.more = parts[0], parts[1:]
	}
	for _, p := range parts {
		s.minX, s.minY = math.Min(s.minX, p.minX), math.Min(s.minY, p.minY)
		s.maxX, s.maxY = math.Max(s.maxX, p.maxX), math.Max(s.maxY, p.maxY)
	}
	return s
}

// contains reports whether the area holds (x, y).
func (s *shape) contains(x, y float64) bool {
	if s.first.contains(x, y) {
		return true
	}
	for i := range s.more {
		if s.more[i].contains(x, y) {
			return true
		}
	}
	return false
}

// parts calls fn for each of the area's polygons.
func (s *shape) parts(fn func(*prepared)) {
	fn(&s.first)
	for i := range s.more {
		fn(&s.more[i])
	}
}
