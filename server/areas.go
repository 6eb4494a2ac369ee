package server

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/tile"
)

// tilePath is the tile URL template the layers document hands to maps.
const tilePath = "/tiles/{z}/{x}/{y}.mvt"

// areaState is what the area routes read: the index, the renderer and
// each scope's view of them, swapped in together.
type areaState struct {
	index *geo.Index
	tiles *tile.Renderer

	mu    sync.Mutex
	views map[string]*areaView // by scope; "" is the whole set
}

// areaView is what the layers and labels routes answer a caller limited
// to one area: the layers document and the labels of that area.
type areaView struct {
	layers layersDoc
	labels []byte // GeoJSON of labelPoints
}

// maxAreaViews bounds the scopes whose views are kept. Scopes are the
// areas of configured users, so this is a guard, not a working limit:
// past it a view is made for each request.
const maxAreaViews = 1024

// layersDoc is the answer of GET /api/v1/layers: the tile layers with
// their zoom ranges and sizes, and where the caller's area lies, so a map
// can build its style and fit the area.
type layersDoc struct {
	Name    string      `json:"name"`
	Bounds  [4]float64  `json:"bounds"` // west, south, east, north
	Center  [2]float64  `json:"center"` // lon, lat
	MinZoom uint32      `json:"minzoom"`
	MaxZoom uint32      `json:"maxzoom"`
	Tiles   string      `json:"tiles"`
	Layers  []layerInfo `json:"layers"`
}

// layerInfo is one tile layer. Count is how many of its areas the
// caller's tiles hold: those inside the caller's area and its ancestors'
// outlines.
type layerInfo struct {
	Layer   area.Layer `json:"layer"`
	MinZoom uint32     `json:"minzoom"`
	MaxZoom uint32     `json:"maxzoom"`
	Count   int        `json:"count"`
}

func newAreaState(a Areas) (*areaState, error) {
	st := &areaState{index: a.Index, tiles: a.Tiles, views: map[string]*areaView{}}
	// The whole set's view is made now, so that an area without a label
	// point fails SetAreas rather than a request.
	v, err := st.newView("")
	if err != nil {
		return nil, err
	}
	st.views[""] = v
	return st, nil
}

// view is what a caller limited to the area with code scope ("" for
// none) sees of the layers and labels.
func (st *areaState) view(scope string) (*areaView, error) {
	st.mu.Lock()
	v, ok := st.views[scope]
	st.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := st.newView(scope)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	if len(st.views) < maxAreaViews {
		st.views[scope] = v
	}
	st.mu.Unlock()
	return v, nil
}

// newView makes the view of scope: the layers its tiles carry and how
// many areas of each, its own name and bounds (the district's, or a
// city's districts', for no scope), and the labels of the streets and
// communities inside it.
func (st *areaState) newView(scope string) (*areaView, error) {
	set := st.index.Areas()
	doc := layersDoc{MinZoom: tile.MaxZoom, MaxZoom: tile.MaxZoom, Tiles: tilePath, Layers: []layerInfo{}}
	for _, lr := range st.tiles.Layers() {
		n := set.Count(lr.Layer)
		if scope != "" {
			n = 0
			for _, a := range set.Layer(lr.Layer) {
				if tile.Shows(scope, a.Code) {
					n++
				}
			}
		}
		doc.Layers = append(doc.Layers, layerInfo{Layer: lr.Layer, MinZoom: lr.MinZoom, MaxZoom: lr.MaxZoom, Count: n})
		doc.MinZoom = min(doc.MinZoom, lr.MinZoom)
	}
	top := topAreas(set)
	if scope != "" {
		top = nil
		if a := findArea(set, scope); a != nil {
			top = []*area.Area{a}
		}
	}
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
	labels, err := labelPoints(set, scope)
	if err != nil {
		return nil, err
	}
	labelsJSON, err := labels.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode labels: %w", err)
	}
	return &areaView{layers: doc, labels: labelsJSON}, nil
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

// getLayers answers GET /api/v1/layers for the caller's area: a street
// leader's document names and fits their street and counts the areas
// their tiles hold.
func (s *Server) getLayers(c echo.Context) error {
	st, err := s.loaded()
	if err != nil {
		return err
	}
	v, err := st.view(principal(c).Area)
	if err != nil {
		return err
	}
	privateRevalidated(c)
	return c.JSON(http.StatusOK, v.layers)
}

// privateRevalidated marks an answer that depends on the caller: no
// shared cache may keep it, and a browser asks again each time.
func privateRevalidated(c echo.Context) {
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "private, no-cache")
	h.Add(echo.HeaderVary, echo.HeaderAuthorization)
}
