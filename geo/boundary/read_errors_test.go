package boundary

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridpulse/gridpulse/area"
)

func TestReadMalformedJSON(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "malformed.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Read(context.Background(), strings.NewReader(string(data)), testParents(), Options{Layer: area.Compound})
	var syn *SyntaxError
	if !errors.As(err, &syn) {
		t.Fatalf("Read error = %v, want a *SyntaxError", err)
	}
	// The "3" after the missing comma in "[103.918 30.565]" on line 3.
	if syn.Line != 3 || syn.Column != 81 || !strings.Contains(syn.Error(), "line 3, column 81") {
		t.Errorf("error at line %d, column %d (%v); want line 3, column 81", syn.Line, syn.Column, syn)
	}
}

func TestReadDocumentErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 1, "unexpected end of JSON input"},
		{"truncated", "{\"type\": \"FeatureCollection\",\n \"features\": [", 2, "unexpected end"},
		{"array", "[]", 1, "the document must be an object"},
		{"features not an array", "{\"type\": \"FeatureCollection\",\n\"features\": {}}", 2, "features must be an array"},
		{"bare geometry", `{"type": "Polygon", "coordinates": []}`, 1, "the document is a Polygon; want a FeatureCollection or a Feature"},
		{"no type", `{"features": []}`, 1, `no "type"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(context.Background(), strings.NewReader(tt.in), testParents(), Options{Layer: area.Compound})
			var syn *SyntaxError
			if !errors.As(err, &syn) {
				t.Fatalf("Read error = %v, want a *SyntaxError", err)
			}
			if syn.Line != tt.line || !strings.Contains(syn.Msg, tt.msg) {
				t.Errorf("got %v; want line %d and %q", syn, tt.line, tt.msg)
			}
		})
	}
}

func TestReadOptionErrors(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[]}`
	tests := []struct {
		name string
		opt  Options
		msg  string
	}{
		{"no layer", Options{}, "unknown layer"},
		{"unknown layer", Options{Layer: "village"}, "unknown layer"},
		{"unknown crs", Options{Layer: area.Compound, CRS: "epsg:3857"}, "want one of wgs84, gcj02, bd09"},
		{"negative tolerance", Options{Layer: area.Compound, ToleranceMeters: -1}, "tolerance"},
	}
	for _, tt := range tests {
		_, err := Read(context.Background(), strings.NewReader(in), nil, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error = %v, want one with %q", tt.name, err, tt.msg)
		}
	}
}

func TestReadLimits(t *testing.T) {
	two := `{"type":"FeatureCollection","features":[null,null]}`
	_, err := Read(context.Background(), strings.NewReader(two), nil, Options{Layer: area.Compound, MaxFeatures: 1})
	if err == nil || !strings.Contains(err.Error(), "2 features, at most 1") {
		t.Errorf("feature limit: error = %v", err)
	}
	_, err = Read(context.Background(), strings.NewReader(two), nil, Options{Layer: area.Compound, MaxBytes: 20})
	if err == nil || !strings.Contains(err.Error(), "larger than 20 bytes") {
		t.Errorf("size limit: error = %v", err)
	}
	res, err := Read(context.Background(), strings.NewReader(two), nil, Options{Layer: area.Compound, MaxBytes: int64(len(two))})
	if err != nil || res.Bad != 2 {
		t.Errorf("input of exactly MaxBytes: %v, %d bad", err, res.Bad)
	}
}

func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, err := os.Open(filepath.Join("testdata", "mixed.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Read(ctx, f, testParents(), Options{Layer: area.Compound}); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context: %v", err)
	}
}

// feature wraps a geometry and properties into a one-feature collection.
func oneFeature(props, geometry string) string {
	return `{"type":"FeatureCollection","features":[{"type":"Feature","properties":` + props + `,"geometry":` + geometry + `}]}`
}

const compoundCode = `{"code":"5101160010010001"}`

// goodSquare is a compound inside the test community.
const goodSquare = `{"type":"Polygon","coordinates":[[[103.915,30.565],[103.918,30.565],[103.918,30.568],[103.915,30.568],[103.915,30.565]]]}`

