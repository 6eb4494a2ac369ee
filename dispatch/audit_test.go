package dispatch

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/writer"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/internal/eventually"
)

// Every step, made by a person or by the scheduler, reaches ClickHouse
// through the analytics writer, and the audit trail reads who moved the
// order from which state to which: the actor each step names, and who
// sent it as the server knew them.
func TestAuditTrailFromClickHouse(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		f := newFixture(t, Config{})
		store := analyticstest.Open(t, cfg)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		wcfg := writer.DefaultConfig()
		wcfg.MaxWait = 50 * time.Millisecond
		go func() { done <- writer.New(store, wcfg).Run(ctx, f.bus) }()
		defer func() {
			cancel()
			<-done
		}()

		sc := NewScheduler(f.svc, nil)
		g := f.grids[0]
		o := f.report(g, "environment.garbage", "normal")
		f.do(o.OrderID, File, Request{Actor: "community:" + g.Parent})
		f.do(o.OrderID, Dispatch, Request{Actor: "community:" + g.Parent, Assignee: "GW" + g.Code})
		f.clock.Advance(73 * time.Hour)
		sc.Check(context.Background())
		f.do(o.OrderID, Start, Request{Actor: "GW" + g.Code, Sender: "user:worker-app"})

		audit := NewAudit(store.Engine())
		var trail []AuditRecord
		eventually.Holds(t, "the audit trail in ClickHouse", func() bool {
			var err error
			trail, err = audit.Trail(context.Background(), "", o.OrderID, o.Area.Street)
			if err != nil {
				t.Fatal(err)
			}
			return len(trail) == 5
		})
		type step struct {
			from, to      event.State
			actor, sender string
		}
		var got []step
		for _, r := range trail {
			got = append(got, step{r.From, r.To, r.Actor, r.Sender})
		}
		want := []step{
			{"", event.Received, "hotline", "integrator:hotline"},
			{event.Received, event.Filed, "community:" + g.Parent, "user:dispatcher"},
			{event.Filed, event.Dispatched, "community:" + g.Parent, "user:dispatcher"},
			{event.Dispatched, event.Escalated, SystemActor, SystemActor},
			{event.Escalated, event.InProgress, "GW" + g.Code, "user:worker-app"},
		}
		if !slices.Equal(got, want) {
			t.Errorf("trail\n got %v\nwant %v", got, want)
		}
		esc := trail[3]
		if esc.Escalations != 1 || esc.Assignee != "GW"+g.Code || !esc.Time.Equal(t0.Add(73*time.Hour)) ||
			esc.Deadline == nil || !esc.Deadline.Equal(t0.Add(73*time.Hour+36*time.Hour)) {
			t.Errorf("escalation record %+v", esc)
		}
		if other, err := audit.Trail(context.Background(), "", "WO-none", ""); err != nil || len(other) != 0 {
			t.Errorf("an unknown order's trail: %v, %v", other, err)
		}
		// Within the caller's scope the whole trail; outside it none, as
		// for an order that does not exist.
		var otherCommunity, otherStreet string
		for _, c := range f.areas.Layer(area.Community) {
			if c.Code != o.Area.Community && otherCommunity == "" {
				otherCommunity = c.Code
			}
			if c.Parent != o.Area.Street {
				otherStreet = c.Parent
			}
		}
		for _, tt := range []struct {
			scope string
			want  int
		}{
			{o.Area.Street[:area.DistrictCodeLen], 5}, {o.Area.Street, 5}, {o.Area.Community, 5},
			{otherStreet, 0}, {otherCommunity, 0},
		} {
			got, err := audit.Trail(context.Background(), tt.scope, o.OrderID, "")
			if err != nil || len(got) != tt.want {
				t.Errorf("trail in scope %s: %d steps, %v; want %d", tt.scope, len(got), err, tt.want)
			}
		}
	})
}
