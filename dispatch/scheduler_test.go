package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/internal/eventually"
	"github.com/gridpulse/gridpulse/stream/live"
)

// A missed deadline escalates community → street → district; the third
// escalation flags the order and the scheduler stops there. Each
// escalation gives half the period again.
func TestSchedulerEscalationPath(t *testing.T) {
	f := newFixture(t, Config{})
	sc := NewScheduler(f.svc, slog.New(slog.DiscardHandler))
	g := f.grids[0]
	o := f.report(g, "environment.parking", "normal") // 72 h
	f.do(o.OrderID, File, Request{})
	f.do(o.OrderID, Dispatch, Request{Assignee: "GW" + g.Code})
	f.do(o.OrderID, Start, Request{Actor: "GW" + g.Code})
	ctx := context.Background()

	f.clock.Advance(72*time.Hour - time.Minute)
	if next := sc.Check(ctx); !next.Equal(o.Deadline.Time) {
		t.Errorf("a minute early: next deadline %v, want %v", next, o.Deadline)
	}
	if got := f.order(o.OrderID); got.State != event.InProgress || got.Escalations != 0 {
		t.Fatalf("escalated early: %s, %d", got.State, got.Escalations)
	}

	wants := []struct {
		level   Level
		flagged bool
	}{{LevelStreet, false}, {LevelDistrict, false}, {LevelDistrict, true}}
	due := o.Deadline.Time
	for i, want := range wants {
		f.clock.Advance(due.Sub(f.clock.Now()))
		next := sc.Check(ctx)
		got := f.order(o.OrderID)
		if got.State != event.Escalated || got.Escalations != i+1 {
			t.Fatalf("at deadline %d: %s with %d escalations", i+1, got.State, got.Escalations)
		}
		if want := due.Add(36 * time.Hour); !got.Deadline.Equal(want) {
			t.Errorf("escalation %d: new deadline %v, want %v", i+1, got.Deadline, want)
		}
		info, _ := f.svc.Order("", o.OrderID)
		if info.Routing.Level != want.level || info.Routing.Flagged != want.flagged {
			t.Errorf("escalation %d: routing %+v, want %s flagged %v", i+1, info.Routing, want.level, want.flagged)
		}
		if i < len(wants)-1 && !next.Equal(got.Deadline.Time) {
			t.Errorf("escalation %d: next wake %v, want the new deadline %v", i+1, next, got.Deadline)
		}
		due = got.Deadline.Time
	}
	// Flagged: left to people.
	f.clock.Advance(due.Sub(f.clock.Now()) + time.Hour)
	if next := sc.Check(ctx); !next.IsZero() {
		t.Errorf("next wake %v with nothing left to watch", next)
	}
	if got := f.order(o.OrderID); got.Escalations != FlagAfter {
		t.Errorf("escalated %d times, want the scheduler to stop at %d", got.Escalations, FlagAfter)
	}
}

// Orders reported done, extended or escalated by hand before their
// deadline are judged by where they stand, not by the old deadline.
func TestSchedulerSparesOrdersThatMovedOn(t *testing.T) {
	f := newFixture(t, Config{})
	sc := NewScheduler(f.svc, slog.New(slog.DiscardHandler))
	g := f.grids[1]
	urgent := f.report(g, "safety.fire_lane", "urgent") // 1 h
	done := f.report(g, "safety.fire_lane", "urgent")
	extended := f.report(g, "safety.fire_lane", "urgent")
	for _, o := range []string{done.OrderID, extended.OrderID} {
		f.do(o, File, Request{})
		f.do(o, Dispatch, Request{Assignee: "GW" + g.Code})
		f.do(o, Start, Request{Actor: "GW" + g.Code})
	}
	f.clock.Advance(50 * time.Minute)
	f.do(done.OrderID, Report, Request{Actor: "GW" + g.Code})
	f.do(extended.OrderID, Extend, Request{Actor: "GW" + g.Code})
	f.clock.Advance(10 * time.Minute)
	sc.Check(context.Background())

	if got := f.order(urgent.OrderID); got.State != event.Escalated || got.Escalations != 1 {
		t.Errorf("the untouched urgent order: %s, %d escalations", got.State, got.Escalations)
	}
	if got := f.order(done.OrderID); got.State != event.ReportedDone || got.Escalations != 0 {
		t.Errorf("the order reported done: %s, %d escalations", got.State, got.Escalations)
	}
	if got := f.order(extended.OrderID); got.State != event.Extended || got.Escalations != 0 {
		t.Errorf("the extended order: %s, %d escalations", got.State, got.Escalations)
	}
}

