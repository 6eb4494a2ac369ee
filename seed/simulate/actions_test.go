package simulate

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/tile"
	"github.com/gridpulse/gridpulse/server"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/hub"
	"github.com/gridpulse/gridpulse/stream/ingest"
	"github.com/gridpulse/gridpulse/stream/live"
)

// A simulator with Actions drives a real server: the past is posted as
// events, and the steps that happen now go through the dispatch actions,
// which accept every one of them — the simulated life cycles follow the
// server's state machine — while escalations are left to the server.
func TestActionsDriveTheServersStateMachine(t *testing.T) {
	ctx, state, url, _ := dispatchServer(t)
	// Steps taken through the actions carry the server's time; the past's
	// events their own, at least twelve hours ago.
	real := time.Now().UTC().Truncate(time.Second)
	var closedByAction atomic.Int64
	state.OnChange(func(c live.Change) {
		if o, ok := c.View.(*live.Order); ok && c.Removed && o.State == event.Closed && o.Updated.After(real.Add(-time.Minute)) {
			closedByAction.Add(1)
		}
	})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	start := real.Add(-36 * time.Hour)
	s := newTestSim(t, Config{BaseURL: url, Start: start, Seed: 4, Actions: true, ActionLag: 15 * time.Minute,
		AppealsPerDay: 2000, Workers: 16, PatrolMin: time.Minute, PatrolMax: 2 * time.Minute, Logger: quiet})

	// The first day is the past: posted as events.
	if err := s.Step(ctx, start.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	past := s.Stats()
	if past.Actions != 0 || past.Orders == 0 {
		t.Fatalf("the past: %d actions, %d order events", past.Actions, past.Orders)
	}
	// The last twelve hours happen now.
	stepAsNow(ctx, t, s, start.Add(24*time.Hour), real)
	st := s.Stats()
	if st.Actions < 100 || st.Refused != 0 || st.Rejected != 0 {
		t.Errorf("%d actions taken, %d refused, %d rejected; want many taken and none refused", st.Actions, st.Refused, st.Rejected)
	}
	if closedByAction.Load() == 0 {
		t.Error("no order was closed through the actions")
	}
	t.Logf("%d actions, %d escalations left to the server, %d orders closed", st.Actions, st.LeftToServer, closedByAction.Load())
}

// stepAsNow runs s from from to to ten minutes at a time, each step's end
// being now to it, so that what happens in it goes through the actions.
func stepAsNow(ctx context.Context, t *testing.T, s *Simulator, from, to time.Time) {
	t.Helper()
	for at := from; at.Before(to); {
		at = at.Add(10 * time.Minute)
		s.now = func() time.Time { return at }
		if err := s.Step(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
}

// dispatchServer is a real server with its bus, live state, ingest,
// WebSocket hub and dispatch actions for the tiny district, open to all,
// on loopback. The context ends with the test.
func dispatchServer(t *testing.T) (context.Context, *live.State, string, *bus.Bus) {
	t.Helper()
	d := tinyDistrict(t)
	ix := geo.NewIndex(d.Areas)
	b, err := bus.Open(context.Background(), bus.DefaultConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	state := live.New(live.Config{})
	in := ingest.New(ingest.DefaultConfig(), ix, b, nil)
	svc, err := dispatch.New(dispatch.Config{}, dispatch.Deps{Door: in, State: state, Areas: d.Areas})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(server.Config{}, server.Deps{Logger: quiet, Open: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SetAreas(server.Areas{Index: ix, Tiles: tile.NewRenderer(ix, tile.Config{})}); err != nil {
		t.Fatal(err)
	}
	h := hub.New(hub.DefaultConfig(), state)
	srv.SetLive(server.Live{Ingest: in, State: state, Hub: h, Check: b.Check})
	srv.SetDispatch(server.Dispatch{Service: svc})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { state.Run(ctx, b) })
	wg.Go(func() { h.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	if err := state.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ctx, state, ts.URL, b
}

// fakeOrders answers actions with the statuses a test lines up, and
// suggestions with one worker.
type fakeOrders struct {
	mu       sync.Mutex
	statuses []int // answered in turn; then 200
	paths    []string
	bodies   []string
}

func (f *fakeOrders) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == http.MethodGet {
		io.WriteString(w, `{"order_id":"x","workers":[{"worker_id":"GW-suggested"}],"departments":[]}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.paths = append(f.paths, r.URL.Path)
	f.bodies = append(f.bodies, string(body))
	status := http.StatusOK
	if len(f.statuses) > 0 {
		status, f.statuses = f.statuses[0], f.statuses[1:]
	}
	w.WriteHeader(status)
	io.WriteString(w, `{"error":{"code":"x","message":"as the test asks"}}`)
}

func TestActorAnswers(t *testing.T) {
	step := func(state event.State, actor, assignee string) *event.Event {
		return &event.Event{Type: event.TypeOrder, Order: &event.Order{OrderID: "WO-1", State: state, Actor: actor, Assignee: assignee}}
	}
	tests := []struct {
		name     string
		statuses []int
		steps    []*event.Event
		wantErr  bool
		want     Stats
		bodies   []string
	}{
		{"taken", nil, []*event.Event{step(event.Filed, "community:1", "")}, false,
			Stats{Actions: 1, Orders: 1}, []string{`{"actor":"community:1"}`}},
		{"dispatched to the suggested worker, who then starts", nil,
			[]*event.Event{step(event.Dispatched, "community:1", "GW-planned"), step(event.InProgress, "GW-planned", "GW-planned")}, false,
			Stats{Actions: 2, Orders: 2}, []string{`{"actor":"community:1","assignee":"GW-suggested"}`, `{"actor":"GW-suggested"}`}},
		{"a department is not second-guessed", nil, []*event.Event{step(event.Dispatched, "street:1", "dept:water")}, false,
			Stats{Actions: 1, Orders: 1}, []string{`{"actor":"street:1","assignee":"dept:water"}`}},
		{"escalations are the server's", nil, []*event.Event{step(event.Escalated, "street:1", "")}, false,
			Stats{LeftToServer: 1}, nil},
		{"refused: the order moved otherwise", []int{409}, []*event.Event{step(event.Verified, "GW1", "")}, false,
			Stats{Refused: 1}, []string{`{"actor":"GW1"}`}},
		{"not known yet, then known", []int{404, 404}, []*event.Event{step(event.Filed, "c", "")}, false,
			Stats{Actions: 1, Orders: 1}, []string{`{"actor":"c"}`, `{"actor":"c"}`, `{"actor":"c"}`}},
		{"a passing fault", []int{503}, []*event.Event{step(event.Filed, "c", "")}, false,
			Stats{Actions: 1, Orders: 1, Retries: 1}, []string{`{"actor":"c"}`, `{"actor":"c"}`}},
		{"a bad request is counted and passed", []int{400}, []*event.Event{step(event.Filed, "c", "")}, false,
			Stats{Rejected: 1}, []string{`{"actor":"c"}`}},
		{"a lasting fault stops the run", []int{500, 500, 500}, []*event.Event{step(event.Filed, "c", "")}, true,
			Stats{Retries: 2}, []string{`{"actor":"c"}`, `{"actor":"c"}`, `{"actor":"c"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeOrders{statuses: tt.statuses}
			srv := httptest.NewServer(f)
			defer srv.Close()
			var c counters
			a := &actor{client: srv.Client(), base: srv.URL, retries: 2, log: slog.New(slog.NewTextHandler(io.Discard, nil)), c: &c,
				backoff: func(int, time.Duration) time.Duration { return 0 },
				sleep:   func(context.Context, time.Duration) error { return nil }, sentTo: map[string]handover{}}
			var err error
			for _, e := range tt.steps {
				if err = a.act(context.Background(), e); err != nil {
					break
				}
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want one: %v", err, tt.wantErr)
			}
			got := c.snapshot()
			got.SimTime = time.Time{}
			if got != tt.want {
				t.Errorf("stats %+v, want %+v", got, tt.want)
			}
			if len(f.bodies) != len(tt.bodies) {
				t.Fatalf("bodies %v, want %v", f.bodies, tt.bodies)
			}
			for i := range f.bodies {
				if f.bodies[i] != tt.bodies[i] {
					t.Errorf("body %d: %s, want %s", i, f.bodies[i], tt.bodies[i])
				}
			}
			if len(f.paths) > 0 && f.paths[0] != OrdersPath+"/WO-1/"+string(mustAction(tt.steps[0].Order.State)) {
				t.Errorf("path %s", f.paths[0])
			}
		})
	}
}

func mustAction(s event.State) dispatch.Action {
	a, _ := dispatch.ActionFor(s)
	return a
}
