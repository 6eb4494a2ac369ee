package area

import (
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Area is one polygon of one layer: a street, a compound, a micro grid…
// Geometry is an orb.Polygon or orb.MultiPolygon in WGS-84, exterior rings
// counter-clockwise and holes clockwise.
type Area struct {
	Code     string
	Name     string
	Layer    Layer
	Parent   string // code of the containing area; empty for the district
	Geometry orb.Geometry
	// Props holds the layer's own attributes (kind, households, property
	// company…), as they appear in GeoJSON properties.
	Props map[string]any
}

// Bound is the area's bounding box.
func (a *Area) Bound() orb.Bound { return a.Geometry.Bound() }

// Contains is the exact point-in-area test, holes included, with orb's
// planar semantics. It is the plain reference test; geo.Index answers the
// same question much faster for many points.
func (a *Area) Contains(p orb.Point) bool {
	switch g := a.Geometry.(type) {
	case orb.Polygon:
		return g.Bound().Contains(p) && planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return g.Bound().Contains(p) && planar.MultiPolygonContains(g, p)
	}
	return false
}

// Set is every area of a district (or a city), by layer.
type Set struct {
	layers map[Layer][]*Area
	byCode map[string]*Area
}

// NewSet makes an empty set.
func NewSet() *Set {
	return &Set{layers: map[Layer][]*Area{}, byCode: map[string]*Area{}}
}

// Add puts an area in the set; an area with the same layer and code
// replaces nothing, so callers check Get first when codes may repeat.
func (s *Set) Add(a *Area) {
	s.layers[a.Layer] = append(s.layers[a.Layer], a)
	s.byCode[key(a.Layer, a.Code)] = a
}

// ReplaceLayer drops every area of layer l and puts areas in its place.
func (s *Set) ReplaceLayer(l Layer, areas []*Area) {
	for _, a := range s.layers[l] {
		delete(s.byCode, key(l, a.Code))
	}
	s.layers[l] = nil
	for _, a := range areas {
		s.Add(a)
	}
}

// Layer returns the areas of layer l in the order they were added.
func (s *Set) Layer(l Layer) []*Area { return s.layers[l] }

// Get finds an area by layer and code.
func (s *Set) Get(l Layer, code string) (*Area, bool) {
	a, ok := s.byCode[key(l, code)]
	return a, ok
}

// Count is the number of areas in layer l.
func (s *Set) Count(l Layer) int { return len(s.layers[l]) }

// Children returns the areas of layer child whose parent is code, sorted by
// code.
func (s *Set) Children(child Layer, code string) []*Area {
	var out []*Area
	for _, a := range s.layers[child] {
		if a.Parent == code {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

func key(l Layer, code string) string { return string(l) + "/" + code }
