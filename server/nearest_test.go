package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// patrolJSON is a position report of a worker inside the test community.
func patrolJSON(id, worker string, lon, lat float64, onDuty bool) string {
	return fmt.Sprintf(`{"id":%q,"type":"patrol","time":%q,"location":[%v,%v],
	"patrol":{"worker_id":%q,"role":"grid_worker","on_duty":%v,"heading":0,"speed":1}}`,
		id, time.Now().UTC().Format(time.RFC3339), lon, lat, worker, onDuty)
}

func TestNearest(t *testing.T) {
	s := newTestServer(t, true)
	events := []string{
		patrolJSON("p1", "GW-FAR", 103.945, 30.585, true),
		patrolJSON("p2", "GW-NEAR", 103.921, 30.571, true),
		patrolJSON("p3", "GW-MID", 103.93, 30.575, true),
		patrolJSON("p4", "GW-OFF", 103.9201, 30.5701, false),
	}
	rec := do(t, s, http.MethodPost, "/api/v1/events", http.Header{"Content-Type": {"application/json"}}, strings.NewReader("["+strings.Join(events, ",")+"]"))
	if rec.Code != http.StatusOK {
		t.Fatalf("post: %d %s", rec.Code, rec.Body)
	}
	// The live state applies what the bus delivers, a moment after the post.
	l := s.live.Load()
	deadline := time.Now().Add(10 * time.Second)
	for len(l.State.NearestWorkers(orb.Point{103.92, 30.57}, 10, false, "")) < 4 {
		if time.Now().After(deadline) {
			t.Fatal("the live state never held the four workers")
		}
		time.Sleep(20 * time.Millisecond)
	}

	tests := []struct {
		name       string
		query      string
		wantStatus int
		want       []string // worker ids, nearest first
		wantField  string
	}{
		{"on duty, nearest first", "lon=103.92&lat=30.57", http.StatusOK, []string{"GW-NEAR", "GW-MID", "GW-FAR"}, ""},
		{"k limits", "lon=103.92&lat=30.57&k=2", http.StatusOK, []string{"GW-NEAR", "GW-MID"}, ""},
		{"from the other side", "lon=103.95&lat=30.59&k=1", http.StatusOK, []string{"GW-FAR"}, ""},
		{"no lon", "lat=30.57", http.StatusBadRequest, nil, "lon"},
		{"lat out of range", "lon=103.92&lat=91", http.StatusBadRequest, nil, "lat"},
		{"lat not a number", "lon=103.92&lat=NaN", http.StatusBadRequest, nil, "lat"},
		{"k too large", "lon=103.92&lat=30.57&k=51", http.StatusBadRequest, nil, "k"},
		{"k zero", "lon=103.92&lat=30.57&k=0", http.StatusBadRequest, nil, "k"},
		{"unknown parameter", "lon=103.92&lat=30.57&radius=5", http.StatusBadRequest, nil, "radius"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, "/api/v1/live/nearest?"+tt.query, nil, nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus != http.StatusOK {
				if f := decodeError(t, rec).Field; f != tt.wantField {
					t.Errorf("error field %q, want %q", f, tt.wantField)
				}
				return
			}
			var body struct {
				Workers []struct {
					Worker struct {
						WorkerID string `json:"worker_id"`
						OnDuty   bool   `json:"on_duty"`
					} `json:"worker"`
					Meters float64 `json:"meters"`
				} `json:"workers"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			var got []string
			last := -1.0
			for _, w := range body.Workers {
				got = append(got, w.Worker.WorkerID)
				if w.Meters < last {
					t.Errorf("%s at %v m listed after one at %v m", w.Worker.WorkerID, w.Meters, last)
				}
				last = w.Meters
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("workers %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNearestWaitsForTheLiveState(t *testing.T) {
	s := newTestServer(t, false)
	rec := do(t, s, http.MethodGet, "/api/v1/live/nearest?lon=103.92&lat=30.57", nil, nil)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503: %s", rec.Code, rec.Body)
	}
}