func TestReadFeatureProblems(t *testing.T) {
	const code = "5101160010010001"
	tests := []struct {
		name  string
		layer area.Layer
		in    string
		want  []want
	}{
		{"null feature", area.Compound, `{"type":"FeatureCollection","features":[null]}`,
			[]want{{0, "", "feature", []string{"is null"}}}},
		{"feature not an object", area.Compound, `{"type":"FeatureCollection","features":[7]}`,
			[]want{{0, "", "feature", []string{"must be an object, not a JSON number"}}}},
		{"wrong feature type", area.Compound, `{"type":"FeatureCollection","features":[{"type":"Polygon","properties":` + compoundCode + `,"geometry":` + goodSquare + `}]}`,
			[]want{{0, code, "type", []string{`is "Polygon", want "Feature"`}}}},
		{"properties not an object", area.Compound, oneFeature(`["x"]`, goodSquare),
			[]want{{0, "", "properties", []string{"must be an object, not a JSON array"}}}},
		{"no geometry", area.Compound, oneFeature(compoundCode, `null`),
			[]want{{0, code, "geometry", []string{"missing"}}}},
		{"geometry without type", area.Compound, oneFeature(compoundCode, `{"coordinates":[]}`),
			[]want{{0, code, "geometry.type", []string{"missing"}}}},
		{"no coordinates", area.Compound, oneFeature(compoundCode, `{"type":"Polygon"}`),
			[]want{{0, code, "geometry.coordinates", []string{"missing"}}}},
		{"polygon without rings", area.Compound, oneFeature(compoundCode, `{"type":"Polygon","coordinates":[]}`),
			[]want{{0, code, "geometry.coordinates", []string{"has no rings"}}}},
		{"multipolygon without polygons", area.Compound, oneFeature(compoundCode, `{"type":"MultiPolygon","coordinates":[]}`),
			[]want{{0, code, "geometry.coordinates", []string{"has no polygons"}}}},
		{"ring not an array", area.Compound, oneFeature(compoundCode, `{"type":"Polygon","coordinates":[5]}`),
			[]want{{0, code, "geometry.coordinates[0]", []string{"must be an array of positions"}}}},
		{"bad positions", area.Compound, oneFeature(compoundCode, `{"type":"Polygon","coordinates":[[[103.915,30.565],[103.918],["103.918",30.568],[103.915,1e999],[103.915,30.565]]]}`),
			[]want{
				{0, code, "geometry.coordinates[0][1]", []string{"position 1", "two or three numbers"}},
				{0, code, "geometry.coordinates[0][2]", []string{"position 2", "longitude must be a number, not a string"}},
				{0, code, "geometry.coordinates[0][3]", []string{"position 3", "latitude 1e999 is not a finite number"}},
			}},
		{"altitude is dropped", area.Compound, oneFeature(compoundCode, `{"type":"Polygon","coordinates":[[[103.915,30.565,500],[103.918,30.565,500],[103.918,30.568,500],[103.915,30.568,500],[103.915,30.565,500]]]}`),
			nil},
		{"multipolygon ring named", area.Compound, oneFeature(compoundCode, `{"type":"MultiPolygon","coordinates":[[[[103.912,30.562],[103.914,30.562],[103.914,30.564],[103.912,30.564],[103.912,30.562]]],[[[103.915,30.565],[103.918,30.565],[103.918,30.568],[103.915,30.568],[103.915,30.565]],[[103.916,30.566],[103.917,30.566],[103.916,30.566]]]]}`),
			[]want{{0, code, "geometry.coordinates[1][1]", []string{"polygon 1, hole 1 has 3 positions"}}}},
		{"id as code", area.Compound, `{"type":"Feature","id":"510116001001000x","properties":{},"geometry":` + goodSquare + `}`,
			[]want{{0, "510116001001000x", "id", []string{"not a digit"}}}},
		{"layer property disagrees", area.Compound, oneFeature(`{"code":"5101160010010001","layer":"building"}`, goodSquare),
			[]want{{0, code, "properties.layer", []string{`is "building", but this import is of layer "compound"`}}}},
		{"name not a string", area.Compound, oneFeature(`{"code":"5101160010010001","name":12}`, goodSquare),
			[]want{{0, code, "properties.name", []string{"must be a string, not a number"}}}},
		{"parent of the wrong form", area.Compound, oneFeature(`{"code":"5101160010010001","parent":"510116001"}`, goodSquare),
			[]want{{0, code, "properties.parent", []string{"has 9 characters, a community code has 12"}}}},
		{"parent given and found", area.Compound, oneFeature(`{"code":"5101160010010001","parent":"510116001001"}`, goodSquare),
			nil},
		{"general grid numbered as dedicated", area.GeneralGrid, oneFeature(`{"code":"510116001001501"}`, goodSquare),
			[]want{{0, "510116001001501", "properties.code", []string{"dedicated grid's"}}}},
		{"dedicated grid numbered as general", area.DedicatedGrid, oneFeature(`{"code":"510116001001001"}`, goodSquare),
			[]want{{0, "510116001001001", "properties.code", []string{"general grid's"}}}},
		{"grid sequence 000", area.GeneralGrid, oneFeature(`{"code":"510116001001000"}`, goodSquare),
			[]want{{0, "510116001001000", "properties.code", []string{"sequence 000"}}}},
		{"dedicated grid", area.DedicatedGrid, oneFeature(`{"code":"510116001001501"}`, goodSquare),
			nil},
		{"district needs no parent", area.District, oneFeature(`{"code":"510117"}`, goodSquare),
			nil},
		{"street outside the district", area.Street, oneFeature(`{"code":"510116002"}`, `{"type":"Polygon","coordinates":[[[104.1,30.5],[104.2,30.5],[104.2,30.6],[104.1,30.6],[104.1,30.5]]]}`),
			[]want{{0, "510116002", "geometry", []string{"sticks out of its parent district 510116"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(context.Background(), strings.NewReader(tt.in), testParents(), Options{Layer: tt.layer})
			if err != nil {
				t.Fatal(err)
			}
			checkProblems(t, res.Problems, tt.want)
			if wantAreas := len(tt.want) == 0; wantAreas != (len(res.Areas) == 1) {
				t.Errorf("got %d areas", len(res.Areas))
			}
		})
	}
}

// TestReadValidityRules pins each simplefeatures rule to its reason.
func TestReadValidityRules(t *testing.T) {
	const code = "5101160010010001"
	shell := `[[103.911,30.561],[103.919,30.561],[103.919,30.569],[103.911,30.569],[103.911,30.561]]`
	tests := []struct {
		name, geometry string
		want           want
	}{
		{"hole inside a hole", `{"type":"Polygon","coordinates":[` + shell + `,
			[[103.912,30.562],[103.912,30.568],[103.918,30.568],[103.918,30.562],[103.912,30.562]],
			[[103.913,30.563],[103.913,30.564],[103.914,30.564],[103.914,30.563],[103.913,30.563]]]}`,
			want{0, code, "geometry.coordinates", []string{"a hole lies inside another hole"}}},
		{"hole crossing the shell", `{"type":"Polygon","coordinates":[` + shell + `,
			[[103.918,30.562],[103.918,30.563],[103.920,30.563],[103.920,30.562],[103.918,30.562]]]}`,
			want{0, code, "geometry.coordinates", []string{"two of its rings cross or share an edge", "near ["}}},
		{"holes cutting the interior", `{"type":"Polygon","coordinates":[` + shell + `,
			[[103.911,30.565],[103.913,30.566],[103.915,30.565],[103.913,30.564],[103.911,30.565]],
			[[103.915,30.565],[103.917,30.566],[103.919,30.565],[103.917,30.564],[103.915,30.565]]]}`,
			want{0, code, "geometry.coordinates", []string{"cut the polygon into separate pieces"}}},
		{"overlapping polygons", `{"type":"MultiPolygon","coordinates":[[` + shell + `],
			[[[103.915,30.565],[103.925,30.565],[103.925,30.575],[103.915,30.575],[103.915,30.565]]]]}`,
			want{0, code, "geometry.coordinates", []string{"two of its polygons overlap or share an edge", "near ["}}},
		{"hole outside, second polygon", `{"type":"MultiPolygon","coordinates":[[` + shell + `],
			[[[103.920,30.570],[103.925,30.570],[103.925,30.575],[103.920,30.575],[103.920,30.570]],
			 [[103.926,30.576],[103.926,30.577],[103.927,30.577],[103.927,30.576],[103.926,30.576]]]]}`,
			want{0, code, "geometry.coordinates[1]", []string{"polygon 1, hole 1 lies outside the outer ring"}}},
		{"ring doubling back", `{"type":"Polygon","coordinates":[[[103.911,30.561],[103.919,30.561],[103.911,30.561],[103.911,30.561]]]}`,
			want{0, code, "geometry.coordinates[0]", []string{"outer ring crosses or touches itself"}}},
		{"ring of one point", `{"type":"Polygon","coordinates":[[[103.911,30.561],[103.911,30.561],[103.911,30.561],[103.911,30.561]]]}`,
			want{0, code, "geometry.coordinates[0]", []string{"fewer than two distinct positions"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(context.Background(), strings.NewReader(oneFeature(compoundCode, tt.geometry)), testParents(), Options{Layer: area.Compound})
			if err != nil {
				t.Fatal(err)
			}
			checkProblems(t, res.Problems, []want{tt.want})
		})
	}
}

func TestReadCapsProblemsPerFeature(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type":"Polygon","coordinates":[[`)
	for i := range 50 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("[200,95]")
	}
	b.WriteString(`]]}`)
	res, err := Read(context.Background(), strings.NewReader(oneFeature(compoundCode, b.String())), testParents(), Options{Layer: area.Compound})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != maxProblemsPerFeature+1 {
		t.Fatalf("got %d problems, want %d and a summary", len(res.Problems), maxProblemsPerFeature)
	}
	if last := res.Problems[maxProblemsPerFeature]; last.Reason != "30 more problems not shown" || last.Code != "5101160010010001" {
		t.Errorf("summary problem = %s", last)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Index: 4, Code: "5101160010010024", Field: "geometry.coordinates[0][2]", Reason: "latitude 91 is outside -90..90"},
			"feature 4 (code 5101160010010024): geometry.coordinates[0][2]: latitude 91 is outside -90..90"},
		{Problem{Index: 0, Field: "properties.code", Reason: "missing"}, "feature 0 (code none): properties.code: missing"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestThreeFeaturesShareACode(t *testing.T) {
	f := oneFeature(compoundCode, goodSquare)
	f = strings.TrimSuffix(f, "]}")
	feat := f[strings.Index(f, "[")+1:]
	in := `{"type":"FeatureCollection","features":[` + feat + "," + feat + "," + feat + "]}"
	res, err := Read(context.Background(), strings.NewReader(in), testParents(), Options{Layer: area.Compound})
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, res.Problems, []want{
		{0, "5101160010010001", "properties.code", []string{"also used by features 1, 2"}},
		{1, "5101160010010001", "properties.code", []string{"also used by features 0, 2"}},
		{2, "5101160010010001", "properties.code", []string{"also used by features 0, 1"}},
	})
}
