package seed

import (
	"math"

	"github.com/paulmach/orb"
)

// earthRadius is the WGS-84 semi-major axis in metres.
const earthRadius = 6378137.0

// frame maps a local plane in metres (x east, y north, origin at the
// centre) to lon/lat with an equirectangular projection. At district scale
// it distorts areas by well under a percent, and being affine it keeps
// convex shapes convex and contained shapes contained.
type frame struct {
	origin orb.Point // [lon, lat]
	mx, my float64   // metres per degree of longitude and latitude
}

func newFrame(origin orb.Point) frame {
	my := earthRadius * math.Pi / 180
	return frame{origin: origin, mx: my * math.Cos(origin[1]*math.Pi/180), my: my}
}

// lonLat converts a local point to [lon, lat].
func (f frame) lonLat(p orb.Point) orb.Point {
	return orb.Point{f.origin[0] + p[0]/f.mx, f.origin[1] + p[1]/f.my}
}

// local converts [lon, lat] to a local point.
func (f frame) local(p orb.Point) orb.Point {
	return orb.Point{(p[0] - f.origin[0]) * f.mx, (p[1] - f.origin[1]) * f.my}
}

// polygon converts a local convex polygon to a closed, counter-clockwise
// orb.Polygon in lon/lat.
func (f frame) polygon(p polygon) orb.Polygon {
	r := make(orb.Ring, 0, len(p)+1)
	for _, q := range p {
		r = append(r, f.lonLat(q))
	}
	r = append(r, r[0])
	return orb.Polygon{r}
}
