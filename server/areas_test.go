package server

import (
	"encoding/json"
	"net/http"
	"testing"

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
