package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/tile"
)

func TestLayersDocument(t *testing.T) {
	s := newTestServer(t, true)
	rec := do(t, s, http.MethodGet, "/api/v1/layers", nil, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d; body %s", rec.Code, rec.Body)
	}
	var doc layersDoc
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Name != "双流区" {
		t.Errorf("name = %q, want the district's", doc.Name)
	}
	if want := [4]float64{103.90, 30.55, 103.96, 30.60}; doc.Bounds != want {
		t.Errorf("bounds = %v, want the district's %v", doc.Bounds, want)
	}
	if doc.Center[0] <= doc.Bounds[0] || doc.Center[0] >= doc.Bounds[2] || doc.Center[1] <= doc.Bounds[1] || doc.Center[1] >= doc.Bounds[3] {
		t.Errorf("center %v is outside bounds %v", doc.Center, doc.Bounds)
	}
	if doc.Tiles != "/tiles/{z}/{x}/{y}.mvt" || doc.MaxZoom != tile.MaxZoom {
		t.Errorf("tiles = %q maxzoom %d", doc.Tiles, doc.MaxZoom)
	}
	counts := map[area.Layer]int{}
	for _, l := range doc.Layers {
		counts[l.Layer] = l.Count
		if l.MinZoom > l.MaxZoom || l.MaxZoom > tile.MaxZoom || l.MinZoom < doc.MinZoom {
			t.Errorf("layer %s zooms %d..%d do not fit %d..%d", l.Layer, l.MinZoom, l.MaxZoom, doc.MinZoom, doc.MaxZoom)
		}
	}
	for l, want := range map[area.Layer]int{area.District: 1, area.Street: 1, area.Community: 1, area.Compound: 3, area.MicroGrid: 0} {
		if got, ok := counts[l]; !ok || got != want {
			t.Errorf("layer %s count = %d (listed %v), want %d", l, got, ok, want)
		}
	}
}

func TestLabelsArePointsInsideTheirAreas(t *testing.T) {
	s := newTestServer(t, true)
	rec := do(t, s, http.MethodGet, "/api/v1/labels", nil, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d; body %s", rec.Code, rec.Body)
	}
	fc, err := geojson.UnmarshalFeatureCollection(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	set := testAreas(t).Index.Areas()
	seen := map[area.Layer]int{}
	for _, f := range fc.Features {
		l := area.Layer(f.Properties.MustString("layer"))
		a, ok := set.Get(l, f.Properties.MustString("code"))
		if !ok {
			t.Errorf("label for unknown %s %v", l, f.Properties["code"])
			continue
		}
		seen[l]++
		p, ok := f.Geometry.(orb.Point)
		if !ok || !planar.PolygonContains(a.Geometry.(orb.Polygon), p) {
			t.Errorf("label %v of %s %s is not a point inside it", f.Geometry, l, a.Code)
		}
		if f.Properties.MustString("name") != a.Name {
			t.Errorf("label of %s %s reads %v, want %q", l, a.Code, f.Properties["name"], a.Name)
		}
	}
	if seen[area.Street] != 1 || seen[area.Community] != 1 || len(seen) != 2 {
		t.Errorf("labels per layer = %v, want one street and one community", seen)
	}
}

func TestPointOnSurfaceOfAConcaveShape(t *testing.T) {
	// A U shape whose centroid lies in the gap between its arms.
	u := orb.Polygon{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}}
	if c, _ := planar.CentroidArea(u); planar.PolygonContains(u, c) {
		t.Fatalf("test shape's centroid %v is inside it; the test would prove nothing", c)
	}
	p, err := pointOnSurface(u)
	if err != nil {
		t.Fatal(err)
	}
	if !planar.PolygonContains(u, p) {
		t.Errorf("point %v is not inside the U", p)
	}
	two := orb.MultiPolygon{u, rect(10, 10, 11, 11)}
	if p, err := pointOnSurface(two); err != nil || !planar.MultiPolygonContains(two, p) {
		t.Errorf("multipolygon point %v (%v) is not inside it", p, err)
	}
}
