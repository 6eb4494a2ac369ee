package dispatch

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// A dispatcher takes an order from report to closing, every step stored
// as an event and shown by the live state.
func TestActionsTakeAnOrderFromReportToClosing(t *testing.T) {
	f := newFixture(t, Config{})
	g := f.grids[0]
	o := f.report(g, "environment.parking", "normal")
	if o.State != event.Received || o.Deadline == nil || !o.Deadline.Equal(t0.Add(72*time.Hour)) {
		t.Fatalf("reported order: state %s, deadline %v", o.State, o.Deadline)
	}
	info, err := f.svc.Order("", o.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if info.Routing.Level != LevelCommunity || info.Routing.Unit != g.Parent || info.Routing.UnitName == "" {
		t.Errorf("routing %+v, want the community %s by name", info.Routing, g.Parent)
	}
	if !slices.Equal(info.Actions, []Action{File, Escalate}) {
		t.Errorf("actions on a received order: %v", info.Actions)
	}

	steps := []struct {
		action Action
		req    Request
		want   event.State
	}{
		{File, Request{}, event.Filed},
		{Dispatch, Request{Assignee: "GW" + g.Code}, event.Dispatched},
		{Start, Request{Actor: "GW" + g.Code}, event.InProgress},
		{Report, Request{Actor: "GW" + g.Code}, event.ReportedDone},
		{Verify, Request{Actor: "GW" + g.Code}, event.Verified},
		{Close, Request{Satisfaction: 5}, event.Closed},
	}
	from := event.Received
	for _, s := range steps {
		f.clock.Advance(10 * time.Minute)
		res := f.do(o.OrderID, s.action, s.req)
		if res.From != from || res.To != s.want || res.Order.State != s.want {
			t.Fatalf("%s: %s → %s (view %s), want %s → %s", s.action, res.From, res.To, res.Order.State, from, s.want)
		}
		if !res.Order.Updated.Equal(f.clock.Now()) {
			t.Errorf("%s: step time %v, want the clock's %v", s.action, res.Order.Updated, f.clock.Now())
		}
		from = s.want
	}
	final := f.order(o.OrderID)
	if final.Assignee != "GW"+g.Code || final.Deadline == nil || !final.Deadline.Equal(o.Deadline.Time) {
		t.Errorf("closed order: assignee %q, deadline %v", final.Assignee, final.Deadline)
	}
	if got := f.state.Counts("").OpenOrders; got != 0 {
		t.Errorf("%d open orders after closing", got)
	}
}

func TestRefusedTransitions(t *testing.T) {
	f := newFixture(t, Config{})
	g := f.grids[1]
	o := f.report(g, "facility.drains", "normal")

	_, err := f.svc.Do(context.Background(), "", o.OrderID, Dispatch, Request{Actor: "d", Assignee: "GW1", Sender: "user:test"})
	te := asTransition(t, err)
	if te.From != event.Received || !slices.Equal(te.Allowed, []event.State{event.Filed, event.Escalated}) {
		t.Errorf("dispatching a received order: %+v", te)
	}

	// Escalated before anyone holds it: the states allow work to start,
	// the guard does not.
	f.do(o.OrderID, Escalate, Request{})
	_, err = f.svc.Do(context.Background(), "", o.OrderID, Start, Request{Actor: "GW1", Sender: "user:test"})
	if te := asTransition(t, err); te.Reason == "" {
		t.Errorf("starting an order nobody holds: %+v", te)
	}

	// A step from a view that is no longer current.
	seen := f.order(o.OrderID).Seq
	f.do(o.OrderID, Dispatch, Request{Assignee: "GW" + g.Code, Seq: seen})
	_, err = f.svc.Do(context.Background(), "", o.OrderID, Dispatch, Request{Actor: "d", Assignee: "GW2", Seq: seen, Sender: "user:test"})
	if te := asTransition(t, err); te.Reason == "" {
		t.Errorf("a second dispatch from the same view: %+v", te)
	}
	if got := f.order(o.OrderID).Assignee; got != "GW"+g.Code {
		t.Errorf("assignee %q after the refused second dispatch", got)
	}

	for _, a := range []Action{Start, Report, Verify} {
		f.do(o.OrderID, a, Request{})
	}
	f.do(o.OrderID, Close, Request{})
	_, err = f.svc.Do(context.Background(), "", o.OrderID, File, Request{Actor: "d", Sender: "user:test"})
	if te := asTransition(t, err); te.From != event.Closed || len(te.Allowed) != 0 {
		t.Errorf("filing a closed order: %+v", te)
	}
}

func TestBadRequests(t *testing.T) {
	f := newFixture(t, Config{})
	o := f.report(f.grids[2], "environment.noise", "normal")
	f.do(o.OrderID, File, Request{})
	f.do(o.OrderID, Dispatch, Request{Assignee: "dept:ecology"})
	deadline := *f.order(o.OrderID).Deadline
	at := func(d time.Duration) *event.Time { return &event.Time{Time: deadline.Time.Add(d)} }
	tests := []struct {
		name   string
		action Action
		req    Request
		field  string
	}{
		{"no actor", Start, Request{}, "actor"},
		{"an actor with control characters", Start, Request{Actor: "a\x01b"}, "actor"},
		{"an unknown action", Action("reopen"), Request{Actor: "a"}, "action"},
		{"dispatch without an assignee", Dispatch, Request{Actor: "a"}, "assignee"},
		{"an unknown department", Dispatch, Request{Actor: "a", Assignee: "dept:zoo"}, "assignee"},
		{"an assignee when starting", Start, Request{Actor: "a", Assignee: "GW1"}, "assignee"},
		{"a rating when starting", Start, Request{Actor: "a", Satisfaction: 4}, "satisfaction"},
		{"a rating out of range", Close, Request{Actor: "a", Satisfaction: 6}, "satisfaction"},
		{"a deadline when starting", Start, Request{Actor: "a", Deadline: at(time.Hour)}, "deadline"},
		{"an extension to an earlier deadline", Extend, Request{Actor: "a", Deadline: at(-time.Hour)}, "deadline"},
		{"an extension too far", Extend, Request{Actor: "a", Deadline: at(3 * 72 * time.Hour)}, "deadline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			req.Sender = "user:test"
			_, err := f.svc.Do(context.Background(), "", o.OrderID, tt.action, req)
			var fe *event.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("error %v, want one naming %s", err, tt.field)
			}
		})
	}
	if got := f.order(o.OrderID).State; got != event.Dispatched {
		t.Errorf("bad requests moved the order to %s", got)
	}
	if _, err := f.svc.Do(context.Background(), "", "WO-none", File, Request{Actor: "a", Sender: "user:test"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown order: %v", err)
	}
}

