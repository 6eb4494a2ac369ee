package loadtest

import (
	"errors"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
)

// district is where the load happens: the shapes events are placed in and
// viewports are centred on.
type district struct {
	// incidents are where orders and alarms happen: compounds when the
	// district has them (appeals and sensors are in compounds).
	incidents []*shape
	// beats are where patrol workers walk and where viewports are
	// centred: micro grids when there are some. Grids are smaller where
	// more people live, so both follow the population.
	beats []*shape
}

// shape is one area's outline with its bound, for sampling points.
type shape struct {
	geom  orb.Geometry
	bound orb.Bound
}

func newShape(a *area.Area) *shape { return &shape{geom: a.Geometry, bound: a.Geometry.Bound()} }

func (s *shape) contains(p orb.Point) bool {
	if !s.bound.Contains(p) {
		return false
	}
	switch g := s.geom.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

// randomPoint is a point inside the shape, rounded to 1e-7 degrees (about
// a centimetre) so that it survives a JSON round trip unchanged; ok is
// false for a shape too thin to hit.
func (s *shape) randomPoint(r *rand.Rand) (orb.Point, bool) {
	for range 64 {
		p := roundPoint(orb.Point{
			s.bound.Min[0] + r.Float64()*(s.bound.Max[0]-s.bound.Min[0]),
			s.bound.Min[1] + r.Float64()*(s.bound.Max[1]-s.bound.Min[1]),
		})
		if s.contains(p) {
			return p, true
		}
	}
	return orb.Point{}, false
}

func roundPoint(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*1e7) / 1e7, math.Round(p[1]*1e7) / 1e7}
}

func newDistrict(set *area.Set) (*district, error) {
	pick := func(prefs ...area.Layer) []*shape {
		for _, l := range prefs {
			if areas := set.Layer(l); len(areas) > 0 {
				out := make([]*shape, 0, len(areas))
				for _, a := range areas {
					if a.Geometry != nil {
						out = append(out, newShape(a))
					}
				}
				if len(out) > 0 {
					return out
				}
			}
		}
		return nil
	}
	d := &district{
		incidents: pick(area.Compound, area.MicroGrid, area.GeneralGrid, area.Community, area.Street),
		beats:     pick(area.MicroGrid, area.GeneralGrid, area.Community, area.Street),
	}
	if d.incidents == nil || d.beats == nil {
		return nil, errors.New("the areas hold no streets, communities, grids or compounds to place events in")
	}
	return d, nil
}

// incidentPoint is a random place for an order or alarm.
func (d *district) incidentPoint(r *rand.Rand) orb.Point { return pointIn(r, d.incidents) }

// beat is a random patrol beat and a starting point in it.
func (d *district) beat(r *rand.Rand) (*shape, orb.Point) {
	for {
		s := d.beats[r.IntN(len(d.beats))]
		if p, ok := s.randomPoint(r); ok {
			return s, p
		}
	}
}

func pointIn(r *rand.Rand, shapes []*shape) orb.Point {
	for {
		if p, ok := shapes[r.IntN(len(shapes))].randomPoint(r); ok {
			return p
		}
	}
}

// Metres per degree of latitude, and of longitude at the equator.
const (
	metresPerDegLat = 110_574.0
	metresPerDegLon = 111_320.0
)

// viewport is a tablet's view: widthKm across, three quarters as high,
// centred on a random place of the district, rounded outwards to 1e-6
// degrees.
func (d *district) viewport(r *rand.Rand, widthKm float64) orb.Bound {
	c := pointIn(r, d.beats)
	halfLon := widthKm * 1000 / 2 / (metresPerDegLon * math.Cos(c[1]*math.Pi/180))
	halfLat := widthKm * 0.75 * 1000 / 2 / metresPerDegLat
	return orb.Bound{
		Min: orb.Point{math.Floor((c[0]-halfLon)*1e6) / 1e6, math.Floor((c[1]-halfLat)*1e6) / 1e6},
		Max: orb.Point{math.Ceil((c[0]+halfLon)*1e6) / 1e6, math.Ceil((c[1]+halfLat)*1e6) / 1e6},
	}
}
