package boundary

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/crs"
)

func square(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// testParents is a small district near 103.92 E 30.57 N: the district,
// one street and one community (103.91..103.93 E, 30.56..30.58 N).
func testParents() *area.Set {
	s := area.NewSet()
	s.Add(&area.Area{Code: "510116", Name: "双流区", Layer: area.District, Geometry: square(103.8, 30.4, 104.0, 30.7)})
	s.Add(&area.Area{Code: "510116001", Name: "东升街道", Layer: area.Street, Parent: "510116", Geometry: square(103.90, 30.55, 103.94, 30.59)})
	s.Add(&area.Area{Code: "510116001001", Name: "棠湖社区", Layer: area.Community, Parent: "510116001", Geometry: square(103.91, 30.56, 103.93, 30.58)})
	return s
}

// want is one expected problem: the reason must contain each of reason's
// parts.
type want struct {
	index  int
	code   string
	field  string
	reason []string
}

func readFile(t *testing.T, name string, opt Options) Result {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if opt.Layer == "" {
		opt.Layer = area.Compound
	}
	res, err := Read(context.Background(), f, testParents(), opt)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return res
}

func checkProblems(t *testing.T, got []Problem, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, p := range got {
			t.Logf("got %s", p)
		}
		t.Fatalf("got %d problems, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		p := got[i]
		ok := p.Index == w.index && p.Code == w.code && p.Field == w.field
		for _, part := range w.reason {
			ok = ok && strings.Contains(p.Reason, part)
		}
		if !ok {
			t.Errorf("problem %d = %s\n want index %d, code %s, field %s, reason with %q", i, p, w.index, w.code, w.field, w.reason)
		}
	}
}

func TestReadFixtures(t *testing.T) {
	const c = "510116001001"
	tests := []struct {
		file      string
		opt       Options
		wantAreas int
		problems  []want
	}{
		{file: "valid_polygon.geojson", wantAreas: 1},
		{file: "polygon_hole.geojson", wantAreas: 1},
		{file: "multipolygon.geojson", wantAreas: 1},
		{file: "gcj02.geojson", opt: Options{CRS: crs.GCJ02}, wantAreas: 1},
		{file: "open_ring.geojson", problems: []want{
			{0, c + "0004", "geometry.coordinates[0]", []string{"outer ring is not closed", "[103.915, 30.565]", "[103.915, 30.568]"}},
		}},
		{file: "too_few_points.geojson", problems: []want{
			{0, c + "0005", "geometry.coordinates[0]", []string{"outer ring has 3 positions", "at least 4"}},
		}},
		{file: "out_of_range.geojson", problems: []want{
			{0, c + "0006", "geometry.coordinates[0][2]", []string{"outer ring, position 2", "latitude 91 is outside -90..90"}},
			{1, c + "0007", "geometry.coordinates[0][0]", []string{"outer ring, position 0", "longitude 181 is outside -180..180"}},
			{1, c + "0007", "geometry.coordinates[0][4]", []string{"outer ring, position 4", "longitude 181"}},
		}},
		{file: "bowtie.geojson", problems: []want{
			{0, c + "0008", "geometry.coordinates[0]", []string{"outer ring crosses or touches itself"}},
		}},
		{file: "hole_outside.geojson", problems: []want{
			{0, c + "0009", "geometry.coordinates", []string{"hole 1 lies outside the outer ring"}},
		}},
		{file: "duplicate_codes.geojson", problems: []want{
			{0, c + "0010", "properties.code", []string{"also used by feature 2"}},
			{2, c + "0010", "properties.code", []string{"also used by feature 0"}},
		}},
		{file: "bad_code.geojson", problems: []want{
			{0, "51011600100100x1", "properties.code", []string{"not a digit"}},
			{1, "510116001001", "properties.code", []string{"has 12 characters", "compound code has 16"}},
			{2, "", "properties.code", []string{"must be a string"}},
			{3, "", "properties.code", []string{"missing"}},
		}},
		{file: "missing_parent.geojson", problems: []want{
			{0, "5101160010990001", "properties.parent", []string{"parent community 510116001099 (taken from the code) is not in the area data"}},
			{1, c + "0012", "properties.parent", []string{"does not extend its parent's code \"510116001002\""}},
		}},
		{file: "sticks_out.geojson", problems: []want{
			{0, c + "0013", "geometry", []string{"sticks out of its parent community 510116001001 by 9", "near [103.931000, 30.56", "tolerance 5 m"}},
		}},
		{file: "sticks_out.geojson", opt: Options{ToleranceMeters: 100}, wantAreas: 2},
		{file: "sticks_out.geojson", opt: Options{ToleranceMeters: 1}, problems: []want{
			{0, c + "0013", "geometry", []string{"sticks out", "tolerance 1 m"}},
			{1, c + "0014", "geometry", []string{"sticks out", "by 1.9 m", "tolerance 1 m"}},
		}},
		{file: "point.geojson", problems: []want{
			{0, c + "0015", "geometry.type", []string{"is Point, want Polygon or MultiPolygon"}},
		}},
		// Read as WGS-84, the GCJ-02 square lands about 200 m east and
		// 300 m south, across the community's east edge.
		{file: "gcj02.geojson", problems: []want{
			{0, c + "0016", "geometry", []string{"sticks out of its parent community"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := readFile(t, tt.file, tt.opt)
			checkProblems(t, res.Problems, tt.problems)
			if len(res.Areas) != tt.wantAreas {
				t.Errorf("got %d areas, want %d", len(res.Areas), tt.wantAreas)
			}
			if res.Skipped != 0 {
				t.Errorf("Skipped = %d without SkipInvalid", res.Skipped)
			}
		})
	}
}

// mixedProblems is every problem of testdata/mixed.geojson, in order.
var mixedProblems = []want{
	{1, "5101160010010021", "geometry.coordinates[0]", []string{"not closed"}},
	{2, "5101160010010022", "geometry.coordinates[0]", []string{"crosses or touches itself"}},
	{3, "51011600100100x3", "properties.code", []string{"not a digit"}},
	{4, "5101160010010024", "geometry.coordinates[0][2]", []string{"latitude 91"}},
	{5, "5101160010010025", "geometry.type", []string{"Point"}},
	{6, "5101160010990026", "properties.parent", []string{"510116001099", "not in the area data"}},
	{7, "5101160010010027", "properties.code", []string{"also used by feature 8"}},
	{8, "5101160010010027", "properties.code", []string{"also used by feature 7"}},
	{10, "5101160010010030", "geometry", []string{"sticks out"}},
	{11, "5101160010010031", "geometry.coordinates", []string{"hole 1 lies outside"}},
	{12, "5101160010010032", "geometry.coordinates[0]", []string{"3 positions"}},
}

func TestReadReportsEveryBadFeature(t *testing.T) {
	res := readFile(t, "mixed.geojson", Options{})
	checkProblems(t, res.Problems, mixedProblems)
	if len(res.Areas) != 0 {
		t.Errorf("got %d areas without SkipInvalid, want none", len(res.Areas))
	}
	if res.Features != 13 || res.Bad != 11 || res.Skipped != 0 {
		t.Errorf("Features, Bad, Skipped = %d, %d, %d; want 13, 11, 0", res.Features, res.Bad, res.Skipped)
	}
}

func TestReadSkipInvalidKeepsTheGoodOnes(t *testing.T) {
	res := readFile(t, "mixed.geojson", Options{SkipInvalid: true})
	checkProblems(t, res.Problems, mixedProblems)
	var codes []string
	for _, a := range res.Areas {
		codes = append(codes, a.Code)
	}
	if strings.Join(codes, ",") != "5101160010010020,5101160010010029" {
		t.Errorf("kept %v, want the two good compounds", codes)
	}
	if res.Skipped != 11 || res.Bad != 11 {
		t.Errorf("Skipped, Bad = %d, %d; want 11, 11", res.Skipped, res.Bad)
	}
}

func TestReadBuildsAreas(t *testing.T) {
	res := readFile(t, "valid_polygon.geojson", Options{})
	if len(res.Areas) != 1 {
		t.Fatalf("got %d areas", len(res.Areas))
	}
	a := res.Areas[0]
	if a.Code != "5101160010010001" || a.Name != "小区 0001" || a.Layer != area.Compound || a.Parent != "510116001001" {
		t.Errorf("area = %+v", a)
	}
	if a.Props["kind"] != "commercial" || a.Props["households"] != 420.0 {
		t.Errorf("props = %v", a.Props)
	}
	if _, ok := a.Props["code"]; ok {
		t.Errorf("reserved property code kept in Props")
	}

	res = readFile(t, "polygon_hole.geojson", Options{})
	p := res.Areas[0].Geometry.(orb.Polygon)
	if len(p) != 2 || p[0].Orientation() != orb.CCW || p[1].Orientation() != orb.CW {
		t.Errorf("polygon with hole: %d rings, orientations %v %v", len(p), p[0].Orientation(), p[1].Orientation())
	}
	if planar.PolygonContains(p, orb.Point{103.9165, 30.5665}) {
		t.Errorf("point in the hole is inside the imported polygon")
	}

	res = readFile(t, "multipolygon.geojson", Options{})
	if mp, ok := res.Areas[0].Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 || len(mp[1]) != 2 {
		t.Errorf("multipolygon imported as %#v", res.Areas[0].Geometry)
	}
}

// TestReadGCJ02LandsInPlace reads a WGS-84 square given in GCJ-02 and
// checks it lands back on the square.
func TestReadGCJ02LandsInPlace(t *testing.T) {
	wgs := square(103.926, 30.575, 103.9295, 30.5795)
	res := readFile(t, "gcj02.geojson", Options{CRS: crs.GCJ02})
	if len(res.Areas) != 1 {
		t.Fatalf("got %d areas, problems %v", len(res.Areas), res.Problems)
	}
	checkSameRing(t, res.Areas[0].Geometry.(orb.Polygon)[0], wgs[0])
}

func TestReadBD09LandsInPlace(t *testing.T) {
	wgs := square(103.926, 30.575, 103.9295, 30.5795)
	var coords []string
	for _, p := range wgs[0] {
		lon, lat := crs.WGS84ToBD09(p[0], p[1])
		coords = append(coords, fmtPoint(orb.Point{lon, lat}))
	}
	in := `{"type":"Feature","properties":{"code":"5101160010010040"},"geometry":{"type":"Polygon","coordinates":[[` + strings.Join(coords, ",") + `]]}}`
	res, err := Read(context.Background(), strings.NewReader(in), testParents(), Options{Layer: area.Compound, CRS: crs.BD09})
	if err != nil || len(res.Areas) != 1 {
		t.Fatalf("Read: %v, %v", err, res.Problems)
	}
	checkSameRing(t, res.Areas[0].Geometry.(orb.Polygon)[0], wgs[0])
}

// checkSameRing checks that every vertex of got lies within 5 cm of a
// vertex of want.
func checkSameRing(t *testing.T, got, want orb.Ring) {
	t.Helper()
	for _, p := range got {
		best := math.Inf(1)
		for _, q := range want {
			best = min(best, geo.DistanceHaversine(p, q))
		}
		if best > 0.05 {
			t.Errorf("vertex %v is %.3f m from the nearest expected vertex, want within 5 cm", p, best)
		}
	}
}
