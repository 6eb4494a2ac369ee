package server

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"
)

func TestGetArea(t *testing.T) {
	s := newTestServer(t, false)
	if err := s.SetAreas(testAreas(t)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		code       string
		wantStatus int
		want       areaInfo
		wantField  string
	}{
		{"a street", "510116001", http.StatusOK, areaInfo{Code: "510116001", Name: "东升街道", Layer: "street", Parent: "510116", Bounds: [4]float64{103.90, 30.55, 103.96, 30.60}}, ""},
		{"a community", "510116001001", http.StatusOK, areaInfo{Code: "510116001001", Name: "棠湖社区", Layer: "community", Parent: "510116001", Bounds: [4]float64{103.91, 30.56, 103.95, 30.59}}, ""},
		{"a compound", "5101160010010002", http.StatusOK, areaInfo{Code: "5101160010010002", Name: "小区", Layer: "compound", Parent: "510116001001", Bounds: [4]float64{103.925, 30.57, 103.93, 30.575}}, ""},
		{"unknown", "510116009", http.StatusNotFound, areaInfo{}, "code"},
		{"not a code", "51011x", http.StatusBadRequest, areaInfo{}, "code"},
		{"too long", "51011600100100020001", http.StatusBadRequest, areaInfo{}, "code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, "/api/v1/areas/"+tt.code, nil, nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus != http.StatusOK {
				if f := decodeError(t, rec).Field; f != tt.wantField {
					t.Errorf("error field %q, want %q", f, tt.wantField)
				}
				return
			}
			var got areaInfo
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			inside, bounds := got.Inside, got.Bounds
			got.Inside, got.Bounds = [2]float64{}, [4]float64{}
			want := tt.want
			want.Bounds = [4]float64{}
			if got != want {
				t.Errorf("area = %+v, want %+v", got, want)
			}
			b := tt.want.Bounds
			for i := range b {
				if math.Abs(bounds[i]-b[i]) > 1e-9 {
					t.Errorf("bounds %v, want %v", bounds, b)
					break
				}
			}
			if inside[0] <= b[0] || inside[0] >= b[2] || inside[1] <= b[1] || inside[1] >= b[3] {
				t.Errorf("inside point %v is not inside %v", inside, b)
			}
		})
	}
}
