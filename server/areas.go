package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/tile"
)

// tilePath is the tile URL template the layers document hands to maps.
const tilePath = "/tiles/{z}/{x}/{y}.mvt"

// areaState is what the area routes read: the index, the renderer and the
// layers document, swapped in together.
type areaState struct {
	index  *geo.Index
	tiles  *tile.Renderer
	layers layersDoc
	labels []byte // GeoJSON of labelPoints
}

// layersDoc is the answer of GET /api/v1/layers: the tile layers with
// their zoom ranges and sizes, and where the district lies, so a map can
// build its style and fit the district.
type layersDoc struct {
	Name    string      `json:"name"`
	Bounds  [4]float64  `json:"bounds"` // west, south, east, north
	Center  [2]float64  `json:"center"` // lon, lat
	MinZoom uint32      `json:"minzoom"`
	MaxZoom uint32      `json:"maxzoom"`
	Tiles   string      `json:"tiles"`
	Layers  []layerInfo `json:"layers"`
}

type layerInfo struct {
	Layer   area.Layer `json:"layer"`
	MinZoom uint32     `json:"minzoom"`
	MaxZoom uint32     `json:"maxzoom"`
	Count   int        `json:"count"`
}

func newAreaState(a Areas) (*areaState, error) {
	set := a.Index.Areas()
	doc := layersDoc{MinZoom: tile.MaxZoom, MaxZoom: tile.MaxZoom, Tiles: tilePath, Layers: []layerInfo{}}
	for _, lr := range a.Tiles.Layers() {
		doc.Layers = append(doc.Layers, layerInfo{Layer: lr.Layer, MinZoom: lr.MinZoom, MaxZoom: lr.MaxZoom, Count: set.Count(lr.Layer)})
		doc.MinZoom = min(doc.MinZoom, lr.MinZoom)
	}
	top := topAreas(set)
	names := make([]string, 0, len(top))
	var b orb.Bound
	for i, x := range top {
		names = append(names, x.Name)
		if i == 0 {
			b = x.Bound()
		} else {
			b = b.Union(x.Bound())
		}
	}
	if len(top) == 0 {
		// Nothing to fit: show the world.
		b = orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}
	}
	doc.Name = strings.Join(names, "、")
	doc.Bounds = [4]float64{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()}
	c := b.Center()
	doc.Center = [2]float64{c.Lon(), c.Lat()}
	labels, err := labelPoints(set)
	if err != nil {
		return nil, err
	}
	labelsJSON, err := labels.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode labels: %w", err)
	}
	return &areaState{index: a.Index, tiles: a.Tiles, layers: doc, labels: labelsJSON}, nil
}

// topAreas is the outermost layer that has areas: the district (or a
// city's districts), or the streets of an import without a district.
func topAreas(set *area.Set) []*area.Area {
	for _, l := range area.Layers {
		if as := set.Layer(l); len(as) > 0 {
			return as
		}
	}
	return nil
}

// errNotReady answers the area routes while the areas are loading.
var errNotReady = &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: "the areas are still loading"}

// loaded is the current area state, or errNotReady.
func (s *Server) loaded() (*areaState, error) {
	st := s.areas.Load()
	if st == nil {
		return nil, errNotReady
	}
	return st, nil
}

// getLayers answers GET /api/v1/layers.
func (s *Server) getLayers(c echo.Context) error {
	st, err := s.loaded()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.JSON(http.StatusOK, st.layers)
}
