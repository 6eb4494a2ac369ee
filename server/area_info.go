package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// areaInfo is the answer of GET /api/v1/areas/{code}: where one area
// lies, so a map can fit it (a tablet scoped to a street) or search from
// its middle (the workers nearest a cell).
type areaInfo struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Layer  area.Layer `json:"layer"`
	Parent string     `json:"parent,omitempty"`
	Bounds [4]float64 `json:"bounds"` // west, south, east, north
	// Inside is a point inside the area, away from its edges.
	Inside [2]float64 `json:"inside"`
}

// getArea answers GET /api/v1/areas/{code} for an area of any layer
// inside the caller's area, or one of the areas holding it (a street
// leader's district frames the street, as its tiles outline it); 404 for
// a code no area has and, alike, for an area the caller may not see.
func (s *Server) getArea(c echo.Context) error {
	st, err := s.loaded()
	if err != nil {
		return err
	}
	code, who := c.Param("code"), principal(c)
	a := findArea(st.index.Areas(), code)
	if a == nil || !mayName(who, a.Code) {
		if !isDigits(code) || len(code) > area.BuildingCodeLen {
			return invalidField("code", "%q is not an area code (6 to %d digits)", code, area.BuildingCodeLen)
		}
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Field: "code", Message: notFoundIn(who.Area, "no area has the code %s", code)}
	}
	p, err := pointOnSurface(a.Geometry)
	if err != nil {
		return fmt.Errorf("area %s: %w", code, err)
	}
	p = orb.Round(p, labelDecimals).(orb.Point)
	b := a.Bound()
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.JSON(http.StatusOK, areaInfo{
		Code: a.Code, Name: a.Name, Layer: a.Layer, Parent: a.Parent,
		Bounds: [4]float64{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()},
		Inside: [2]float64{p.Lon(), p.Lat()},
	})
}

// findArea is the area of any layer with code, or nil. General and
// dedicated grids share a code length, so every layer of that length is
// tried.
func findArea(set *area.Set, code string) *area.Area {
	for _, l := range area.Layers {
		if area.CodeLen(l) != len(code) {
			continue
		}
		if a, ok := set.Get(l, code); ok {
			return a
		}
	}
	return nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
