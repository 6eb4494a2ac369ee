package hub

import (
	"sync"
	"time"

	"github.com/tidwall/rtree"

	"github.com/gridpulse/gridpulse/stream/live"
)

// Patrol positions are many (thousands of workers, every few seconds) and
// only the latest per worker matters, so they do not fan out per event.
// Each position only replaces the worker's entry in a map of changes
// (one map write, whatever the number of clients). Every flush tick the
// changes are moved onto the board, an index of every worker's latest
// view by place and area stamped with the tick it last changed in. Each
// connection's writer then asks the board, per subscription, for the
// workers in its box or area that changed since the tick it last sent,
// and for the ones it holds that have left; a tablet's writer searches its
// box, a wall screen's (which holds nearly every worker) reads the tick's
// log of changes, so either's work is about what it sends. The writers
// are woken in groups spread over the first half of the tick rather than
// all at once.

// board is the hub's copy of the workers, updated once per tick.
type board struct {
	mu      sync.RWMutex
	tick    uint64 // the last tick applied
	workers map[string]*workerRec
	tree    rtree.RTreeG[*workerRec]
	areas   map[string]map[*workerRec]struct{}
	gone    []*workerRec // removed workers, oldest first, purged after goneTicks
	keys    []string     // scratch for AreaKeys
	// log holds the workers changed in each of the last logTicks ticks,
	// log[t%logTicks] for tick t: a subscription that holds most workers
	// (a wall screen) reads what changed instead of searching its box.
	log [logTicks][]*workerRec
}

// logTicks is how many ticks of changes the board keeps; a writer further
// behind searches its selection instead.
const logTicks = 4

// goneTicks is how long a removed worker stays on the board, so that a
// writer that fell behind still reports it gone.
const goneTicks = 600

// workerRec is one worker on the board.
type workerRec struct {
	id      string
	view    *live.Worker
	enc     *worker // view, encoded once when first needed
	changed uint64  // the tick of the last change
	removed bool
	keys    []string // the area codes holding it, as indexed
}

func newBoard() *board {
	return &board{workers: map[string]*workerRec{}, areas: map[string]map[*workerRec]struct{}{}}
}

// apply moves one tick's changes onto the board.
func (b *board) apply(tick uint64, changes map[string]live.Change) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick = tick
	changed := b.log[tick%logTicks][:0]
	defer func() { b.log[tick%logTicks] = changed }()
	for id, ch := range changes {
		rec := b.workers[id]
		if rec == nil {
			if ch.Removed {
				continue
			}
			rec = &workerRec{id: id}
			b.workers[id] = rec
		} else if !rec.removed {
			b.unplace(rec)
		}
		rec.changed = tick
		changed = append(changed, rec)
		rec.view = ch.View.(*live.Worker)
		rec.enc = &worker{view: rec.view}
		rec.removed = ch.Removed
		if ch.Removed {
			b.gone = append(b.gone, rec)
			continue
		}
		b.place(rec)
	}
	for len(b.gone) > 0 && (b.gone[0].changed+goneTicks < tick || !b.gone[0].removed) {
		if rec := b.gone[0]; rec.removed && b.workers[rec.id] == rec {
			delete(b.workers, rec.id)
		}
		b.gone = b.gone[1:]
	}
}

func (b *board) place(rec *workerRec) {
	pos := rec.view.Location
	b.tree.Insert(pos, pos, rec)
	b.keys = live.AreaKeys(b.keys[:0], &rec.view.Area)
	rec.keys = append(rec.keys[:0], b.keys...)
	for _, k := range rec.keys {
		set := b.areas[k]
		if set == nil {
			set = map[*workerRec]struct{}{}
			b.areas[k] = set
		}
		set[rec] = struct{}{}
	}
}

func (b *board) unplace(rec *workerRec) {
	pos := rec.view.Location
	b.tree.Delete(pos, pos, rec)
	for _, k := range rec.keys {
		if set := b.areas[k]; set != nil {
			delete(set, rec)
			if len(set) == 0 {
				delete(b.areas, k)
			}
		}
	}
}

// batch works out one subscription's patrol message since its last tick:
// the workers in its selection that changed, and the ones it holds that
// have left it. Only the subscription's writer calls it.
func (b *board) batch(s *subscription) (workers []*worker, gone []string) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.tick <= s.lastTick {
		return nil, nil
	}
	// Reading the changes costs what changed; searching, what the client
	// holds and what its selection holds. A wall screen holds nearly every
	// worker, a tablet a few dozen.
	since := s.lastTick
	fromLog := b.tick-since <= logTicks && b.changedSince(since) < 2*(len(s.held)+len(s.pending))
	return b.batchSince(s, fromLog)
}

