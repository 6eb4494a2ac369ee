package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/crs"
)

func TestLocate(t *testing.T) {
	// Inside the first (commercial) compound of testAreas.
	const lon, lat = 103.9175, 30.5725
	gLon, gLat := crs.FromWGS84(crs.GCJ02, lon, lat)
	bLon, bLat := crs.FromWGS84(crs.BD09, lon, lat)
	compound := area.CompoundCode("510116001001", 1)
	tests := []struct {
		name  string
		query string
		want  map[area.Layer]string // codes; a layer absent here must be null
	}{
		{"in a compound", "lon=103.9175&lat=30.5725",
			map[area.Layer]string{area.District: "510116", area.Street: "510116001", area.Community: "510116001001", area.Compound: compound}},
		{"in a compound, GCJ-02", "lon=" + ftoa(gLon) + "&lat=" + ftoa(gLat) + "&crs=gcj02",
			map[area.Layer]string{area.District: "510116", area.Street: "510116001", area.Community: "510116001001", area.Compound: compound}},
		{"in a compound, BD-09", "lon=" + ftoa(bLon) + "&lat=" + ftoa(bLat) + "&crs=BD-09",
			map[area.Layer]string{area.District: "510116", area.Street: "510116001", area.Community: "510116001001", area.Compound: compound}},
		{"in the street only", "lon=103.905&lat=30.555",
			map[area.Layer]string{area.District: "510116", area.Street: "510116001"}},
		{"outside the district", "lon=0&lat=0", map[area.Layer]string{}},
	}
	s := newTestServer(t, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, "/api/v1/locate?"+tt.query, nil, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d; body %s", rec.Code, rec.Body)
			}
			var ans locateAnswer
			if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
				t.Fatal(err)
			}
			for _, l := range area.Layers {
				got, ok := ans.Areas[l]
				if !ok {
					t.Errorf("answer has no %s key", l)
					continue
				}
				want := tt.want[l]
				switch {
				case want == "" && got != nil:
					t.Errorf("%s = %+v, want null", l, got)
				case want != "" && (got == nil || got.Code != want || got.Name == ""):
					t.Errorf("%s = %+v, want code %s with a name", l, got, want)
				}
			}
			if d := ans.Point[0] - lon; tt.want[area.Compound] != "" && (d > 1e-5 || d < -1e-5) {
				t.Errorf("point %v was not converted to WGS-84 (%v, %v)", ans.Point, lon, lat)
			}
		})
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func TestLocateValidatesEveryParameter(t *testing.T) {
	tests := []struct {
		query, field string
	}{
		{"lat=30.5", "lon"},
		{"lon=&lat=30.5", "lon"},
		{"lon=abc&lat=30.5", "lon"},
		{"lon=NaN&lat=30.5", "lon"},
		{"lon=Inf&lat=30.5", "lon"},
		{"lon=180.5&lat=30.5", "lon"},
		{"lon=1&lon=2&lat=30.5", "lon"},
		{"lon=103.9", "lat"},
		{"lon=103.9&lat=91.2", "lat"},
		{"lon=103.9&lat=-90.1", "lat"},
		{"lon=103.9&lat=30.5&crs=utm", "crs"},
	}
	s := newTestServer(t, true)
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, "/api/v1/locate?"+tt.query, nil, nil)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", rec.Code, rec.Body)
			}
			if d := decodeError(t, rec); d.Code != CodeInvalidField || d.Field != tt.field {
				t.Errorf("error = %+v, want field %s", d, tt.field)
			}
		})
	}
}