func TestReturnExtendAndDepartments(t *testing.T) {
	f := newFixture(t, Config{})
	g := f.grids[3]
	o := f.report(g, "environment.illegal_building", "normal")
	f.do(o.OrderID, File, Request{})
	f.do(o.OrderID, Dispatch, Request{Assignee: "GW" + g.Code})
	// Not the grid worker's remit: returned, and the street summons law
	// enforcement.
	ret := f.do(o.OrderID, Return, Request{Actor: "GW" + g.Code})
	if ret.Order.Assignee != "GW"+g.Code {
		t.Errorf("a returned order is still held by %q until dispatched again", ret.Order.Assignee)
	}
	sug, err := f.svc.Suggest("", o.OrderID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(sug.Departments) == 0 || sug.Departments[0].Code != "law_enforcement" {
		t.Fatalf("departments for illegal building: %+v", sug.Departments)
	}
	f.do(o.OrderID, Dispatch, Request{Assignee: sug.Departments[0].Assignee()})
	f.do(o.OrderID, Start, Request{Actor: "dept:law_enforcement"})

	// Extending without a date adds one period (7 days for illegal
	// building) to the deadline.
	before := *f.order(o.OrderID).Deadline
	ext := f.do(o.OrderID, Extend, Request{Actor: "dept:law_enforcement"})
	if want := before.Time.Add(7 * 24 * time.Hour); !ext.Order.Deadline.Equal(want) {
		t.Errorf("extended deadline %v, want %v", ext.Order.Deadline, want)
	}
	asked := event.Time{Time: ext.Order.Deadline.Add(48 * time.Hour)}
	f.do(o.OrderID, Escalate, Request{})
	ext2 := f.do(o.OrderID, Extend, Request{Actor: "dept:law_enforcement", Deadline: &asked})
	if !ext2.Order.Deadline.Equal(asked.Time) {
		t.Errorf("deadline %v, want the one asked for, %v", ext2.Order.Deadline, asked)
	}
	f.do(o.OrderID, Report, Request{Actor: "dept:law_enforcement"})
	// The check fails: back to the department for rework.
	f.do(o.OrderID, Return, Request{Actor: "GW" + g.Code})
	f.do(o.OrderID, Start, Request{Actor: "dept:law_enforcement"})
	if got := f.order(o.OrderID); got.State != event.InProgress || got.Assignee != "dept:law_enforcement" {
		t.Errorf("after rework: %s held by %s", got.State, got.Assignee)
	}
}

// The live state's suggestion prefers the order's own grid worker to a
// nearer one from the next grid, leaves out workers off duty, and weighs
// what each already holds.
func TestSuggest(t *testing.T) {
	f := newFixture(t, Config{})
	g, other := f.grids[0], f.grids[1]
	o := f.report(g, "environment.garbage", "normal")
	p := f.inGrid(g)
	f.patrol("GW-own", g, offset(p, 250), true)
	f.patrol("GW-next", other, offset(p, 60), true)
	f.patrol("GW-off", g, offset(p, 20), false)

	sug, err := f.svc.Suggest("", o.OrderID, 5)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range sug.Workers {
		ids = append(ids, s.WorkerID)
	}
	if !slices.Equal(ids, []string{"GW-own", "GW-next"}) {
		t.Fatalf("suggested %v (%+v)", ids, sug.Workers)
	}
	if s := sug.Workers[0]; !s.SameGrid || !s.SameCommunity || s.Meters < 200 || s.Meters > 300 {
		t.Errorf("own worker: %+v", s)
	}

	// Two open orders held make the own worker give way.
	for range 2 {
		busy := f.report(g, "environment.garbage", "normal")
		f.do(busy.OrderID, File, Request{})
		f.do(busy.OrderID, Dispatch, Request{Assignee: "GW-own"})
	}
	sug, err = f.svc.Suggest("", o.OrderID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(sug.Workers) != 1 || sug.Workers[0].WorkerID != "GW-next" || sug.Departments[0].Code != "sanitation" {
		t.Errorf("with the own worker busy: %+v", sug)
	}
	if _, err := f.svc.Suggest("", "WO-none", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown order: %v", err)
	}
}
