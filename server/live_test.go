package server

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gridpulse/gridpulse/stream/ingest"
	"github.com/gridpulse/gridpulse/stream/live"
)

// orderJSON is a valid new work order inside the test compound.
func orderJSON(id string) string {
	return fmt.Sprintf(`{"id":%q,"type":"order","time":%q,"location":[103.917,30.572],
	"order":{"order_id":"WO-%s","state":"received","channel":"hotline_12345","category":"environment.parking"}}`,
		id, time.Now().UTC().Add(-time.Minute).Format(time.RFC3339), id)
}

func TestPostEvents(t *testing.T) {
	s := newTestServer(t, true)
	json200 := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name       string
		header     http.Header
		body       string
		wantStatus int
		wantField  string // the top-level error's field
		accepted   int
	}{
		{"one order", json200, "[" + orderJSON("a") + "]", http.StatusOK, "", 1},
		{"ndjson", http.Header{"Content-Type": {"application/x-ndjson"}}, strings.ReplaceAll(orderJSON("b"), "\n", "") + "\n" + strings.ReplaceAll(orderJSON("c"), "\n", ""), http.StatusOK, "", 2},
		{"no content type", nil, "[" + orderJSON("d") + "]", http.StatusOK, "", 1},
		{"mixed batch", json200, "[" + orderJSON("e") + `,{"id":"bad"}]`, http.StatusOK, "", 1},
		{"all rejected", json200, `[{"id":"x","type":"order","time":"2026-01-01T00:00:00Z","location":[103.917,91.2]}]`, http.StatusBadRequest, "events[0].time", 0},
		{"swapped coordinates", json200, "[" + strings.Replace(orderJSON("f"), "[103.917,30.572]", "[30.572,103.917]", 1) + "]", http.StatusBadRequest, "events[0].location", 0},
		{"not json", json200, "[{", http.StatusBadRequest, "events", 0},
		{"empty", json200, "", http.StatusBadRequest, "events", 0},
		{"wrong content type", http.Header{"Content-Type": {"text/plain"}}, "[" + orderJSON("g") + "]", http.StatusUnsupportedMediaType, "Content-Type", 0},
		{"too many events", json200, "[" + strings.Repeat(orderJSON("h")+",", 1000) + orderJSON("h") + "]", http.StatusBadRequest, "events", 0},
		{"oversize", json200, "[" + strings.Repeat(orderJSON("i")+",", 40000) + orderJSON("i") + "]", http.StatusRequestEntityTooLarge, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodPost, "/api/v1/events", tt.header, strings.NewReader(tt.body))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %.300s", rec.Code, tt.wantStatus, rec.Body)
			}
			var body struct {
				Error    *errorDetail    `json:"error"`
				Accepted int             `json:"accepted"`
				Results  []ingest.Result `json:"results"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %.300s: %v", rec.Body, err)
			}
			if body.Accepted != tt.accepted {
				t.Errorf("accepted = %d, want %d", body.Accepted, tt.accepted)
			}
			if tt.wantStatus != http.StatusOK {
				if body.Error == nil || body.Error.Message == "" {
					t.Fatalf("no error in %.300s", rec.Body)
				}
				if tt.wantField != "" && body.Error.Field != tt.wantField {
					t.Errorf("error field = %q (%s), want %q", body.Error.Field, body.Error.Message, tt.wantField)
				}
			}
		})
	}
	rec := do(t, s, http.MethodGet, "/api/v1/live/counts", nil, nil)
	var counts live.Counts
	if err := json.Unmarshal(rec.Body.Bytes(), &counts); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("counts: %d %s", rec.Code, rec.Body)
	}
	// Five orders were stored above (a, b, c, d, e); the live state may
	// take a moment to apply them, but never shows more.
	if counts.OpenOrders > 5 {
		t.Errorf("open orders = %d, want at most 5", counts.OpenOrders)
	}
}

func TestLiveRoutesWaitForTheBus(t *testing.T) {
	s := newTestServer(t, false)
	s.cfg.WSReadyWait = 100 * time.Millisecond // /ws waits this long for the bus before its 503
	if err := s.SetAreas(testAreas(t)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/readyz", "/api/v1/live/counts", "/ws"} {
		rec := do(t, s, http.MethodGet, path, nil, nil)
		if rec.Code != http.StatusServiceUnavailable || decodeError(t, rec).Code != CodeNotReady {
			t.Errorf("%s before the bus = %d %s, want 503 not_ready", path, rec.Code, rec.Body)
		}
	}
	rec := do(t, s, http.MethodPost, "/api/v1/events", nil, strings.NewReader("["+orderJSON("x")+"]"))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("POST events before the bus = %d", rec.Code)
	}
}

// A wall screen that connects while the server is starting is connected
// once the live pipeline is ready, not refused.
func TestWebSocketWaitsForTheLivePipeline(t *testing.T) {
	s := newTestServer(t, false)
	a := testAreas(t)
	if err := s.SetAreas(a); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s.Handler())
	// The pipeline starts only once the upgrade request is being read, so
	// a server that refused rather than waited would have refused it.
	reading := make(chan struct{})
	var once sync.Once
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateActive {
			once.Do(func() { close(reading) })
		}
	}
	ts.Start()
	defer ts.Close()
	dialed := make(chan error, 1)
	go func() {
		conn, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", nil)
		if err == nil {
			conn.Close()
		} else if res != nil {
			err = fmt.Errorf("%w: status %d", err, res.StatusCode)
		}
		dialed <- err
	}()
	<-reading
	startPipeline(t, s, a, pipelineParts{})
	if err := <-dialed; err != nil {
		t.Fatalf("/ws asked for while the pipeline started: %v", err)
	}
}

func TestCountsRejectsABadArea(t *testing.T) {
	s := newTestServer(t, true)
	rec := do(t, s, http.MethodGet, "/api/v1/live/counts?area=51O116", nil, nil)
	if rec.Code != http.StatusBadRequest || decodeError(t, rec).Field != "area" {
		t.Fatalf("bad area = %d %s, want 400 naming area", rec.Code, rec.Body)
	}
}

func TestCatalogue(t *testing.T) {
	rec := do(t, newTestServer(t, false), http.MethodGet, "/api/v1/catalogue", nil, nil)
	var cat map[string][]struct{ Code, ZH, EN string }
	if err := json.Unmarshal(rec.Body.Bytes(), &cat); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("catalogue: %d %v", rec.Code, err)
	}
	if len(cat["categories"]) < 46 || len(cat["states"]) != 10 {
		t.Errorf("catalogue has %d categories and %d states", len(cat["categories"]), len(cat["states"]))
	}
}

// An order posted over HTTP reaches a WebSocket client subscribed to its
// area: the whole path through the server on real loopback connections.
func TestPostedOrderReachesTheWebSocket(t *testing.T) {
	s := newTestServer(t, true)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	if err := conn.WriteJSON(map[string]any{"op": "subscribe", "id": "s1", "layers": []string{"orders"}, "area": "510116001"}); err != nil {
		t.Fatal(err)
	}
	readOp := func(want string) map[string]any {
		t.Helper()
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				t.Fatalf("waiting for %s: %v", want, err)
			}
			// The writer may pack several messages into one frame, one per line.
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("frame %q: %v", line, err)
				}
				if m["op"] == want {
					return m
				}
			}
		}
	}
	readOp("snapshot")
	res, err := http.Post(ts.URL+"/api/v1/events", "application/json", strings.NewReader("["+orderJSON("ws1")+"]"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("post = %d", res.StatusCode)
	}
	d := readOp("delta")
	if d["key"] != "order/WO-ws1" && !strings.Contains(fmt.Sprint(d), "WO-ws1") {
		t.Fatalf("delta %v is not the posted order", d)
	}
}