// batchSince is batch once the way is chosen: from the log of changes
// (which must reach back to the subscription's last tick) or by searching
// its selection. Called under b.mu.
func (b *board) batchSince(s *subscription, fromLog bool) (workers []*worker, gone []string) {
	since := s.lastTick
	s.lastTick = b.tick
	// A worker a snapshot sent before the board had it is on the board
	// now, since every change up to the snapshot has been applied; one
	// that is not has left the state meanwhile.
	for _, id := range s.pending {
		if rec := b.workers[id]; rec != nil {
			s.held[rec] = 0
		} else {
			gone = append(gone, id)
		}
	}
	s.pending = s.pending[:0]
	if fromLog {
		return b.readLog(s, since, workers, gone)
	}
	take := func(rec *workerRec) {
		if rec.changed > since && s.q.Match(rec.view) {
			workers = append(workers, rec.enc)
			s.held[rec] = b.tick
		}
	}
	switch {
	case s.q.BBox != nil:
		b.tree.Search(s.q.BBox.Min, s.q.BBox.Max, func(_, _ [2]float64, rec *workerRec) bool {
			take(rec)
			return true
		})
	case s.indexKey != "":
		for rec := range b.areas[s.indexKey] {
			take(rec)
		}
	default:
		for _, rec := range b.workers {
			if !rec.removed {
				take(rec)
			}
		}
	}
	// The search visited every worker that can be in the selection: one
	// held that changed and was not taken now has left it.
	for rec, sent := range s.held {
		if rec.changed > since && sent != b.tick {
			gone = append(gone, rec.id)
			delete(s.held, rec)
		}
	}
	return workers, gone
}

// changedSince counts the changes logged after tick since; the caller
// has checked the log reaches back that far.
func (b *board) changedSince(since uint64) int {
	n := 0
	for t := since + 1; t <= b.tick; t++ {
		n += len(b.log[t%logTicks])
	}
	return n
}

// readLog is batch for a subscription holding many workers: it looks only
// at the workers changed after tick since, each once (at its last change).
func (b *board) readLog(s *subscription, since uint64, workers []*worker, gone []string) ([]*worker, []string) {
	for t := since + 1; t <= b.tick; t++ {
		for _, rec := range b.log[t%logTicks] {
			if rec.changed != t {
				continue // changed again later: read there
			}
			if !rec.removed && s.q.Match(rec.view) {
				workers = append(workers, rec.enc)
				s.held[rec] = b.tick
			} else if _, ok := s.held[rec]; ok {
				gone = append(gone, rec.id)
				delete(s.held, rec)
			}
		}
	}
	return workers, gone
}

// holdSnapshot records the workers a subscription is about to be sent in
// a snapshot, and returns them ready to encode, with the board's bytes
// where the board holds the same view. Called under the hub's lock, which
// also fixes the tick the subscription's patrol batches start after.
func (h *Hub) holdSnapshot(s *subscription, ws []*live.Worker) []*worker {
	s.lastTick = h.tick
	s.held = make(map[*workerRec]uint64, len(ws))
	s.pending = s.pending[:0]
	out := make([]*worker, len(ws))
	h.board.mu.RLock()
	defer h.board.mu.RUnlock()
	for i, w := range ws {
		rec := h.board.workers[w.WorkerID]
		if rec == nil || rec.removed {
			s.pending = append(s.pending, w.WorkerID)
			out[i] = &worker{view: w}
			continue
		}
		s.held[rec] = 0
		if out[i] = rec.enc; rec.view != w {
			out[i] = &worker{view: w}
		}
	}
	return out
}

// flush ends a patrol tick: the changes since the last one go onto the
// board, and every connection with a patrol subscription is asked to send
// its batches.
func (h *Hub) flush() {
	h.flushMu.Lock()
	defer h.flushMu.Unlock()
	h.mu.Lock()
	changes := h.patrolChanges
	h.patrolChanges = make(map[string]live.Change, len(changes))
	h.tick++
	tick := h.tick
	h.mu.Unlock()
	h.board.apply(tick, changes)
	var slots [flushSlots][]*conn
	h.eachConn(func(c *conn) { slots[c.slot] = append(slots[c.slot], c) })
	for i, conns := range slots {
		wake := func() {
			for _, c := range conns {
				c.mu.Lock()
				if c.patrolSubs > 0 {
					c.flushDue = true
					c.signal()
				}
				c.mu.Unlock()
			}
		}
		if delay := h.cfg.FlushSpread * time.Duration(i) / flushSlots; delay > 0 {
			time.AfterFunc(delay, wake)
		} else {
			wake()
		}
	}
}

// flushSlots is how many groups the connections' patrol batches are spread
// over within a tick.
const flushSlots = 10

// appendPatrolBatches adds each patrol subscription's batch to the frame;
// run by the connection's writer.
func (c *conn) appendPatrolBatches(frame []byte) []byte {
	c.mu.Lock()
	subs := make([]*subscription, 0, c.patrolSubs)
	for _, s := range c.subs {
		if s.q.Layers.Has(live.Patrols) {
			subs = append(subs, s)
		}
	}
	c.mu.Unlock()
	now := time.Now()
	for _, s := range subs {
		if s.closed.Load() {
			continue
		}
		workers, gone := c.h.board.batch(s)
		if len(workers) == 0 && len(gone) == 0 {
			continue
		}
		frame = appendPatrols(frame, s.id, now, workers, gone)
		frame = append(frame, '\n')
		c.h.metrics.sent(opPatrols)
	}
	return frame
}