// Run sleeps until the next deadline on its clock and escalates then, with
// nobody calling Check.
func TestSchedulerRunWakesAtTheDeadline(t *testing.T) {
	f := newFixture(t, Config{})
	sc := NewScheduler(f.svc, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sc.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	eventually.Holds(t, "the scheduler to sleep", func() bool { return f.clock.sleepers() == 1 })

	// An order due before the deadline it plans for wakes it to plan again.
	low := f.report(f.grids[2], "facility.elevator", "low") // 48 h
	eventually.Holds(t, "the scheduler to plan for the first order", func() bool {
		return sc.next.Load() == low.Deadline.UnixNano()
	})
	o := f.report(f.grids[2], "facility.elevator", "urgent") // 2 h
	eventually.Holds(t, "the scheduler to plan for the earlier deadline", func() bool {
		return sc.next.Load() == o.Deadline.UnixNano()
	})
	f.clock.Advance(2 * time.Hour)
	eventually.Holds(t, "the escalation", func() bool { return f.order(o.OrderID).State == event.Escalated })
	got := f.order(o.OrderID)
	if got.Escalations != 1 || !got.Updated.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("escalated at %v with %d escalations, want at the deadline", got.Updated, got.Escalations)
	}
}

// An order that reaches the server with its deadline already past is its
// sender's history, not the scheduler's to escalate; a deadline set later
// is minded again.
func TestSchedulerLeavesDeadlinesPastOnArrival(t *testing.T) {
	f := newFixture(t, Config{})
	sc := NewScheduler(f.svc, slog.New(slog.DiscardHandler))
	g := f.grids[0]
	p := f.inGrid(g)
	body := fmt.Sprintf(`[{"id":"old-1","type":"order","time":%q,"location":[%v,%v],
		"order":{"order_id":"WO-old","state":"received","channel":"hotline_12345","category":"environment.parking",
		"priority":"normal","deadline":%q}}]`,
		t0.Add(-80*time.Hour).Format(time.RFC3339), p[0], p[1], t0.Add(-8*time.Hour).Format(time.RFC3339))
	if resp, err := f.in.Submit(context.Background(), "integrator:test", []byte(body)); err != nil || resp.Accepted != 1 {
		t.Fatalf("posting an old order: %v %+v", err, resp)
	}
	eventually.Holds(t, "the old order", func() bool { _, ok := f.state.Order("WO-old"); return ok })
	fresh := f.report(g, "environment.parking", "urgent")

	f.clock.Advance(3 * time.Hour)
	sc.Check(context.Background())
	if got := f.order("WO-old"); got.State != event.Received || got.Escalations != 0 {
		t.Errorf("the order that came overdue: %s, %d escalations", got.State, got.Escalations)
	}
	if got := f.order(fresh.OrderID); got.State != event.Escalated {
		t.Errorf("the fresh order: %s", got.State)
	}

	// Filed, dispatched and extended: the new deadline is the scheduler's.
	f.do("WO-old", File, Request{})
	f.do("WO-old", Dispatch, Request{Assignee: "GW" + g.Code})
	ext := f.do("WO-old", Extend, Request{Actor: "GW" + g.Code})
	f.clock.Advance(ext.Order.Deadline.Sub(f.clock.Now()))
	sc.Check(context.Background())
	if got := f.order("WO-old"); got.State != event.Escalated || got.Escalations != 1 {
		t.Errorf("after its extension ran out: %s, %d escalations", got.State, got.Escalations)
	}
}

// After a restart the scheduler escalates the deadlines that passed while
// the server was down: the orders the live state replays are its own.
func TestSchedulerEscalatesWhatFellDueWhileDown(t *testing.T) {
	f := newFixture(t, Config{})
	g := f.grids[1]
	o := f.report(g, "environment.garbage", "normal") // 72 h
	f.do(o.OrderID, File, Request{})
	f.clock.Advance(80 * time.Hour) // the server was down meanwhile

	// A second server on the same bus: a fresh live state replaying the
	// stream, with its scheduler following it from the start.
	// An order whose events have left the stream comes back from history
	// before the scheduler is made, as the serve command does it.
	state := live.New(live.Config{Clock: f.clock.Now, SweepInterval: time.Hour})
	restored := *o
	restored.OrderID, restored.State, restored.Seq = "WO-restored", event.Dispatched, 0
	restored.Assignee = "GW" + g.Code
	restored.Deadline = &event.Time{Time: t0.Add(10 * time.Hour)}
	state.Restore([]*live.Order{&restored}, nil)
	svc, err := New(Config{Clock: f.clock}, Deps{Door: f.in, State: state, Areas: f.areas})
	if err != nil {
		t.Fatal(err)
	}
	sc := NewScheduler(svc, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { state.Run(ctx, f.bus) })
	wg.Go(func() { sc.Run(ctx) })
	defer func() {
		cancel()
		wg.Wait()
	}()
	for _, id := range []string{o.OrderID, "WO-restored"} {
		eventually.Holds(t, "the escalation of "+id, func() bool {
			got, ok := state.Order(id)
			return ok && got.State == event.Escalated
		})
		if got, _ := state.Order(id); got.Escalations != 1 || !got.Updated.Equal(f.clock.Now()) {
			t.Errorf("%s after the restart: %+v", id, got)
		}
	}
}
