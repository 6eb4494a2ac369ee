package hub

import (
	"fmt"

	"github.com/gridpulse/gridpulse/stream/live"
)

// subscribe registers a subscription (replacing one with the same id)
// and queues what brings the client up to date: the changes it missed
// when it can resume, else a snapshot. Both are taken under the hub's
// lock, so the live deltas that follow join them without gap or repeat.
func (h *Hub) subscribe(c *conn, req *request) *protoError {
	if req.Area != "" && !live.Within(req.Area, c.scope) {
		return &protoError{Op: "error", Sub: req.ID, Code: codeOutOfScope, Field: "area",
			Message: fmt.Sprintf("area %s is outside this connection's scope %s", req.Area, c.scope)}
	}
	s := newSubscription(req.ID, c, req.query(c.scope))

	h.mu.Lock()
	defer h.mu.Unlock()
	c.mu.Lock()
	old := c.subs[req.ID]
	if old == nil && len(c.subs) >= h.cfg.MaxSubscriptionsPerConn {
		c.mu.Unlock()
		return &protoError{Op: "error", Sub: req.ID, Code: codeTooManySubs, Field: "id",
			Message: fmt.Sprintf("a connection may hold %d subscriptions", h.cfg.MaxSubscriptionsPerConn)}
	}
	c.mu.Unlock()
	if old != nil {
		h.unindex(old)
	}

	var items []item
	if req.Resume != nil {
		items = h.replay(s, *req.Resume)
	}
	if items == nil {
		snap := h.state.Snapshot(s.q)
		s.fromVersion = snap.Version
		workers := h.holdSnapshot(s, snap.Patrols)
		items = []item{{kind: itemSnapshot, sub: s, snap: h.readySnapshot(&snap, s.q.Layers, workers)}}
		if req.Resume != nil {
			h.metrics.resumes.WithLabelValues("snapshot").Inc()
		}
	} else {
		h.metrics.resumes.WithLabelValues("replayed").Inc()
	}

	c.mu.Lock()
	if old != nil {
		c.forget(old)
	}
	c.subs[s.id] = s
	if s.q.Layers.Has(live.Patrols) {
		c.patrolSubs++
	}
	if !c.closing && !c.resync {
		// A connection waiting for resync gets this subscription's
		// snapshot with the others'.
		c.queue = append(c.queue, items...)
		c.signal()
	}
	c.mu.Unlock()
	h.subs.add(s)
	h.metrics.subs.Inc()
	return nil
}

// replay lists what a client that saw sequence seq has missed, filtered
// for s, or nil when the ring no longer holds it all (or it is more than
// a queue's worth: a snapshot is then cheaper). Called under h.mu.
func (h *Hub) replay(s *subscription, seq uint64) []item {
	if seq < h.ring.floor || seq > h.lastSeq {
		return nil
	}
	items := []item{{kind: itemResumed, sub: s, seq: seq}}
	fits := true
	h.ring.after(seq, func(ch *change) bool {
		if kind, ok := deliver(&s.q, ch); ok {
			items = append(items, item{kind: kind, sub: s, c: ch})
		}
		fits = len(items) <= h.cfg.SendQueue
		return fits
	})
	if !fits {
		return nil
	}
	// Every change up to lastVersion is in the ring; later ones reach s
	// live.
	s.fromVersion = h.lastVersion
	// Patrol positions are not kept for replay: the client gets the
	// workers as they are now, replacing what it held.
	var workers []*live.Worker
	if s.q.Layers.Has(live.Patrols) {
		q := s.q
		q.Layers = live.LayersOf(live.Patrols)
		workers = h.state.Snapshot(q).Patrols
	}
	full := h.holdSnapshot(s, workers)
	if s.q.Layers.Has(live.Patrols) {
		items = append(items, item{kind: itemPatrolsFull, sub: s, full: full})
	}
	return items
}

// deliver decides what a subscription with query q gets for an order or
// alarm change: the new view when it is selected, a removal when the old
// view was selected and the new one is not (or the thing left the state),
// nothing otherwise.
func deliver(q *live.Query, ch *change) (itemKind, bool) {
	if !ch.Removed && q.MatchAt(ch.View, ch.at) {
		return itemDelta, true
	}
	if ch.Old != nil && q.MatchAt(ch.Old, ch.oldAt) {
		return itemRemoval, true
	}
	return 0, false
}

// unsubscribe removes subscription id; it reports whether there was one.
func (h *Hub) unsubscribe(c *conn, id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	c.mu.Lock()
	s := c.subs[id]
	if s != nil {
		delete(c.subs, id)
		c.forget(s)
	}
	c.mu.Unlock()
	if s == nil {
		return false
	}
	h.unindex(s)
	return true
}

// forget marks a subscription removed from its connection; called with
// c.mu held.
func (c *conn) forget(s *subscription) {
	s.closed.Store(true)
	if s.q.Layers.Has(live.Patrols) {
		c.patrolSubs--
	}
}

// unindex takes a subscription out of the fan-out index; called under
// h.mu.
func (h *Hub) unindex(s *subscription) {
	h.subs.remove(s)
	h.metrics.subs.Dec()
}
