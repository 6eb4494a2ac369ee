package server

import (
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/geo/crs"
)

// areaRef names one area in an answer.
type areaRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// locateAnswer is the answer of GET /api/v1/locate: the point in WGS-84
// and, per layer, the area that holds it or null.
type locateAnswer struct {
	Point [2]float64              `json:"point"`
	Areas map[area.Layer]*areaRef `json:"areas"`
}

// getLocate answers GET /api/v1/locate?lon=&lat=[&crs=wgs84|gcj02|bd09]
// with every area holding the point, from the district down, as far as
// the caller may see them: an area outside the caller's area (and not
// one of those holding it) is null, as for a point outside every area.
// A point in a neighbouring street thus names the district to its leader,
// and nothing below.
func (s *Server) getLocate(c echo.Context) error {
	q := c.QueryParams()
	datum, err := crs.Parse(q.Get("crs"))
	if err != nil {
		return invalidField("crs", "%s", err.Error())
	}
	lon, err := coordinate(q, "lon", 180)
	if err != nil {
		return err
	}
	lat, err := coordinate(q, "lat", 90)
	if err != nil {
		return err
	}
	st, err := s.loaded()
	if err != nil {
		return err
	}
	p := principal(c)
	lon, lat = crs.ToWGS84(datum, lon, lat)
	chain := st.index.Locate(lon, lat)
	set := st.index.Areas()

	ans := locateAnswer{Point: [2]float64{lon, lat}, Areas: map[area.Layer]*areaRef{}}
	for l, a := range map[area.Layer]*area.Area{
		area.Street: chain.Street, area.Community: chain.Community, area.Compound: chain.Compound,
		area.Building: chain.Building, area.GeneralGrid: chain.GeneralGrid, area.MicroGrid: chain.MicroGrid,
		area.DedicatedGrid: chain.DedicatedGrid,
	} {
		ans.Areas[l] = ref(p, a)
	}
	// The chain stops at the street; its parent is the district.
	ans.Areas[area.District] = nil
	if chain.Street != nil {
		if d, ok := set.Get(area.District, chain.Street.Parent); ok {
			ans.Areas[area.District] = ref(p, d)
		}
	}
	return c.JSON(http.StatusOK, ans)
}

// ref names area a to p, or is nil when there is none or p may not see
// it.
func ref(p auth.Principal, a *area.Area) *areaRef {
	if a == nil || !mayName(p, a.Code) {
		return nil
	}
	return &areaRef{Code: a.Code, Name: a.Name}
}

// coordinate reads a required decimal-degree query parameter within
// ±limit.
func coordinate(q map[string][]string, name string, limit float64) (float64, error) {
	vs := q[name]
	if len(vs) == 0 || vs[0] == "" {
		return 0, invalidField(name, "%s is required", name)
	}
	if len(vs) > 1 {
		return 0, invalidField(name, "%s is given %d times", name, len(vs))
	}
	v, err := strconv.ParseFloat(vs[0], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, invalidField(name, "%s %q is not a number", name, vs[0])
	}
	if v < -limit || v > limit {
		return 0, invalidField(name, "%s %g is out of range -%g..%g", name, v, limit, limit)
	}
	return v, nil
}
