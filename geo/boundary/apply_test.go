package boundary

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// testDataDir writes the test parents, one compound under the community
// and one building under that compound into a fresh data directory.
func testDataDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "areas")
	set := testParents()
	set.Add(&area.Area{Code: "5101160010019999", Layer: area.Compound, Parent: "510116001001", Geometry: square(103.911, 30.561, 103.912, 30.562)})
	set.Add(&area.Area{Code: "5101160010019999001", Layer: area.Building, Parent: "5101160010019999", Geometry: square(103.9112, 30.5612, 103.9114, 30.5614)})
	if err := area.WriteDir(dir, set); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readFixture(t *testing.T, dir, name string, opt Options) Result {
	t.Helper()
	parents, err := area.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opt.Layer = area.Compound
	res, err := Read(context.Background(), f, parents, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestApplyReplacesTheLayer(t *testing.T) {
	dir := testDataDir(t)
	streetFile := filepath.Join(dir, area.FileName(area.Street))
	before, err := os.ReadFile(streetFile)
	if err != nil {
		t.Fatal(err)
	}
	res := readFixture(t, dir, "mixed.geojson", Options{SkipInvalid: true})
	got, err := Apply(dir, area.Compound, res)
	if err != nil {
		t.Fatal(err)
	}
	// The old compound is gone, so its building has lost its parent.
	if got != (Applied{Removed: 1, Added: 2, Orphans: 1}) {
		t.Errorf("Apply = %+v, want 1 removed, 2 added, 1 orphan", got)
	}

	set, err := area.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, a := range set.Layer(area.Compound) {
		codes = append(codes, a.Code)
	}
	if strings.Join(codes, ",") != "5101160010010020,5101160010010029" {
		t.Errorf("compounds after Apply: %v", codes)
	}
	a, _ := set.Get(area.Compound, "5101160010010020")
	if a.Parent != "510116001001" || a.Name != "小区 0020" {
		t.Errorf("read back %+v", a)
	}
	if !a.Bound().Equal(orb.Bound{Min: orb.Point{103.911, 30.561}, Max: orb.Point{103.912, 30.562}}) {
		t.Errorf("read back bound %v", a.Bound())
	}
	if set.Count(area.Community) != 1 || set.Count(area.Building) != 1 {
		t.Errorf("other layers changed: %d communities, %d buildings", set.Count(area.Community), set.Count(area.Building))
	}
	after, err := os.ReadFile(streetFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("street file rewritten")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestApplyRefusesWhatWouldLoseData(t *testing.T) {
	dir := testDataDir(t)
	compounds := filepath.Join(dir, area.FileName(area.Compound))
	before, err := os.ReadFile(compounds)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		layer area.Layer
		res   Result
		msg   string
	}{
		{"bad features not skipped", area.Compound, readFixture(t, dir, "mixed.geojson", Options{}), "11 bad features"},
		{"nothing to import", area.Compound, Result{}, "nothing to import"},
		{"wrong layer", area.Building, readFixture(t, dir, "valid_polygon.geojson", Options{}), "is of layer compound, not building"},
	}
	for _, tt := range tests {
		_, err := Apply(dir, tt.layer, tt.res)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error = %v, want one with %q", tt.name, err, tt.msg)
		}
	}
	after, err := os.ReadFile(compounds)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("compound file changed by a refused Apply")
	}
}

func TestApplyCreatesTheDataDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "areas")
	in := `{"type":"Feature","properties":{"code":"510116","name":"双流区"},"geometry":{"type":"Polygon","coordinates":[[[103.8,30.4],[104,30.4],[104,30.7],[103.8,30.7],[103.8,30.4]]]}}`
	res, err := Read(context.Background(), strings.NewReader(in), nil, Options{Layer: area.District})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(dir, area.District, res); err != nil {
		t.Fatal(err)
	}
	set, err := area.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := set.Get(area.District, "510116"); !ok || a.Name != "双流区" {
		t.Errorf("district not read back: %v", a)
	}
}

func TestReadParents(t *testing.T) {
	dir := testDataDir(t)
	tests := []struct {
		layer area.Layer
		want  map[area.Layer]int
	}{
		{area.District, map[area.Layer]int{}},
		{area.Street, map[area.Layer]int{area.District: 1}},
		{area.Compound, map[area.Layer]int{area.Community: 1}},
		{area.MicroGrid, map[area.Layer]int{}}, // no general grids in the data
	}
	for _, tt := range tests {
		set, err := ReadParents(dir, tt.layer)
		if err != nil {
			t.Fatalf("ReadParents(%s): %v", tt.layer, err)
		}
		for _, l := range area.Layers {
			if set.Count(l) != tt.want[l] {
				t.Errorf("ReadParents(%s) has %d %s areas, want %d", tt.layer, set.Count(l), l, tt.want[l])
			}
		}
	}
	if _, err := ReadParents(filepath.Join(dir, "missing"), area.Compound); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadParents of a missing directory: %v", err)
	}
}
