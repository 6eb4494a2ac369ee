package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/boundary"
	"github.com/gridpulse/gridpulse/geo/crs"
)

func fixture(name string) string {
	return filepath.Join("..", "..", "geo", "boundary", "testdata", name)
}

func sq(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// importDataDir holds a district, a street and a community (103.91..103.93 E,
// 30.56..30.58 N) in <dir>/areas.
func importDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s := area.NewSet()
	s.Add(&area.Area{Code: "510116", Layer: area.District, Geometry: sq(103.8, 30.4, 104.0, 30.7)})
	s.Add(&area.Area{Code: "510116001", Layer: area.Street, Parent: "510116", Geometry: sq(103.90, 30.55, 103.94, 30.59)})
	s.Add(&area.Area{Code: "510116001001", Layer: area.Community, Parent: "510116001", Geometry: sq(103.91, 30.56, 103.93, 30.58)})
	if err := area.WriteDir(filepath.Join(dir, "areas"), s); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestImport(t *testing.T) {
	tests := []struct {
		name          string
		file          string
		opt           boundary.Options
		wantErr       string
		wantOut       []string
		wantCompounds int
	}{
		{
			name: "bad features, nothing imported", file: "mixed.geojson",
			wantErr: "nothing imported: 11 bad features",
			wantOut: []string{
				"feature 1 (code 5101160010010021): geometry.coordinates[0]: outer ring is not closed",
				"feature 3 (code 51011600100100x3): properties.code: ",
				"feature 12 (code 5101160010010032): geometry.coordinates[0]: outer ring has 3 positions",
				"13 features, 2 good, 11 bad (11 problems)",
			},
		},
		{
			name: "bad features skipped", file: "mixed.geojson", opt: boundary.Options{SkipInvalid: true},
			wantOut:       []string{"13 features, 2 good, 11 bad", "imported 2 compound areas", "skipped 11 bad"},
			wantCompounds: 2,
		},
		{
			name: "gcj02", file: "gcj02.geojson", opt: boundary.Options{CRS: crs.GCJ02},
			wantOut:       []string{"imported 1 compound areas"},
			wantCompounds: 1,
		},
		{name: "malformed", file: "malformed.geojson", wantErr: "line 3, column 81"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := importDataDir(t)
			tt.opt.Layer = area.Compound
			var out bytes.Buffer
			err := importRun{file: fixture(tt.file), dataDir: dir, opt: tt.opt}.do(context.Background(), &out)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			set, err := area.ReadDir(filepath.Join(dir, "areas"))
			if err != nil {
				t.Fatal(err)
			}
			if n := set.Count(area.Compound); n != tt.wantCompounds {
				t.Errorf("%d compounds in the data, want %d", n, tt.wantCompounds)
			}
		})
	}
}

func TestImportNeedsParentData(t *testing.T) {
	dir := t.TempDir()
	err := importRun{file: fixture("valid_polygon.geojson"), dataDir: dir, opt: boundary.Options{Layer: area.Compound}}.do(context.Background(), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "import the community layer first") {
		t.Errorf("error = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "areas")); !os.IsNotExist(err) {
		t.Errorf("areas directory created by a failed import")
	}
}

func TestImportFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--layer", "compound"}, "want one GeoJSON file, got 0"},
		{[]string{"--layer", "compound", "a.geojson", "b.geojson"}, "got 2"},
		{[]string{"a.geojson"}, "--layer: unknown layer"},
		{[]string{"--layer", "compound", "--crs", "mars", "a.geojson"}, "--crs: unknown coordinate system"},
		{[]string{"a.geojson", "--layer", "compound", "--tolerance", "-1"}, "--tolerance must not be negative"},
		{[]string{"--layer", "compound", "--data", "/nonexistent-dir", "a.geojson"}, "no area data"},
	}
	for _, tt := range tests {
		err := runImport(context.Background(), tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("runImport(%q) = %v, want an error with %q", tt.args, err, tt.want)
		}
	}
}
