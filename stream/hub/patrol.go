package hub

import (
	"sync"
	"time"

	"github.com/tidwall/rtree"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Patrol positions are many (thousands of workers, every few seconds) and
// only the latest per worker matters, so they do not fan out per event.
// Each position only replaces the worker's entry in a map of changes
// (one map write, whatever the number of clients). Every flush tick the
// changes are moved onto the board: every worker's latest view, indexed
// by place and area, and the tick's changes, each with the view it
// replaced, listed by ~1 km tile.
//
// A subscription in step with the board (its last batch was the tick
// before) holds exactly the workers whose view at that tick it selects.
// Its batch is then worked out from the tick's changes alone, without any
// record of what it holds: a changed worker it selects now is sent, one
// whose replaced view it selected is gone. A tablet reads the tiles under
// its box, a wall screen the whole list. Two cases step outside this: the
// first batch after a snapshot of the live state (which is ahead of the
// board) compares the snapshot with the board once, and a writer more
// than a tick behind sends its whole selection with "full": true. The
// writers are woken in groups spread over the first half of the tick
// rather than all at once.

// board is the hub's copy of the workers, updated once per tick.
type board struct {
	mu      sync.RWMutex
	tick    uint64 // the last tick applied
	workers map[string]*workerRec
	tree    rtree.RTreeG[*workerRec]
	areas   map[string]map[*workerRec]struct{}
	keys    []string // scratch for AreaKeys

	// The last tick's changes, listed by the tile of the new view and,
	// for a worker that moved tiles, also by the tile of the replaced
	// one; byArea lists them by area code as subscriptions ask (under
	// areaMu, since askers hold only a read lock).
	changed []patrolChange
	tiles   map[uint64][]int32
	areaMu  sync.Mutex
	byArea  map[string][]int32
}

// workerRec is one worker on the board.
type workerRec struct {
	id   string
	view *live.Worker
	enc  *worker  // view, encoded once when first needed
	keys []string // the area codes holding it, as indexed
}

// patrolChange is one worker's change in the last tick.
type patrolChange struct {
	rec     *workerRec
	view    *live.Worker // after the tick; for a removed worker, the replaced view
	enc     *worker      // view's encoding; nil when removed
	prev    *live.Worker // the view it replaced; nil for a worker new to the board
	tile    uint64       // the tile of view
	removed bool
	// Where view and prev are, copied here so that most subscriptions
	// (a box, within a district or a street) judge a change without
	// reading either view.
	pos, prevPos       event.Position
	street, prevStreet string
}

func newBoard() *board {
	return &board{workers: map[string]*workerRec{}, areas: map[string]map[*workerRec]struct{}{},
		tiles: map[uint64][]int32{}, byArea: map[string][]int32{}}
}

func tileOf(p event.Position) uint64 { return cellKey(cellOf(p[0]), cellOf(p[1])) }

// apply moves one tick's changes onto the board.
func (b *board) apply(tick uint64, changes map[string]live.Change) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick = tick
	b.changed = b.changed[:0]
	clear(b.tiles)
	clear(b.byArea)
	for id, ch := range changes {
		rec := b.workers[id]
		var prev *live.Worker
		if rec != nil {
			prev = rec.view
			b.unplace(rec)
		}
		if ch.Removed {
			if rec != nil {
				delete(b.workers, id)
				b.note(patrolChange{rec: rec, view: prev, prev: prev, removed: true})
			}
			continue
		}
		if rec == nil {
			rec = &workerRec{id: id}
			b.workers[id] = rec
		}
		rec.view = ch.View.(*live.Worker)
		rec.enc = &worker{view: rec.view}
		b.place(rec)
		b.note(patrolChange{rec: rec, view: rec.view, enc: rec.enc, prev: prev})
	}
}

