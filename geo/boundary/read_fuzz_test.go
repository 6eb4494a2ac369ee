package boundary

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/crs"
)

// fuzzLayers are the layers whose parents testParents holds, so every
// check of Read, containment included, is reached.
var fuzzLayers = []area.Layer{area.District, area.Street, area.Community, area.Compound, area.GeneralGrid, area.DedicatedGrid}

var fuzzCRS = []crs.CRS{crs.WGS84, crs.GCJ02, crs.BD09}

// FuzzRead feeds Read, what `gridpulse import` runs, arbitrary GeoJSON
// files for the layers under testParents, in each datum, with and without
// --skip-invalid. Whatever the file:
//   - nothing panics;
//   - a file that cannot be read at all is a *SyntaxError placed in it;
//   - every problem names a feature of the file and a field of it, and
//     gives a reason; the bad features counted are those with problems;
//   - nothing is imported when a feature is bad, unless bad ones are
//     skipped, and then every good feature is;
//   - every area to import has a valid code of the layer, its parent, and
//     a polygon of WGS-84 positions wound as RFC 7946 asks, and the layer
//     written with area.WriteLayer reads back with the same codes.
//
// The seed corpus is testdata/*.geojson, testdata/fuzz/FuzzRead and below;
// `go test` runs it.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.geojson"))
	if err != nil {
		f.Fatal(err)
	}
	for i, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(3), uint8(i), i%2 == 0) // the fixtures are compounds
	}
	for _, seed := range []string{
		`{"type":"Feature","properties":{"code":"510116001001001"},"geometry":{"type":"Polygon","coordinates":[[[103.915,30.565],[103.918,30.565],[103.918,30.568],[103.915,30.565]]]}}`,
		`{"type":"FeatureCollection","features":[null,{"type":"Feature"},{"type":"Feature","properties":{"code":510116001002},"geometry":{"type":"Polygon","coordinates":"x"}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"510116001002"},"geometry":{"type":"MultiPolygon","coordinates":[[[[103.91,30.56],[103.92,30.56],[103.92,30.57],[103.91,30.56]]],[[[103.91,30.56],[103.92,30.56],[103.92,30.57],[103.91,30.56]]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"510116001001501","layer":"grid_general"},"geometry":{"type":"Polygon","coordinates":[[[103.915,30.565,12],[103.918,30.565],[1e999,30.568],[103.915,30.565]]]}}]}`,
		`{"type":"GeometryCollection"}`,
		`{"features":[]}`,
		`[`,
	} {
		f.Add([]byte(seed), uint8(len(seed)), uint8(0), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, layer, datum uint8, skip bool) {
		opt := Options{Layer: fuzzLayers[int(layer)%len(fuzzLayers)], CRS: fuzzCRS[int(datum)%len(fuzzCRS)], SkipInvalid: skip}
		res, err := Read(context.Background(), bytes.NewReader(data), testParents(), opt)
		if err != nil {
			var syn *SyntaxError
			if !errors.As(err, &syn) || syn.Line < 1 || syn.Column < 1 || syn.Offset < 0 || syn.Offset > int64(len(data)) || syn.Msg == "" {
				t.Fatalf("error %v (%T) is not a SyntaxError placed in the file", err, err)
			}
			return
		}
		checkProblemsNameFields(t, res)
		switch {
		case res.Bad > 0 && !skip && len(res.Areas) > 0:
			t.Fatalf("%d bad features, yet %d areas to import", res.Bad, len(res.Areas))
		case (res.Bad == 0 || skip) && len(res.Areas) != res.Features-res.Bad:
			t.Fatalf("%d features, %d bad, but %d areas to import", res.Features, res.Bad, len(res.Areas))
		case skip && res.Skipped != res.Bad:
			t.Fatalf("%d bad features, %d skipped", res.Bad, res.Skipped)
		}
		for _, a := range res.Areas {
			checkImportedArea(t, opt.Layer, a)
		}
		var buf bytes.Buffer
		if err := area.WriteLayer(&buf, res.Areas); err != nil {
			t.Fatalf("areas to import do not write: %v", err)
		}
		again, err := area.ReadLayer(&buf, opt.Layer)
		if err != nil || len(again) != len(res.Areas) {
			t.Fatalf("areas to import read back as %d areas, error %v", len(again), err)
		}
		for i, a := range again {
			if a.Code != res.Areas[i].Code {
				t.Fatalf("area %s read back as %s", res.Areas[i].Code, a.Code)
			}
		}
	})
}

func checkProblemsNameFields(t *testing.T, res Result) {
	t.Helper()
	if res.Bad < 0 || res.Bad > res.Features {
		t.Fatalf("%d bad of %d features", res.Bad, res.Features)
	}
	bad := map[int]bool{}
	last := -1
	for _, p := range res.Problems {
		if p.Index < 0 || p.Index >= res.Features || p.Index < last {
			t.Fatalf("problem %s names feature %d of %d, out of order", p, p.Index, res.Features)
		}
		if p.Field == "" || p.Reason == "" {
			t.Fatalf("problem %s names no field or gives no reason", p)
		}
		if !strings.HasPrefix(p.String(), "feature ") {
			t.Fatalf("problem %q does not start with its feature", p)
		}
		bad[p.Index], last = true, p.Index
	}
	if len(bad) != res.Bad {
		t.Fatalf("%d features have problems, %d counted bad", len(bad), res.Bad)
	}
}

func checkImportedArea(t *testing.T, l area.Layer, a *area.Area) {
	t.Helper()
	if a.Layer != l {
		t.Fatalf("area %s of layer %s in an import of %s", a.Code, a.Layer, l)
	}
	if err := area.ValidateCode(l, a.Code, a.Parent); err != nil {
		t.Fatalf("area to import: %v", err)
	}
	if l != area.District && a.Parent == "" {
		t.Fatalf("area %s has no parent", a.Code)
	}
	var polys []orb.Polygon
	switch g := a.Geometry.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		t.Fatalf("area %s has geometry %T", a.Code, a.Geometry)
	}
	for _, p := range polys {
		for ri, r := range p {
			if len(r) < minRingPositions || r[0] != r[len(r)-1] {
				t.Fatalf("area %s has an open or short ring %v", a.Code, r)
			}
			want := orb.CCW
			if ri > 0 {
				want = orb.CW
			}
			if r.Orientation() != want {
				t.Fatalf("area %s: ring %d is wound %v", a.Code, ri, r.Orientation())
			}
			for _, pt := range r {
				if !(pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90) {
					t.Fatalf("area %s has position %v outside WGS-84's ranges", a.Code, pt)
				}
			}
		}
	}
}
