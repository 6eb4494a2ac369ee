package server

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestBasemapTiles(t *testing.T) {
	tests := []struct {
		name, raw, want string
		wantErr         bool
	}{
		{"xyz", "https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/{z}/{x}/{y}.png", false},
		{"wmts restful", "https://t0.example.cn/vec_w/wmts/{TileMatrix}/{TileRow}/{TileCol}?tk=k", "https://t0.example.cn/vec_w/wmts/{z}/{y}/{x}?tk=k", false},
		{"wmts kvp written with xyz", "http://t0.example.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}", "http://t0.example.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}", false},
		{"no placeholders", "https://tiles.example.org/tile.png", "", true},
		{"no y", "https://tiles.example.org/{z}/{x}.png", "", true},
		{"not http", "file:///srv/tiles/{z}/{x}/{y}.png", "", true},
		{"no host", "https:///{z}/{x}/{y}.png", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := basemapTiles(tt.raw)
			if (err != nil) != tt.wantErr {
				t.Fatalf("basemapTiles(%q) error = %v, want error %v", tt.raw, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("basemapTiles(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		set     *Dashboard
		want    string
		wantErr bool
	}{
		{"never set", nil, `{"basemap":null}`, false},
		{"no basemap", &Dashboard{}, `{"basemap":null}`, false},
		{"a basemap", &Dashboard{Basemap: "https://tiles.example.org/{z}/{x}/{y}.png"}, `{"basemap":{"tiles":"https://tiles.example.org/{z}/{x}/{y}.png"}}`, false},
		{"a bad basemap keeps none", &Dashboard{Basemap: "tiles.png"}, `{"basemap":null}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, false)
			if tt.set != nil {
				if err := s.SetDashboard(*tt.set); (err != nil) != tt.wantErr {
					t.Fatalf("SetDashboard error = %v, want error %v", err, tt.wantErr)
				}
			}
			rec := do(t, s, http.MethodGet, "/api/v1/config", nil, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var got, want any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			if gb, _ := json.Marshal(got); string(gb) != mustJSON(t, want) {
				t.Errorf("config = %s, want %s", rec.Body, tt.want)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