func (b *board) note(pc patrolChange) {
	i := int32(len(b.changed))
	pc.pos, pc.street = pc.view.Location, pc.view.Area.Street
	if pc.prev != nil {
		pc.prevPos, pc.prevStreet = pc.prev.Location, pc.prev.Area.Street
	}
	pc.tile = tileOf(pc.pos)
	b.changed = append(b.changed, pc)
	b.tiles[pc.tile] = append(b.tiles[pc.tile], i)
	if pc.prev != nil {
		if t := tileOf(pc.prevPos); t != pc.tile {
			b.tiles[t] = append(b.tiles[t], i)
		}
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

// patrolBatch is one subscription's patrol message: the workers to send
// and the ids of those it held that left its selection, or with full its
// whole selection, replacing what it held.
type patrolBatch struct {
	workers []*worker
	gone    []string
	full    bool
}

func (pb patrolBatch) empty() bool { return !pb.full && len(pb.workers) == 0 && len(pb.gone) == 0 }

// batch works out one subscription's patrol batch since its last tick.
// Only the subscription's writer calls it; the batch's slices are the
// subscription's to reuse once the batch is written.
func (b *board) batch(s *subscription) patrolBatch {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.tick <= s.lastTick {
		return patrolBatch{}
	}
	out := patrolBatch{workers: s.sendBuf[:0], gone: s.goneBuf[:0]}
	switch {
	case s.snapped != nil:
		out = b.reconcile(s, out)
	case b.tick == s.lastTick+1:
		out = b.step(s, out)
	default:
		out.workers, out.full = b.selection(s, out.workers), true
	}
	s.lastTick = b.tick
	s.sendBuf, s.goneBuf = out.workers, out.gone
	return out
}

// step is the batch of a subscription in step with the board: from the
// last tick's changes alone. Called under b.mu.
func (b *board) step(s *subscription, out patrolBatch) patrolBatch {
	q := &s.q
	selects := func(v *live.Worker, _ event.Position, _ string) bool { return q.Match(v) }
	if q.SelectsWorkersByStreet() {
		// Read the copies, not the views.
		selects = func(_ *live.Worker, pos event.Position, street string) bool { return q.MatchWorkerPlace(pos, street) }
	}
	judge := func(pc *patrolChange) {
		if !pc.removed && selects(pc.view, pc.pos, pc.street) {
			out.workers = append(out.workers, pc.enc)
		} else if pc.prev != nil && selects(pc.prev, pc.prevPos, pc.prevStreet) {
			out.gone = append(out.gone, pc.rec.id)
		}
	}
	switch {
	case q.BBox != nil:
		x0, y0, x1, y1, n := span(q.BBox)
		if n >= len(b.tiles) {
			// The box covers more tiles than hold changes: read them all.
			for i := range b.changed {
				judge(&b.changed[i])
			}
			break
		}
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				key := cellKey(x, y)
				for _, i := range b.tiles[key] {
					pc := &b.changed[i]
					// A worker that moved tiles is listed under both: read it
					// under its new tile when that is under the box too.
					if tx, ty := cellXY(pc.tile); pc.tile != key && tx >= x0 && tx <= x1 && ty >= y0 && ty <= y1 {
						continue
					}
					judge(pc)
				}
			}
		}
	case s.indexKey != "":
		for _, i := range b.areaChanges(s.indexKey) {
			judge(&b.changed[i])
		}
	default:
		for i := range b.changed {
			judge(&b.changed[i])
		}
	}
	return out
}

// areaChanges lists the last tick's changes in or out of area key,
// working the list out the first time it is asked for. Called under b.mu
// (read).
func (b *board) areaChanges(key string) []int32 {
	b.areaMu.Lock()
	defer b.areaMu.Unlock()
	if list, ok := b.byArea[key]; ok {
		return list
	}
	list := []int32{}
	for i := range b.changed {
		pc := &b.changed[i]
		if live.InArea(&pc.view.Area, key) || pc.prev != nil && live.InArea(&pc.prev.Area, key) {
			list = append(list, int32(i))
		}
	}
	b.byArea[key] = list
	return list
}

// selection appends the board's workers that subscription s selects.
// Called under b.mu.
func (b *board) selection(s *subscription, out []*worker) []*worker {
	b.eachSelected(s, func(rec *workerRec) { out = append(out, rec.enc) })
	return out
}

// eachSelected calls fn for every worker on the board that s selects.
func (b *board) eachSelected(s *subscription, fn func(*workerRec)) {
	take := func(rec *workerRec) {
		if s.q.Match(rec.view) {
			fn(rec)
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
			take(rec)
		}
	}
}

// reconcile is the first batch after a snapshot: the live state the
// snapshot came from runs ahead of the board, so the batch brings the
// client from what the snapshot sent to the board's selection. Called
// under b.mu.
func (b *board) reconcile(s *subscription, out patrolBatch) patrolBatch {
	b.eachSelected(s, func(rec *workerRec) {
		if sent, ok := s.snapped[rec.id]; !ok || sent != rec.view {
			out.workers = append(out.workers, rec.enc)
		}
		delete(s.snapped, rec.id)
	})
	// Sent but not selected on the board: gone, or (new to the state
	// since the tick) sent again once the board has it.
	for id := range s.snapped {
		out.gone = append(out.gone, id)
	}
	s.snapped = nil
	return out
}

// holdSnapshot records the workers a subscription is about to be sent,
// in a snapshot or a full batch, and returns them ready to encode, with
// the board's bytes where the board holds the same view. Called under
// the hub's lock, which also fixes the tick its patrol batches start
// after.
func (h *Hub) holdSnapshot(s *subscription, ws []*live.Worker) []*worker {
	s.lastTick = h.tick
	s.snapped = make(map[string]*live.Worker, len(ws))
	out := make([]*worker, len(ws))
	h.board.mu.RLock()
	defer h.board.mu.RUnlock()
	for i, w := range ws {
		s.snapped[w.WorkerID] = w
		if rec := h.board.workers[w.WorkerID]; rec != nil && rec.view == w {
			out[i] = rec.enc
		} else {
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
		pb := c.h.board.batch(s)
		if pb.empty() {
			continue
		}
		frame = appendPatrols(frame, s.id, now, pb)
		frame = append(frame, '\n')
		c.h.metrics.sent(opPatrols)
	}
	return frame
}
