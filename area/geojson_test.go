package area

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// square is a clockwise (wrongly wound) ring around (x, y), so the writer
// has to fix its orientation.
func square(x, y, d float64) orb.Ring {
	return orb.Ring{{x, y}, {x, y + d}, {x + d, y + d}, {x + d, y}, {x, y}}
}

func TestWriteDirReadDirRoundTrip(t *testing.T) {
	set := NewSet()
	set.Add(&Area{Code: "510116", Name: "双流区", Layer: District,
		Geometry: orb.Polygon{square(103.8, 30.5, 0.2)}})
	set.Add(&Area{Code: "510116001", Name: "东升街道", Layer: Street, Parent: "510116",
		Geometry: orb.Polygon{square(103.8, 30.5, 0.1), square(103.82, 30.52, 0.01)},
		Props:    map[string]any{"kind": "街道", "households": 1200.0}})
	set.Add(&Area{Code: "510116002", Name: "彭镇", Layer: Street, Parent: "510116",
		Geometry: orb.MultiPolygon{{square(103.9, 30.5, 0.05)}, {square(103.95, 30.6, 0.05)}}})

	dir := t.TempDir()
	if err := WriteDir(dir, set); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Layers {
		if got.Count(l) != set.Count(l) {
			t.Errorf("layer %s: read %d areas, wrote %d", l, got.Count(l), set.Count(l))
		}
	}
	street, ok := got.Get(Street, "510116001")
	if !ok {
		t.Fatal("street 510116001 missing after the round trip")
	}
	if street.Name != "东升街道" || street.Parent != "510116" || street.Props["kind"] != "街道" || street.Props["households"] != 1200.0 {
		t.Errorf("street read back as %+v", street)
	}
	poly := street.Geometry.(orb.Polygon)
	if poly[0].Orientation() != orb.CCW || poly[1].Orientation() != orb.CW {
		t.Error("rings not wound as RFC 7946 asks: exterior CCW, holes CW")
	}
	if _, ok := got.Get(Street, "510116002"); !ok {
		t.Error("multipolygon street missing")
	}
	if kids := got.Children(Street, "510116"); len(kids) != 2 || kids[0].Code != "510116001" {
		t.Errorf("Children = %v", kids)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, ".*")); len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

func TestReadLayerRejects(t *testing.T) {
	tests := []struct {
		name string
		json string
	}{
		{"not json", `{"type":`},
		{"point geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"code":"510116001"}}]}`},
		{"no code", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{}}]}`},
		{"null feature", `{"type":"FeatureCollection","features":[null]}`},
		{"empty ring", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[]]},"properties":{"code":"510116001"}}]}`},
		{"polygon without rings", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[]]},"properties":{"code":"510116001"}}]}`},
		{"no polygons", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]},"properties":{"code":"510116001"}}]}`},
		{"null code", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{"code":null}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ReadLayer(bytes.NewBufferString(tt.json), Street); err == nil {
				t.Fatal("ReadLayer accepted bad input")
			}
		})
	}
}

func TestFacilitiesRoundTrip(t *testing.T) {
	in := []*Facility{{ID: "EL-1", Kind: "elevator", Compound: "5101160010010001",
		Point: orb.Point{103.91, 30.56}, Props: map[string]any{"building": "5101160010010001001"}}}
	var buf bytes.Buffer
	if err := WriteFacilities(&buf, in); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatal("facilities file is not JSON")
	}
	out, err := ReadFacilities(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].ID != "EL-1" || out[0].Kind != "elevator" || out[0].Compound != in[0].Compound ||
		out[0].Point != in[0].Point || out[0].Props["building"] != "5101160010010001001" {
		t.Fatalf("read back %+v", out[0])
	}
}

func TestReadDirMissing(t *testing.T) {
	if _, err := ReadDir(filepath.Join(t.TempDir(), "absent")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadDir of a missing dir: %v, want a not-exist error", err)
	}
}
