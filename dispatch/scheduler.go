package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// maxSleep bounds how long the scheduler sleeps between looks when nothing
// is due, so a clock that jumps is noticed.
const maxSleep = time.Minute

// errSkip drops a scheduled step whose order moved on meanwhile.
var errSkip = errors.New("dispatch: nothing to do")

// Scheduler escalates orders whose deadline has passed, at their deadline:
// an order still open and not yet reported done climbs one level
// (community → street → district) and gets a new deadline; its
// AutoEscalations-th escalation flags it for the efficiency office, and
// the scheduler leaves it to people from then on.
type Scheduler struct {
	svc  *Service
	log  *slog.Logger
	wake chan struct{}
	// next is the deadline the scheduler sleeps until, in Unix nanoseconds;
	// 0 when it watches no order.
	next atomic.Int64
}

// NewScheduler makes the scheduler of svc. It registers with the live
// state to wake for orders due before it would, so make it before the
// state runs.
func NewScheduler(svc *Service, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.Default()
	}
	sc := &Scheduler{svc: svc, log: log, wake: make(chan struct{}, 1)}
	svc.state.OnChange(sc.onChange)
	return sc
}

// onChange wakes the scheduler when an order comes due before the time it
// sleeps until.
func (sc *Scheduler) onChange(c live.Change) {
	o, ok := c.View.(*live.Order)
	if !ok || c.Removed || !sc.watches(o) {
		return
	}
	if next := sc.next.Load(); next == 0 || o.Deadline.UnixNano() < next {
		select {
		case sc.wake <- struct{}{}:
		default:
		}
	}
}

// Run escalates overdue orders until ctx ends. It starts once the live
// state has caught up with the stream, so it judges orders by their
// latest steps, and then sleeps until the next deadline.
func (sc *Scheduler) Run(ctx context.Context) error {
	if err := sc.svc.state.WaitReady(ctx); err != nil {
		return nil
	}
	clock := sc.svc.cfg.Clock
	for {
		next := sc.Check(ctx)
		if ctx.Err() != nil {
			return nil
		}
		// With nothing to watch, next is 0 and any order due wakes it.
		wait := maxSleep
		if !next.IsZero() {
			wait = min(max(next.Sub(clock.Now()), 0), maxSleep)
			sc.next.Store(next.UnixNano())
		} else {
			sc.next.Store(0)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-sc.wake:
		case <-clock.After(wait):
		}
	}
}

// Check escalates every watched order whose deadline has passed on the
// service's clock and returns the earliest deadline still to come (zero
// when there is none).
func (sc *Scheduler) Check(ctx context.Context) time.Time {
	svc := sc.svc
	now := svc.cfg.Clock.Now()
	snap := svc.state.Snapshot(live.Query{Layers: live.LayersOf(live.Orders)})
	var next time.Time
	for _, o := range snap.Orders {
		if !sc.watches(o) {
			continue
		}
		if o.Deadline.After(now) {
			if next.IsZero() || o.Deadline.Before(next) {
				next = o.Deadline.Time
			}
			continue
		}
		if ctx.Err() != nil {
			return next
		}
		res, err := svc.move(ctx, o.OrderID, event.Escalated, Request{Actor: SystemActor}, func(cur *live.Order) error {
			if !sc.watches(cur) || cur.Deadline.After(svc.cfg.Clock.Now()) {
				return errSkip
			}
			return nil
		})
		switch {
		case errors.Is(err, errSkip), errors.Is(err, ErrNotFound):
		case err != nil:
			sc.log.Warn("dispatch: escalating an overdue order", "order", o.OrderID, "err", err)
		default:
			r := svc.route(res.Order)
			sc.log.Info("dispatch: order escalated", "order", o.OrderID, "escalations", res.Order.Escalations,
				"level", r.Level, "unit", r.Unit, "flagged", r.Flagged)
			if d := res.Order.Deadline; sc.watches(res.Order) && (next.IsZero() || d.Before(next)) {
				next = d.Time
			}
		}
	}
	return next
}

// watches reports whether the scheduler minds o's deadline: a watched state,
// a deadline, and escalations to go.
func (sc *Scheduler) watches(o *live.Order) bool {
	return Watched(o.State) && o.Deadline != nil && o.Escalations < sc.svc.cfg.AutoEscalations
}
