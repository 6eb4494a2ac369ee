package simulate

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/internal/eventually"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/live"
)

// An adopted order, whatever state it was left in, is walked from there
// to its closing by steps the server's state machine takes, after the
// moment it is taken over, keeping its channel, category and priority and
// counting its escalations on from those it has had.
func TestAdoptWalksAnOpenOrderToItsClosing(t *testing.T) {
	at := testStart.Add(10 * day)
	tests := []struct {
		name        string
		state       event.State
		assignee    string
		escalations int
		deadline    time.Duration // from at; 0 for none
		updated     time.Duration // from at
	}{
		{"received", event.Received, "", 0, 2 * day, -time.Hour},
		{"received, no deadline", event.Received, "", 0, 0, -time.Hour},
		{"filed", event.Filed, "", 0, day, -time.Hour},
		{"dispatched", event.Dispatched, "GW-x", 0, day, -time.Hour},
		{"returned", event.Returned, "GW-x", 0, day, -time.Hour},
		{"escalated, held by nobody", event.Escalated, "", 1, -day, -time.Hour},
		{"escalated to the last level", event.Escalated, "GW-x", maxEscalations, -20 * day, -19 * day},
		{"extended", event.Extended, "GW-x", 0, 3 * day, -time.Hour},
		{"in progress, overdue for weeks", event.InProgress, "GW-x", 2, -30 * day, -25 * day},
		{"in progress, last moved after the takeover", event.InProgress, "GW-x", 0, day, time.Hour},
		{"reported done", event.ReportedDone, "GW-x", 0, day, -time.Hour},
		{"verified", event.Verified, "GW-x", 0, day, -time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range uint64(40) {
				p := newParts(t, seed, false, false, false)
				g := p.d.grids[int(seed)%len(p.d.grids)]
				v := &live.Order{OrderID: "WO-OLD-1", State: tt.state, Channel: "hotline_12345",
					Category: "environment.noise", Priority: "normal", Location: event.Position(g.shape.toLonLat(g.shape.bound.Center())),
					Area:    event.Chain{Street: g.comm.street, Community: g.comm.code, GeneralGrid: g.a.Code},
					Updated: event.Time{Time: at.Add(tt.updated)}, Escalations: tt.escalations, Assignee: tt.assignee}
				if tt.deadline != 0 {
					v.Deadline = &event.Time{Time: at.Add(tt.deadline)}
				}
				if !p.orders.adopt(v, at, "run1-") {
					t.Fatal("not adopted")
				}
				if why := checkAdopted(v, p.run(at.Add(120*day)), maxTime(at, v.Updated.Add(time.Second))); why != "" {
					t.Fatalf("seed %d: %s", seed, why)
				}
			}
		})
	}
	t.Run("a grid the simulator does not drive", func(t *testing.T) {
		p := newParts(t, 1, false, false, false)
		v := &live.Order{OrderID: "WO-ELSEWHERE", State: event.Filed, Area: event.Chain{GeneralGrid: "999999999999999"}}
		if p.orders.adopt(v, at, "run1-") || len(p.run(at.Add(120*day))) != 0 {
			t.Error("adopted an order of a grid it does not drive")
		}
	})
}

// checkAdopted reports the first way the events for an adopted order v
// break its life cycle from the state it was adopted in, or "".
func checkAdopted(v *live.Order, evs []*event.Event, since time.Time) string {
	if len(evs) == 0 {
		return "no steps"
	}
	state, esc, last := v.State, v.Escalations, since.Add(-time.Millisecond)
	for _, e := range evs {
		o := e.Order
		switch {
		case o == nil || o.OrderID != v.OrderID:
			return "an event of something else: " + e.ID
		case !strings.HasPrefix(e.ID, v.OrderID+".run1-"):
			return "event id without the run's tag: " + e.ID
		case !e.Time.After(last):
			return "times do not increase from the takeover at " + string(o.State)
		case !dispatch.CanMove(state, o.State):
			return "the state machine refuses " + string(state) + " → " + string(o.State)
		case o.Channel != v.Channel || o.Category != v.Category || o.Priority != v.Priority:
			return "channel, category or priority changed"
		case (o.State == event.InProgress || o.State == event.ReportedDone) && o.Assignee == "":
			return string(o.State) + " held by nobody"
		}
		if o.State == event.Escalated {
			esc++
		}
		if o.Escalations != esc || esc > maxEscalations {
			return "escalations do not count on from the adopted order's"
		}
		state, last = o.State, e.Time.Time
	}
	if state != event.Closed {
		return "not closed in 120 days but " + string(state)
	}
	return ""
}

