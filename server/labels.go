package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	"github.com/peterstace/simplefeatures/geom"

	"github.com/gridpulse/gridpulse/area"
)

// labelLayers are the layers whose names the map writes once per area.
// Labels placed by the map from tile polygons repeat in every tile an
// area spans; one point per area does not.
var labelLayers = []area.Layer{area.Street, area.Community}

// labelDecimals rounds label points to about a centimetre, as the area
// files are.
const labelDecimals = 1e7

// labelPoints is one GeoJSON point per area of the label layers inside
// the area with code scope ("" for all), inside its area, with its code,
// name and layer.
func labelPoints(set *area.Set, scope string) (*geojson.FeatureCollection, error) {
	fc := geojson.NewFeatureCollection()
	for _, l := range labelLayers {
		for _, a := range set.Layer(l) {
			if !strings.HasPrefix(a.Code, scope) {
				continue
			}
			p, err := pointOnSurface(a.Geometry)
			if err != nil {
				return nil, fmt.Errorf("label for %s %s: %w", l, a.Code, err)
			}
			f := geojson.NewFeature(orb.Round(p, labelDecimals))
			f.Properties["code"] = a.Code
			f.Properties["name"] = a.Name
			f.Properties["layer"] = string(l)
			fc.Append(f)
		}
	}
	return fc, nil
}

// pointOnSurface is a point inside g, away from its edges where the
// shape allows (simplefeatures' interior point, as JTS computes it).
func pointOnSurface(g orb.Geometry) (orb.Point, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return orb.Point{}, err
	}
	sg, err := geom.UnmarshalWKB(b, geom.NoValidate{})
	if err != nil {
		return orb.Point{}, err
	}
	xy, ok := sg.PointOnSurface().XY()
	if !ok {
		return orb.Point{}, fmt.Errorf("empty geometry")
	}
	return orb.Point{xy.X, xy.Y}, nil
}

// getLabels answers GET /api/v1/labels: a GeoJSON FeatureCollection of
// label points for the streets and communities inside the caller's area.
func (s *Server) getLabels(c echo.Context) error {
	st, err := s.loaded()
	if err != nil {
		return err
	}
	v, err := st.view(principal(c).Area)
	if err != nil {
		return err
	}
	privateRevalidated(c)
	return c.JSONBlob(http.StatusOK, v.labels)
}
