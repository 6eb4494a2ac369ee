package server

import (
	"net/http"
	"testing"
)

func TestHealthAndReadiness(t *testing.T) {
	tests := []struct {
		name       string
		loaded     bool
		path       string
		wantStatus int
		wantCode   string // error code when the answer is an error
	}{
		{"alive while loading", false, "/healthz", http.StatusOK, ""},
		{"not ready while loading", false, "/readyz", http.StatusServiceUnavailable, CodeNotReady},
		{"layers wait for the areas", false, "/api/v1/layers", http.StatusServiceUnavailable, CodeNotReady},
		{"tiles wait for the areas", false, "/tiles/12/3285/1714.mvt", http.StatusServiceUnavailable, CodeNotReady},
		{"alive when loaded", true, "/healthz", http.StatusOK, ""},
		{"ready when loaded", true, "/readyz", http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, newTestServer(t, tt.loaded), http.MethodGet, tt.path, nil, nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantCode != "" {
				if d := decodeError(t, rec); d.Code != tt.wantCode {
					t.Errorf("error code = %q, want %q", d.Code, tt.wantCode)
				}
			}
		})
	}
}