// A simulator that starts on a server holding open orders and active
// alarms it did not open (here those a first run left) reads them from the
// live WebSocket and adopts every one of them; the orders' steps go through
// the server's actions, which accept every one, and in twelve hours a good
// share of them are closed, and the alarm cleared.
func TestRunAdoptsTheOrdersTheServerHolds(t *testing.T) {
	ctx, state, url, b := dispatchServer(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The second run's twelve hours are the office hours (08:00–20:00 in
	// Beijing) of the last day before now, so that how many orders it
	// closes does not hang on the hour the test runs at: offices verify
	// and close nothing at night.
	local := time.Now().In(beijing)
	end := time.Date(local.Year(), local.Month(), local.Day(), 20, 0, 0, 0, beijing)
	if end.After(local) {
		end = end.AddDate(0, 0, -1)
	}
	end = end.UTC()

	// A first run posts a day of orders, up to the second run's morning,
	// and stops.
	start := end.Add(-36 * time.Hour)
	first := newTestSim(t, Config{BaseURL: url, Start: start, Seed: 4, Actions: true,
		AppealsPerDay: 2000, Workers: 16, PatrolMin: time.Minute, PatrolMax: 2 * time.Minute, Logger: quiet})
	if err := first.Step(ctx, start.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// And an alarm raised an hour before it stopped, never cleared.
	i := slices.IndexFunc(first.alarms.devices, func(d []*device) bool { return len(d) > 0 })
	spec, dev := first.alarms.specs[i], first.alarms.devices[i][0]
	raised := &event.Event{ID: "AL-LEFT.1", Type: event.TypeAlarm, Time: event.Time{Time: start.Add(23 * time.Hour)},
		Location: event.Position(dev.loc), Alarm: &event.Alarm{AlarmID: "AL-LEFT", DeviceID: dev.id, DeviceType: dev.typ,
			Kind: spec.kind, Severity: spec.severity, Action: event.Raise}}
	if err := first.post.post(ctx, []*event.Event{raised}); err != nil {
		t.Fatal(err)
	}
	eventually.Holds(t, "the live state has applied the first run's events", func() bool {
		last, err := b.LastSeq(ctx, bus.EventsStream)
		return err == nil && state.Seq() == last
	})
	left := map[string]bool{}
	held := state.Snapshot(live.Query{Layers: live.LayersOf(live.Orders, live.Alarms)})
	for _, o := range held.Orders {
		left[o.OrderID] = true
	}
	if len(left) < 100 || !slices.ContainsFunc(held.Alarms, func(a *live.Alarm) bool { return a.AlarmID == "AL-LEFT" }) {
		t.Fatalf("the first run left %d orders open and %d alarms active; want a good many orders and AL-LEFT",
			len(left), len(held.Alarms))
	}

	// A second run, with a seed and start of its own and few orders of
	// its own, takes them over.
	second := newTestSim(t, Config{BaseURL: url, Start: start.Add(24 * time.Hour), Seed: 5, Actions: true, ActionLag: 15 * time.Minute,
		AppealsPerDay: 100, Workers: 16, PatrolMin: time.Minute, PatrolMax: 2 * time.Minute, Logger: quiet})
	second.adoptHeldOpen(ctx, start.Add(24*time.Hour))
	if st := second.Stats(); st.AdoptedOrders != int64(len(left)) || st.AdoptedAlarms != int64(len(held.Alarms)) {
		t.Fatalf("adopted %d of the %d open orders and %d of the %d active alarms",
			st.AdoptedOrders, len(left), st.AdoptedAlarms, len(held.Alarms))
	}
	// Its twelve hours happen as if now.
	stepAsNow(ctx, t, second, start.Add(24*time.Hour), end)
	st := second.Stats()
	if st.Refused != 0 || st.Rejected != 0 {
		t.Errorf("%d actions refused, %d rejected; want none", st.Refused, st.Rejected)
	}
	still := 0
	after := state.Snapshot(live.Query{Layers: live.LayersOf(live.Orders, live.Alarms)})
	for _, o := range after.Orders {
		if left[o.OrderID] {
			still++
		}
	}
	for _, a := range after.Alarms {
		if a.AlarmID == "AL-LEFT" {
			t.Errorf("alarm AL-LEFT still %s twelve hours after it was adopted", a.Status)
		}
	}
	// Orders take days to handle, so most are still open; left alone,
	// none would ever close.
	if still > len(left)*4/5 {
		t.Errorf("%d of the %d adopted orders still open after twelve hours; want a fifth of them closed", still, len(left))
	}
	t.Logf("adopted %d open orders and %d active alarms; %d orders still open twelve hours on; %d actions",
		len(left), len(held.Alarms), still, st.Actions)
}

// An adopted alarm is acknowledged if it is not yet, then cleared, after
// the moment it is taken over, and its device raises nothing new until
// then; an alarm of a kind the simulator does not raise is left alone.
func TestAdoptClearsAnActiveAlarm(t *testing.T) {
	at := testStart.Add(10 * day)
	tests := []struct {
		name    string
		status  live.AlarmStatus
		updated time.Duration // from at
		want    []event.Action
	}{
		{"raised", live.AlarmRaised, -time.Hour, []event.Action{event.Acknowledge, event.Clear}},
		{"acknowledged", live.AlarmAcknowledged, -time.Hour, []event.Action{event.Clear}},
		{"acknowledged after the takeover", live.AlarmAcknowledged, time.Hour, []event.Action{event.Clear}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newParts(t, 3, false, false, false)
			i := slices.IndexFunc(p.alarms.devices, func(d []*device) bool { return len(d) > 0 })
			spec, dev := p.alarms.specs[i], p.alarms.devices[i][0]
			v := &live.Alarm{AlarmID: "AL-OLD-1", DeviceID: dev.id, DeviceType: dev.typ, Kind: spec.kind,
				Severity: spec.severity, Status: tt.status, Updated: event.Time{Time: at.Add(tt.updated)},
				Location: event.Position(dev.loc)}
			if !p.alarms.adopt(v, at, "run1-") {
				t.Fatal("not adopted")
			}
			evs := p.run(at.Add(30 * day))
			var got []event.Action
			last := maxTime(at, v.Updated.Time)
			for _, e := range evs {
				if e.Alarm == nil || e.Alarm.AlarmID != v.AlarmID || e.Alarm.DeviceID != v.DeviceID || e.Alarm.Kind != v.Kind {
					t.Fatalf("an event of something else: %+v", e)
				}
				if !strings.HasPrefix(e.ID, v.AlarmID+".run1-") || !e.Time.After(last) {
					t.Fatalf("event %s at %s: want the run's tag, after %s", e.ID, e.Time, last)
				}
				got, last = append(got, e.Alarm.Action), e.Time.Time
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("actions %v, want %v", got, tt.want)
			}
			if dev.busyUntil.Before(last) {
				t.Errorf("the device is free from %s, before its adopted alarm clears at %s", dev.busyUntil, last)
			}
		})
	}
	t.Run("a kind the simulator does not raise", func(t *testing.T) {
		p := newParts(t, 3, false, false, false)
		v := &live.Alarm{AlarmID: "AL-OTHER", Kind: "no_such_kind", Status: live.AlarmRaised}
		if p.alarms.adopt(v, at, "run1-") || len(p.run(at.Add(30*day))) != 0 {
			t.Error("adopted an alarm of a kind it does not raise")
		}
	})
}

// A server that cannot say what it holds open is answered with an error
// naming why, and the run goes on without adopting anything.
func TestReadHeldOpenSaysWhyItCannot(t *testing.T) {
	upgrader := websocket.Upgrader{}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"no live WebSocket", http.NotFound, "bad handshake"},
		{"a refused subscription", func(w http.ResponseWriter, r *http.Request) {
			ws, err := upgrader.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer ws.Close()
			_, _, _ = ws.ReadMessage()
			_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"op":"pong"}`+"\n"+`{"op":"error","sub":"adopt","code":"out_of_scope","message":"area 1 is outside this connection's scope"}`))
			_, _, _ = ws.ReadMessage()
		}, "outside this connection's scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			s := newTestSim(t, Config{BaseURL: srv.URL, Actions: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if _, err := s.act.readHeldOpen(context.Background()); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
			s.adoptHeldOpen(context.Background(), testStart)
			if st := s.Stats(); st.AdoptedOrders != 0 || st.AdoptedAlarms != 0 {
				t.Errorf("adopted %d orders and %d alarms from a server that said nothing", st.AdoptedOrders, st.AdoptedAlarms)
			}
		})
	}
}
