package area

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
)

// readLayerError is the shape of every ReadLayer error: the file does not
// parse, or one feature, named by its index, is wrong.
var readLayerError = regexp.MustCompile(`^(parse community: |community feature (\d+): )`)

// FuzzReadLayer feeds ReadLayer arbitrary layer files. Whatever the file:
//   - nothing panics;
//   - an error says the file does not parse, or names the feature at
//     fault by an index that is in the file;
//   - every area read has the layer, a code and a polygonal geometry, and
//     no reserved property reads as "<nil>";
//   - the areas, written with WriteLayer, read back as the same codes,
//     names and parents. (FromFeature checks only what it needs to build
//     an area; coordinates are checked by the import, geo/boundary, so
//     files with positions outside WGS-84's ranges are not written back.)
//
// The seed corpus is in testdata/fuzz/FuzzReadLayer and below; `go test`
// runs it.
func FuzzReadLayer(f *testing.F) {
	for _, seed := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"510116001001","name":"棠湖社区","parent":"510116001","households":1200},"geometry":{"type":"Polygon","coordinates":[[[103.91,30.56],[103.93,30.56],[103.93,30.58],[103.91,30.58],[103.91,30.56]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","id":"510116001002","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[103.9,30.5],[104,30.5],[104,30.6],[103.9,30.5]]],[[[104.1,30.5],[104.2,30.5],[104.2,30.6],[104.1,30.5]]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":510116001003},"geometry":{"type":"Polygon","coordinates":[]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"no code"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"x"},"geometry":{"type":"Point","coordinates":[103.9,30.5]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"x"},"geometry":null}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"x"},"geometry":{"type":"Polygon","coordinates":[[[1]]]}}]}`,
		`{"type":"FeatureCollection","features":[null]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":null,"name":null,"parent":null},"id":"510116001004","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"x"},"geometry":{"type":"Polygon","coordinates":[[[1e302,0],[1,0],[1,1],[1e302,0]]]}}]}`,
		`{"type":"Feature"}`,
		`{"type":"FeatureCollection","features":[`,
		`[]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		areas, err := ReadLayer(bytes.NewReader(data), Community)
		if err != nil {
			m := readLayerError.FindStringSubmatch(err.Error())
			if m == nil {
				t.Fatalf("error %q neither says the file does not parse nor names a feature", err)
			}
			if m[2] != "" && !featureInFile(t, data, m[2]) {
				t.Fatalf("error %q names a feature the file does not have", err)
			}
			return
		}
		for _, a := range areas {
			if a.Layer != Community || a.Code == "" {
				t.Fatalf("read area %+v without the layer or a code", a)
			}
			switch a.Geometry.(type) {
			case orb.Polygon, orb.MultiPolygon:
			default:
				t.Fatalf("read area %s with geometry %T", a.Code, a.Geometry)
			}
			if a.Code == "<nil>" || a.Name == "<nil>" || a.Parent == "<nil>" {
				t.Fatalf("read area %+v with a null property as <nil>", a)
			}
			if b := a.Geometry.Bound(); b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
				return
			}
		}
		var buf bytes.Buffer
		if err := WriteLayer(&buf, areas); err != nil {
			t.Fatalf("areas read do not write: %v", err)
		}
		again, err := ReadLayer(&buf, Community)
		if err != nil {
			t.Fatalf("areas written do not read back: %v\n%s", err, buf.Bytes())
		}
		if len(again) != len(areas) {
			t.Fatalf("%d areas written, %d read back", len(areas), len(again))
		}
		for i, a := range areas {
			b := again[i]
			if a.Code != b.Code || a.Name != b.Name || a.Parent != b.Parent {
				t.Fatalf("area %q %q %q read back as %q %q %q", a.Code, a.Name, a.Parent, b.Code, b.Name, b.Parent)
			}
		}
	})
}

// featureInFile reports whether the file's features include index i.
func featureInFile(t *testing.T, data []byte, i string) bool {
	t.Helper()
	n, err := strconv.Atoi(i)
	if err != nil {
		return false
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatalf("ReadLayer named feature %d of a file encoding/json does not read: %v", n, err)
	}
	return n >= 0 && n < len(fc.Features)
}
