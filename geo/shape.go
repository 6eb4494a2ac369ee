package geo

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// shape is an area with its polygons prepared for point tests.
type shape struct {
	area                   *area.Area
	minX, minY, maxX, maxY float64
	parts                  []prepared // one per polygon of a MultiPolygon
}

func newShape(a *area.Area) shape {
	s := shape{area: a, minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	switch g := a.Geometry.(type) {
	case orb.Polygon:
		s.parts = []prepared{prepare(g)}
	case orb.MultiPolygon:
		s.parts = make([]prepared, len(g))
		for i, p := range g {
			s.parts[i] = prepare(p)
		}
	}
	for i := range s.parts {
		p := &s.parts[i]
		s.minX, s.minY = math.Min(s.minX, p.minX), math.Min(s.minY, p.minY)
		s.maxX, s.maxY = math.Max(s.maxX, p.maxX), math.Max(s.maxY, p.maxY)
	}
	return s
}

// contains reports whether the area holds (x, y).
func (s *shape) contains(x, y float64) bool {
	if !(x >= s.minX && x <= s.maxX && y >= s.minY && y <= s.maxY) {
		return false
	}
	for i := range s.parts {
		if s.parts[i].contains(x, y) {
			return true
		}
	}
	return false
}
