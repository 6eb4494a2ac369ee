package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestMetricsExposition(t *testing.T) {
	s := newTestServer(t, true)
	do(t, s, http.MethodGet, "/healthz", nil, nil)
	do(t, s, http.MethodGet, "/healthz", nil, nil)
	do(t, s, http.MethodGet, "/tiles/99/0/0.mvt", nil, nil)
	do(t, s, http.MethodGet, "/nowhere", nil, nil)

	rec := do(t, s, http.MethodGet, "/metrics", nil, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics = %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want the text exposition format", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`gridpulse_http_requests_total{method="GET",route="/healthz",status="200"} 2`,
		`gridpulse_http_requests_total{method="GET",route="/tiles/:z/:x/:y",status="400"} 1`,
		`gridpulse_http_requests_total{method="GET",route="/*",status="404"} 1`,
		`gridpulse_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 2`,
		`gridpulse_areas{layer="compound"} 3`,
		`gridpulse_areas{layer="street"} 1`,
		`go_goroutines `,
		`go_gc_heap_live_bytes `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
