package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// fakeIngest answers like the ingest endpoint: it decodes batches with
// the real decoder, validates each event, keeps each id once and answers
// per item. fail decides, per request (counted from 1), to fail it
// instead: with a status before storing anything, after storing, or by
// dropping the connection.
type fakeIngest struct {
	t    *testing.T
	now  time.Time // the validation clock
	fail func(n, events int) failure

	mu       sync.Mutex
	requests int
	stored   map[string]int
	events   []*event.Event // stored, in arrival order
	sizes    []int          // events per stored batch
	bodies   []int          // bytes per request
	headers  http.Header
}

type failure struct {
	status      int  // answer this status, 0 for none
	afterStore  bool // store the batch first, then fail
	dropConn    bool // close the connection without an answer
	rejectFirst bool // reject the batch's first event as invalid
	failEvery   int  // answer every n-th valid event "failed", not stored
}

func (f *fakeIngest) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != EventsPath {
		http.Error(w, `{"error":{"code":"not_found","message":"no such route"}}`, http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("read body: %v", err)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	f.bodies = append(f.bodies, len(body))
	f.headers = r.Header.Clone()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("Content-Type %q", ct)
	}
	items, err := event.DecodeBatch(body, 1000)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "invalid_batch", "message": err.Error()}})
		return
	}
	var fl failure
	if f.fail != nil {
		fl = f.fail(f.requests, len(items))
	}
	if fl.dropConn {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return
	}
	if fl.status != 0 && !fl.afterStore {
		w.WriteHeader(fl.status)
		w.Write([]byte(`{"error":{"code":"unavailable","message":"the bus is not ready"}}`))
		return
	}
	f.sizes = append(f.sizes, len(items))
	rep := reply{}
	for i, it := range items {
		res := replyResult{Index: i}
		switch {
		case it.Err != nil:
			f.t.Errorf("item %d does not decode: %v", i, it.Err)
			res.Status = "rejected"
		case fl.rejectFirst && i == 0:
			res.ID, res.Status = it.Event.ID, "rejected"
		default:
			res.ID = it.Event.ID
			if verr := it.Event.Validate(f.now, event.DefaultLimits); verr != nil {
				f.t.Errorf("event %s invalid: %v", it.Event.ID, verr)
				res.Status = "rejected"
			} else if fl.failEvery > 0 && i%fl.failEvery == 0 {
				res.Status = "failed"
			} else if f.stored[it.Event.ID] > 0 {
				res.Status = "duplicate"
			} else {
				res.Status = "accepted"
				f.stored[it.Event.ID]++
				f.events = append(f.events, it.Event)
			}
		}
		switch res.Status {
		case "accepted":
			rep.Accepted++
		case "duplicate":
			rep.Duplicates++
		case "rejected":
			rep.Rejected++
		}
		rep.Results = append(rep.Results, res)
	}
	if fl.status != 0 {
		w.WriteHeader(fl.status) // stored, but the answer is lost
		return
	}
	json.NewEncoder(w).Encode(rep)
}

func TestPostingSurvivesIngestFaults(t *testing.T) {
	start := testStart.Add(8 * time.Hour) // morning: most workers on duty
	end := start.Add(30 * time.Minute)
	tests := []struct {
		name       string
		fail       func(n, events int) failure
		maxBytes   int
		retries    int64
		duplicates bool // a batch is stored twice
		rejected   int64
		wantErr    string
	}{
		{name: "all well"},
		{name: "bus not ready, then ready", fail: func(n, _ int) failure {
			if n <= 3 {
				return failure{status: http.StatusServiceUnavailable}
			}
			return failure{}
		}, retries: 3},
		{name: "stored but the answer lost", fail: func(n, _ int) failure {
			if n == 2 {
				return failure{status: http.StatusInternalServerError, afterStore: true}
			}
			return failure{}
		}, retries: 1, duplicates: true},
		{name: "some events not stored", fail: func(n, _ int) failure {
			if n == 1 {
				return failure{failEvery: 7}
			}
			return failure{}
		}, retries: 1},
		{name: "connection dropped", fail: func(n, _ int) failure { return failure{dropConn: n == 1} }, retries: 1},
		{name: "too large, split", fail: func(_, events int) failure {
			if events > 300 {
				return failure{status: http.StatusRequestEntityTooLarge}
			}
			return failure{}
		}},
		{name: "small byte budget", maxBytes: 64 << 10},
		{name: "an event rejected", fail: func(n, _ int) failure { return failure{rejectFirst: n == 1} }, rejected: 1},
		{name: "wrong address", fail: func(int, int) failure { return failure{status: http.StatusNotFound} }, wantErr: "404"},
		{name: "down for good", fail: func(int, int) failure { return failure{status: http.StatusServiceUnavailable} }, retries: 3, wantErr: "after 4 attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeIngest{t: t, now: end, fail: tt.fail, stored: map[string]int{}}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			var logs bytes.Buffer
			cfg := Config{
				BaseURL: srv.URL, Seed: 8, Start: start, MaxRetries: 3, MaxBatchBytes: tt.maxBytes,
				Header: http.Header{"X-Integrator-Key": {"k1"}},
				Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			}
			s := newTestSim(t, cfg)
			var waits []time.Duration
			s.post.sleep = func(_ context.Context, d time.Duration) error {
				waits = append(waits, d)
				return nil
			}
			var err error
			for to := start; to.Before(end) && err == nil; {
				to = to.Add(5 * time.Minute)
				err = s.Step(context.Background(), to)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Step error %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}

			// Every event the twin makes arrived exactly once.
			want := collect(newTestSim(t, cfg), end)
			if len(want) < 2*DefaultMaxBatch {
				t.Fatalf("only %d events: too few to span batches", len(want))
			}
			for _, e := range want {
				if fake.stored[e.ID] != 1 && !(tt.rejected > 0 && fake.stored[e.ID] == 0) {
					t.Fatalf("event %s stored %d times", e.ID, fake.stored[e.ID])
				}
			}
			st := s.Stats()
			stored := int64(len(fake.stored))
			if stored != int64(len(want))-tt.rejected || st.Accepted+st.Duplicates != stored {
				t.Errorf("stored %d, accepted %d + %d duplicates, want %d", stored, st.Accepted, st.Duplicates, int64(len(want))-tt.rejected)
			}
			if sent := st.Orders + st.Patrols + st.Alarms; sent != int64(len(want)) {
				t.Errorf("sent %d events, want %d", sent, len(want))
			}
			if st.Retries != tt.retries || int64(len(waits)) != tt.retries {
				t.Errorf("%d retries, %d waits, want %d", st.Retries, len(waits), tt.retries)
			}
			if tt.duplicates != (st.Duplicates > 0) {
				t.Errorf("%d duplicates", st.Duplicates)
			}
			if st.Rejected != tt.rejected {
				t.Errorf("%d rejected, want %d", st.Rejected, tt.rejected)
			}
			if tt.rejected > 0 && !strings.Contains(logs.String(), "event rejected") {
				t.Error("a rejected event was not logged")
			}
			for _, n := range fake.sizes {
				if n > DefaultMaxBatch {
					t.Errorf("a request of %d events", n)
				}
			}
			for _, n := range fake.bodies {
				if n > s.cfg.MaxBatchBytes {
					t.Errorf("a request of %d bytes, the budget is %d", n, s.cfg.MaxBatchBytes)
				}
			}
			if got := fake.headers.Get("X-Integrator-Key"); got != "k1" {
				t.Errorf("configured header arrived as %q", got)
			}
		})
	}
}
