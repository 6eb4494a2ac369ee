package dispatch

import (
	"context"
	"sync"
	"time"

	"github.com/gridpulse/gridpulse/stream/live"
)

// appliedWaiter lets a step wait until the live state has applied the
// event it stored, so the answer to an action (and the next action on the
// same order) sees the order as the step left it.
type appliedWaiter struct {
	mu      sync.Mutex
	waiting map[string][]*stepWait // by order id
}

type stepWait struct {
	seq  uint64
	done chan struct{}
}

func newAppliedWaiter() *appliedWaiter {
	return &appliedWaiter{waiting: map[string][]*stepWait{}}
}

// onChange is the live state's change handler: it releases the waits the
// change satisfies. It is quick, as the state asks.
func (a *appliedWaiter) onChange(c live.Change) {
	if c.Layer != live.Orders || c.Seq == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	ws := a.waiting[c.Key]
	if len(ws) == 0 {
		return
	}
	kept := ws[:0]
	for _, w := range ws {
		if c.Seq >= w.seq {
			close(w.done)
		} else {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		delete(a.waiting, c.Key)
	} else {
		a.waiting[c.Key] = kept
	}
}

// wait reports whether the state shows the order at stream sequence seq or
// later, waiting up to timeout (or until ctx ends) for it to.
func (a *appliedWaiter) wait(ctx context.Context, state *live.State, id string, seq uint64, timeout time.Duration) bool {
	w := &stepWait{seq: seq, done: make(chan struct{})}
	a.mu.Lock()
	a.waiting[id] = append(a.waiting[id], w)
	a.mu.Unlock()
	defer a.forget(id, w)
	// Registered first, then looked: a change in between is not missed.
	if o, ok := state.Order(id); ok && o.Seq >= seq {
		return true
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-w.done:
		return true
	case <-timer.C:
	case <-ctx.Done():
	}
	return false
}

// forget drops w if it is still waiting.
func (a *appliedWaiter) forget(id string, w *stepWait) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ws := a.waiting[id]
	for i, x := range ws {
		if x == w {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(a.waiting, id)
	} else {
		a.waiting[id] = ws
	}
}
