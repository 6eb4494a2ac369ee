package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/internal/eventually"
	"github.com/gridpulse/gridpulse/seed"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/ingest"
	"github.com/gridpulse/gridpulse/stream/live"
)

// t0 is 09:00 in Chengdu.
var t0 = time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	return ch
}

// Advance moves the clock on and fires the waits that came due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
		} else {
			w.ch <- c.now
		}
	}
	c.waiters = kept
}

// sleepers is how many waits are pending.
func (c *fakeClock) sleepers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// fixture is the real pipeline on a tiny district: JetStream embedded,
// ingest, the live state following the bus, and the service, all on one
// fake clock.
type fixture struct {
	t       *testing.T
	clock   *fakeClock
	bus     *bus.Bus
	in      *ingest.Ingest
	state   *live.State
	svc     *Service
	areas   *area.Set
	grids   []*area.Area // general grids, in layer order
	places  map[string]event.Position
	nextEvt int
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	d, err := seed.Generate(context.Background(), seed.Tiny(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ix := geo.NewIndex(d.Areas)
	b, err := bus.Open(context.Background(), bus.DefaultConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	clock := newFakeClock(t0)
	state := live.New(live.Config{Clock: clock.Now, SweepInterval: time.Hour})
	in := ingest.New(ingest.DefaultConfig(), ix, b, clock.Now)
	cfg.Clock = clock
	svc, err := New(cfg, Deps{Door: in, State: state, Areas: d.Areas})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, clock: clock, bus: b, in: in, state: state, svc: svc, areas: d.Areas,
		grids: d.Areas.Layer(area.GeneralGrid), places: map[string]event.Position{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- state.Run(ctx, b) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := state.WaitReady(wctx); err != nil {
		t.Fatalf("live state not ready: %v", err)
	}
	return f
}

// inGrid is a point inside general grid g, away from its edges.
func (f *fixture) inGrid(g *area.Area) event.Position {
	if p, ok := f.places[g.Code]; ok {
		return p
	}
	c, _ := planar.CentroidArea(g.Geometry)
	if !g.Contains(c) {
		f.t.Fatalf("the centroid of grid %s lies outside it", g.Code)
	}
	p := event.Position{c[0], c[1]}
	f.places[g.Code] = p
	return p
}

// gridsOfTwoStreets is the first grid of each of the district's first two
// streets.
func (f *fixture) gridsOfTwoStreets() (g1, g2 *area.Area) {
	f.t.Helper()
	var grids []*area.Area
	for _, g := range f.grids {
		if len(grids) == 0 || g.Code[:area.StreetCodeLen] != grids[len(grids)-1].Code[:area.StreetCodeLen] {
			grids = append(grids, g)
		}
	}
	if len(grids) < 2 {
		f.t.Fatalf("the tiny district has grids in %d streets, want 2", len(grids))
	}
	return grids[0], grids[1]
}

// report opens an order in grid g.
func (f *fixture) report(g *area.Area, category string, priority event.Priority) *live.Order {
	f.t.Helper()
	o, err := f.svc.Report(context.Background(), NewOrder{Channel: "hotline_12345", Category: category,
		Priority: priority, Title: "test order", Location: f.inGrid(g), Actor: "hotline", Sender: "integrator:hotline"})
	if err != nil {
		f.t.Fatalf("report: %v", err)
	}
	if o.Area.GeneralGrid != g.Code {
		f.t.Fatalf("order located in grid %q, want %s", o.Area.GeneralGrid, g.Code)
	}
	return o
}

// do takes an action that must succeed and be applied.
func (f *fixture) do(id string, a Action, req Request) *Result {
	f.t.Helper()
	if req.Actor == "" {
		req.Actor = "dispatcher:test"
	}
	if req.Sender == "" {
		req.Sender = "user:dispatcher"
	}
	res, err := f.svc.Do(context.Background(), "", id, a, req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", a, id, err)
	}
	if !res.Applied {
		f.t.Fatalf("%s %s: stored but not applied", a, id)
	}
	return res
}

// order is the live view of an order.
func (f *fixture) order(id string) *live.Order {
	f.t.Helper()
	o, ok := f.state.Order(id)
	if !ok {
		f.t.Fatalf("order %s is not in the live state", id)
	}
	return o
}

// patrol posts a worker's position at p and waits until the live state
// holds it.
func (f *fixture) patrol(id string, home *area.Area, p event.Position, onDuty bool) {
	f.t.Helper()
	f.nextEvt++
	e := event.Event{ID: fmt.Sprintf("p-%d", f.nextEvt), Type: event.TypePatrol, Time: event.Time{Time: f.clock.Now()},
		Location: p, Patrol: &event.Patrol{WorkerID: id, Role: "grid_worker", OnDuty: onDuty, Grid: home.Code}}
	body, _ := json.Marshal([]event.Event{e})
	resp, err := f.in.Submit(context.Background(), "integrator:test", body)
	if err != nil || resp.Accepted != 1 {
		f.t.Fatalf("patrol %s: %v %+v", id, err, resp)
	}
	eventually.Holds(f.t, "worker "+id, func() bool {
		for _, n := range f.state.NearestWorkers(orb.Point(p), 1000, false, "") {
			if n.Worker.WorkerID == id && n.Worker.Updated.Equal(e.Time.Time) {
				return true
			}
		}
		return false
	})
}

// offset is p moved by metres east.
func offset(p event.Position, east float64) event.Position {
	return event.Position{p[0] + east/(111_320*0.86), p[1]} // cos(30.6°) ≈ 0.86
}

// asTransition is err as a *TransitionError, or a test failure.
func asTransition(t *testing.T, err error) *TransitionError {
	t.Helper()
	var te *TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("error %v is not a refused transition", err)
	}
	return te
}
