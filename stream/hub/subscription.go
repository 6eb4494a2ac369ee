package hub

import (
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/stream/live"
)

// subscription is one client subscription: its query and where it stands.
type subscription struct {
	id   string
	conn *conn
	q    live.Query

	// Guarded by the hub's lock.
	fromVersion uint64 // changes up to this version are in what it was sent
	seen        uint64 // the last change version fan-out looked at it for

	// indexKey is the area code it is indexed by when it has no box: its
	// area or its scope, whichever is the smaller area (the longer code).
	indexKey string

	// lastTick is the patrol tick its last batch (or snapshot) reflects;
	// snapped are the workers a snapshot or full batch sent (from the live
	// state, ahead of the board), until the next batch compares them with
	// the board; sendBuf and goneBuf are its batches' slices, reused. Set
	// when it is registered or resynchronised, then only the connection's
	// writer touches them.
	lastTick uint64
	snapped  map[string]*live.Worker
	sendBuf  []*worker
	goneBuf  []string

	// prev is the sequence of the last snapshot or delta written; only
	// the connection's writer touches it.
	prev uint64

	closed atomic.Bool // unsubscribed or replaced; queued messages are skipped
}

func newSubscription(id string, c *conn, q live.Query) *subscription {
	s := &subscription{id: id, conn: c, q: q}
	if q.BBox == nil {
		s.indexKey = q.Area
		if len(q.Scope) > len(s.indexKey) {
			s.indexKey = q.Scope
		}
	}
	return s
}

// subIndex finds the subscriptions a change at some place may interest,
// without looking at the others: a grid of the bounding boxes, a map of
// area codes (a subscription with an area or a scope but no box), and
// the few that want everything. It is guarded by the hub's lock.
type subIndex struct {
	boxes      *boxGrid
	areas      map[string]map[*subscription]struct{}
	everywhere map[*subscription]struct{}
	keys       []string // scratch for AreaKeys
}

func newSubIndex() *subIndex {
	return &subIndex{boxes: newBoxGrid(), areas: map[string]map[*subscription]struct{}{}, everywhere: map[*subscription]struct{}{}}
}

func (ix *subIndex) add(s *subscription) {
	switch {
	case s.q.BBox != nil:
		ix.boxes.add(s)
	case s.indexKey != "":
		set := ix.areas[s.indexKey]
		if set == nil {
			set = map[*subscription]struct{}{}
			ix.areas[s.indexKey] = set
		}
		set[s] = struct{}{}
	default:
		ix.everywhere[s] = struct{}{}
	}
}

func (ix *subIndex) remove(s *subscription) {
	switch {
	case s.q.BBox != nil:
		ix.boxes.remove(s)
	case s.indexKey != "":
		if set := ix.areas[s.indexKey]; set != nil {
			delete(set, s)
			if len(set) == 0 {
				delete(ix.areas, s.indexKey)
			}
		}
	default:
		delete(ix.everywhere, s)
	}
}

// candidates calls fn once for every subscription that may want a change
// at the given places (its new view's and, when it moved, its old view's).
// version marks the subscriptions already visited for this change.
func (ix *subIndex) candidates(version uint64, places []live.Place, fn func(*subscription)) {
	visit := func(s *subscription) {
		if s.seen != version {
			s.seen = version
			fn(s)
		}
	}
	for _, p := range places {
		ix.boxes.search(orb.Point(p.Location), visit)
		if len(ix.areas) > 0 {
			ix.keys = live.AreaKeys(ix.keys[:0], p.Area)
			for _, k := range ix.keys {
				for s := range ix.areas[k] {
					visit(s)
				}
			}
		}
	}
	for s := range ix.everywhere {
		visit(s)
	}
}
