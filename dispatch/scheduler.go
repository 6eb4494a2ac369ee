package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"sync"
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

// Scheduler escalates orders whose deadline passes, at their deadline: an
// order still open and not yet reported done climbs one level (community →
// street → district) and gets a new deadline; its AutoEscalations-th
// escalation flags it for the efficiency office, and the scheduler leaves
// it to people from then on.
//
// It minds the deadlines that pass while it runs, and, on a start, those
// that passed while the server was down: every order the live state
// replays from the stream or restores from history is watched. An order
// that reaches the server with its deadline already past (a sender
// forwarding its own history, the simulator's backlog) is its sender's
// business and is not escalated for that deadline; a later deadline of it
// is minded again.
type Scheduler struct {
	svc  *Service
	log  *slog.Logger
	wake chan struct{}
	// next is the deadline the scheduler sleeps until, in Unix nanoseconds;
	// 0 when it watches no order.
	next atomic.Int64

	mu      sync.Mutex
	watched map[string]*watch // open orders, by id
}

// watch is what the scheduler keeps of an open order: its deadline,
// whether that deadline is the scheduler's to enforce, and whether the
// order's state and escalations let it be escalated (as of its last
// change), so a look at the list needs nothing of the live state.
type watch struct {
	deadline int64 // Unix nanoseconds; 0: none
	armed    bool
	eligible bool
}

// NewScheduler makes the scheduler of svc. It follows the live state's
// changes to learn of orders and their deadlines, so make it before the
// state runs.
func NewScheduler(svc *Service, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.Default()
	}
	sc := &Scheduler{svc: svc, log: log, wake: make(chan struct{}, 1), watched: map[string]*watch{}}
	svc.follow(sc.onChange)
	return sc
}

// onChange keeps the watch list: it arms an order's deadline when the
// order is replayed or restored, or when the deadline is still to come as
// the order reaches the server or sets a new one; and it wakes the
// scheduler when an armed deadline comes before the one it sleeps until.
func (sc *Scheduler) onChange(c live.Change) {
	o, ok := c.View.(*live.Order)
	if !ok {
		return
	}
	if c.Seq == 0 && c.Old != nil {
		return // made by the clock (the order became overdue): nothing new
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if c.Removed {
		delete(sc.watched, o.OrderID)
		return
	}
	var deadline int64
	if o.Deadline != nil {
		deadline = o.Deadline.UnixNano()
	}
	w := sc.watched[o.OrderID]
	if w == nil || w.deadline != deadline {
		replaying := !sc.svc.state.Ready()
		armed := deadline != 0 && (replaying || deadline > sc.svc.cfg.Clock.Now().UnixNano())
		w = &watch{deadline: deadline, armed: armed}
		sc.watched[o.OrderID] = w
	}
	w.eligible = sc.watches(o)
	if !w.armed || !w.eligible {
		return
	}
	if next := sc.next.Load(); next == 0 || deadline < next {
		select {
		case sc.wake <- struct{}{}:
		default:
		}
	}
}

// Run escalates overdue orders until ctx ends. It starts once the live
// state has caught up with the stream, so it judges orders by their latest
// steps, and then sleeps until the next deadline.
func (sc *Scheduler) Run(ctx context.Context) error {
	if err := sc.svc.state.WaitReady(ctx); err != nil {
		return nil
	}
	sc.adoptRestored()
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

// adoptRestored arms the orders the live state restored from history
// before the scheduler followed it (they carry stream sequence 0).
func (sc *Scheduler) adoptRestored() {
	snap := sc.svc.state.Snapshot(live.Query{Layers: live.LayersOf(live.Orders)})
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, o := range snap.Orders {
		if _, known := sc.watched[o.OrderID]; known || o.Seq != 0 || o.Deadline == nil {
			continue
		}
		sc.watched[o.OrderID] = &watch{deadline: o.Deadline.UnixNano(), armed: true, eligible: sc.watches(o)}
	}
}

// Check escalates every armed order whose deadline has passed on the
// service's clock and returns the earliest armed deadline still to come
// (zero when there is none).
func (sc *Scheduler) Check(ctx context.Context) time.Time {
	svc := sc.svc
	now := svc.cfg.Clock.Now()
	var due []string
	var soonest int64 // the earliest deadline to come; 0: none
	sc.mu.Lock()
	nowNS := now.UnixNano()
	for id, w := range sc.watched {
		if !w.armed || !w.eligible {
			continue
		}
		if w.deadline > nowNS {
			if soonest == 0 || w.deadline < soonest {
				soonest = w.deadline
			}
			continue
		}
		due = append(due, id)
	}
	sc.mu.Unlock()
	var next time.Time
	if soonest != 0 {
		next = time.Unix(0, soonest).UTC()
	}

	for _, id := range due {
		if ctx.Err() != nil {
			return next
		}
		res, err := svc.move(ctx, id, event.Escalated, Request{Actor: SystemActor, Sender: SystemActor}, func(cur *live.Order) error {
			if !sc.watches(cur) || cur.Deadline.After(svc.cfg.Clock.Now()) {
				return errSkip
			}
			return nil
		})
		switch {
		case errors.Is(err, errSkip), errors.Is(err, ErrNotFound):
		case err != nil:
			// Still armed: tried again at the next look.
			sc.log.Warn("dispatch: escalating an overdue order", "order", id, "err", err)
			if retry := now.Add(time.Second); next.IsZero() || retry.Before(next) {
				next = retry
			}
		default:
			r := svc.route(res.Order)
			sc.log.Info("dispatch: order escalated", "order", id, "escalations", res.Order.Escalations,
				"level", r.Level, "unit", r.Unit, "flagged", r.Flagged)
			if d := res.Order.Deadline; sc.watches(res.Order) && (next.IsZero() || d.Before(next)) {
				next = d.Time
			}
		}
	}
	return next
}

// watches reports whether o's state and escalations let the scheduler
// escalate it: a watched state, a deadline, and escalations to go.
func (sc *Scheduler) watches(o *live.Order) bool {
	return Watched(o.State) && o.Deadline != nil && o.Escalations < sc.svc.cfg.AutoEscalations
}
