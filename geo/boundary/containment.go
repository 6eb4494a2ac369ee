package boundary

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"
	"github.com/peterstace/simplefeatures/geom"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/crs"
)

// parentShape is a parent area prepared for containment checks, built
// once per parent and shared by all its children in the file.
type parentShape struct {
	wgs orb.Geometry
	sf  geom.Geometry
	// metric is the parent in metres on a local plane around its centre,
	// where orb/planar distances are metres.
	metric  orb.Geometry
	toPlane orb.Projection
}

func (v *validator) shape(p *area.Area) *parentShape {
	if s, ok := v.shapes[p.Code]; ok {
		return s
	}
	// A local equirectangular plane: metres per degree taken at the
	// parent's centre with orb/geo. Across a street-sized parent (tens of
	// kilometres) the scale drifts by well under 1%, a few centimetres on
	// a distance of metres.
	c := p.Bound().Center()
	perLon := geo.Distance(c, orb.Point{c[0] + 1, c[1]})
	perLat := geo.Distance(c, orb.Point{c[0], c[1] + 1})
	toPlane := func(q orb.Point) orb.Point {
		return orb.Point{(q[0] - c[0]) * perLon, (q[1] - c[1]) * perLat}
	}
	s := &parentShape{
		wgs:     p.Geometry,
		sf:      sfGeometry(p.Geometry),
		metric:  project.Geometry(orb.Clone(p.Geometry), toPlane),
		toPlane: toPlane,
	}
	v.shapes[p.Code] = s
	return s
}

// contain checks that the child (WGS-84) lies inside its parent, allowing
// it to stick out by up to the tolerance.
//
// simplefeatures cuts the parent out of the child exactly; what is left
// is the part outside. How far that part reaches is measured at its
// vertices — the child's own corners that stick out, where a sliver
// between two boundaries digitised apart is widest — and at one inner
// point of each piece left, which catches a child laid over a hole of its
// parent (every vertex of such a piece lies on the parent's boundary).
// Distances to the parent's boundary come from orb/planar on the local
// metric plane.
func (v *validator) contain(f *feature, child orb.Geometry, parent *area.Area) {
	s := v.shape(parent)
	if s.holdsBound(child.Bound()) {
		return
	}
	outside, err := geom.Difference(sfGeometry(child), s.sf)
	if err != nil {
		f.add("geometry", fmt.Sprintf("cannot be compared with its parent %s %s: %v", parent.Layer, parent.Code, err))
		return
	}
	if outside.IsEmpty() {
		return
	}
	var far orb.Point
	worst := -1.0
	measure := func(xy geom.XY) {
		q := orb.Point{xy.X, xy.Y}
		if d := planar.DistanceFrom(s.metric, s.toPlane(q)); d > worst {
			worst, far = d, q
		}
	}
	seq := outside.DumpCoordinates()
	for i := range seq.Length() {
		measure(seq.GetXY(i))
	}
	for _, piece := range outside.Dump() {
		if xy, ok := piece.PointOnSurface().XY(); ok {
			measure(xy)
		}
	}
	if worst > v.opt.ToleranceMeters {
		lon, lat := crs.FromWGS84(v.opt.CRS, far[0], far[1])
		f.add("geometry", fmt.Sprintf("sticks out of its parent %s %s by %.1f m near %s (tolerance %g m)",
			parent.Layer, parent.Code, worst, fmt.Sprintf("[%.6f, %.6f]", lon, lat), v.opt.ToleranceMeters))
	}
}

// holdsBound reports whether the box lies wholly inside the parent: no
// ring of the parent reaches into it (orb/clip finds none) and its centre
// is inside. Most children sit well inside their parent, and this spares
// them the exact overlay; a child on its parent's edge, like a grid that
// shares its community's boundary, takes the overlay.
func (s *parentShape) holdsBound(b orb.Bound) bool {
	if !s.wgs.Bound().Contains(b.Min) || !s.wgs.Bound().Contains(b.Max) {
		return false
	}
	var polys orb.MultiPolygon
	switch g := s.wgs.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, p := range polys {
		for _, r := range p {
			if r.Bound().Intersects(b) && len(clip.LineString(b, orb.LineString(r))) > 0 {
				return false
			}
		}
	}
	return planar.MultiPolygonContains(polys, b.Center())
}
