package hub

import (
	"github.com/gridpulse/gridpulse/stream/live"
)

// onChange fans one change of the live state out to the subscriptions it
// concerns. It runs on the state's applying goroutine, in change order,
// and never waits for a client: it only appends to bounded queues.
func (h *Hub) onChange(lc live.Change) {
	if lc.Layer == live.Patrols {
		h.notePatrol(lc)
		return
	}
	ch := newChange(lc)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.advance(lc)
	h.ring.push(ch)
	h.noteLatest(ch)
	h.subs.candidates(lc.Version, ch.places(), func(s *subscription) {
		if lc.Version <= s.fromVersion {
			return // already in its snapshot
		}
		if kind, ok := deliver(&s.q, ch); ok {
			s.conn.push(item{kind: kind, sub: s, c: ch})
		}
	})
}

// notePatrol records a worker change for the next patrol tick; the
// latest change per worker wins.
func (h *Hub) notePatrol(lc live.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.advance(lc)
	h.patrolChanges[lc.Key] = lc
}

// advance records how far fan-out has got. lastSeq is the change's At:
// every event up to it has been applied and its changes fanned out, even
// events that changed nothing.
func (h *Hub) advance(lc live.Change) {
	h.lastVersion = lc.Version
	h.lastSeq = max(h.lastSeq, lc.At)
}
