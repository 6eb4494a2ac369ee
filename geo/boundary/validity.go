package boundary

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// valid checks the structurally sound geometry for the OGC simple
// features rules with simplefeatures: rings that do not cross or touch
// themselves, holes inside their outer ring and not inside each other,
// rings meeting at one point at most, a connected interior, and the
// polygons of a MultiPolygon not overlapping. It runs on the input
// coordinates, so the places it names are where the user's file has them.
// The datum shift moves neighbouring vertices alike (it varies by
// millimetres over a kilometre), so it does not change validity.
func (v *validator) valid(f *feature, polys []orb.Polygon, multi bool) bool {
	before := f.count()
	sfPolys := make([]geom.Polygon, 0, len(polys))
	for pi, p := range polys {
		ringsOK := true
		rings := make([]geom.LineString, len(p))
		for ri, r := range p {
			ref := ringRef{multi: multi, poly: pi, ring: ri}
			rings[ri] = sfLineString(r)
			if err := rings[ri].Validate(); err != nil {
				f.add(ref.path(), fmt.Sprintf("%s has fewer than two distinct positions", ref))
				ringsOK = false
			} else if !rings[ri].IsSimple() {
				f.add(ref.path(), fmt.Sprintf("%s crosses or touches itself (self-intersection)", ref))
				ringsOK = false
			}
		}
		if !ringsOK {
			continue
		}
		sp := geom.NewPolygon(rings)
		if err := sp.Validate(); err != nil {
			ref := ringRef{multi: multi, poly: pi}
			f.add(ref.polyPath(), polygonReason(err, p, ref))
			continue
		}
		sfPolys = append(sfPolys, sp)
	}
	if multi && f.count() == before {
		if err := geom.NewMultiPolygon(sfPolys).Validate(); err != nil {
			f.add("geometry.coordinates", "two of its polygons overlap or share an edge; they may touch at single points only"+near(err))
		}
	}
	return f.count() == before
}

// The rule texts simplefeatures puts in its validation errors. Its error
// type is unexported, so the text is all there is to go by; the tests pin
// each rule so a change in the library shows up there.
const (
	ruleHoleOutside    = "interior ring outside of exterior ring"
	ruleNestedRings    = "nested rings"
	ruleRingsMultiMeet = "rings intersect at multiple points"
	ruleDisconnected   = "disconnected interior"
)

// polygonReason turns a simplefeatures polygon error into words.
func polygonReason(err error, p orb.Polygon, ref ringRef) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, ruleHoleOutside):
		if at, ok := location(err); ok {
			for ri := 1; ri < len(p); ri++ {
				if p[ri][0] == at {
					ref.ring = ri
					return fmt.Sprintf("%s lies outside the outer ring", ref)
				}
			}
		}
		return "a hole lies outside the outer ring" + near(err)
	case strings.Contains(msg, ruleNestedRings):
		return "a hole lies inside another hole" + near(err)
	case strings.Contains(msg, ruleRingsMultiMeet):
		return "two of its rings cross or share an edge; rings may touch at one point only" + near(err)
	case strings.Contains(msg, ruleDisconnected):
		return "its holes cut the polygon into separate pieces" + near(err)
	}
	return "invalid polygon: " + msg
}

// locationPattern finds the "(at or near {x y})" simplefeatures appends.
var locationPattern = regexp.MustCompile(`at or near \{(\S+) (\S+)\}`)

func location(err error) (orb.Point, bool) {
	m := locationPattern.FindStringSubmatch(err.Error())
	if m == nil {
		return orb.Point{}, false
	}
	x, errX := strconv.ParseFloat(m[1], 64)
	y, errY := strconv.ParseFloat(m[2], 64)
	if errX != nil || errY != nil {
		return orb.Point{}, false
	}
	return orb.Point{x, y}, true
}

func near(err error) string {
	if p, ok := location(err); ok {
		return " near " + fmtPoint(p)
	}
	return ""
}

func sfLineString(r orb.Ring) geom.LineString {
	flat := make([]float64, 0, 2*len(r))
	for _, p := range r {
		flat = append(flat, p[0], p[1])
	}
	return geom.NewLineString(geom.NewSequence(flat, geom.DimXY))
}

// sfGeometry converts an orb polygon or multipolygon for simplefeatures.
func sfGeometry(g orb.Geometry) geom.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		return sfPolygon(g).AsGeometry()
	case orb.MultiPolygon:
		ps := make([]geom.Polygon, len(g))
		for i, p := range g {
			ps[i] = sfPolygon(p)
		}
		return geom.NewMultiPolygon(ps).AsGeometry()
	}
	return geom.Geometry{}
}

func sfPolygon(p orb.Polygon) geom.Polygon {
	rings := make([]geom.LineString, len(p))
	for i, r := range p {
		rings[i] = sfLineString(r)
	}
	return geom.NewPolygon(rings)
}
