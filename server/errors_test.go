package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestErrorsHaveOneShape(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		wantCode   string
	}{
		{"unknown page", http.MethodGet, "/no/such/page", "", http.StatusNotFound, CodeNotFound},
		{"unknown API route", http.MethodGet, "/api/v1/nothing", "", http.StatusNotFound, CodeNotFound},
		{"wrong method", http.MethodPost, "/healthz", "", http.StatusMethodNotAllowed, CodeMethodNotAllowed},
		{"wrong method on tiles", http.MethodDelete, "/tiles/1/0/0.mvt", "", http.StatusMethodNotAllowed, CodeMethodNotAllowed},
		{"body too large", http.MethodPost, "/healthz", strings.Repeat("x", defaultMaxBodyBytes+1), http.StatusRequestEntityTooLarge, CodeTooLarge},
	}
	s := newTestServer(t, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, tt.method, tt.path, nil, strings.NewReader(tt.body))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if d := decodeError(t, rec); d.Code != tt.wantCode {
				t.Errorf("code = %q, want %q", d.Code, tt.wantCode)
			}
		})
	}
}

func TestPanicIsA500InTheErrorShape(t *testing.T) {
	s := newTestServer(t, true)
	// A route that panics, behind the real middleware chain.
	s.echo.GET("/test/panic", func(echo.Context) error { panic("handler bug") })
	rec := do(t, s, http.MethodGet, "/test/panic", nil, nil)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	d := decodeError(t, rec)
	if d.Code != CodeInternal || strings.Contains(d.Message, "handler bug") {
		t.Errorf("error = %+v, want code %s and no internals", d, CodeInternal)
	}
	// The server goes on answering.
	if rec := do(t, s, http.MethodGet, "/healthz", nil, nil); rec.Code != http.StatusOK {
		t.Errorf("after a panic /healthz = %d", rec.Code)
	}
}
