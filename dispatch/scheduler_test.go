package dispatch

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
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
		info, _ := f.svc.Order(o.OrderID)
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
	waitFor(t, "the scheduler to sleep", func() bool { return f.clock.sleepers() == 1 })

	// An order due before the deadline it plans for wakes it to plan again.
	low := f.report(f.grids[2], "facility.elevator", "low") // 48 h
	waitFor(t, "the scheduler to plan for the first order", func() bool {
		return sc.next.Load() == low.Deadline.UnixNano()
	})
	o := f.report(f.grids[2], "facility.elevator", "urgent") // 2 h
	waitFor(t, "the scheduler to plan for the earlier deadline", func() bool {
		return sc.next.Load() == o.Deadline.UnixNano()
	})
	f.clock.Advance(2 * time.Hour)
	waitFor(t, "the escalation", func() bool { return f.order(o.OrderID).State == event.Escalated })
	got := f.order(o.OrderID)
	if got.Escalations != 1 || !got.Updated.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("escalated at %v with %d escalations, want at the deadline", got.Updated, got.Escalations)
	}
}
