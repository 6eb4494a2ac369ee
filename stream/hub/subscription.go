package hub

import (
	"sync/atomic"

	"github.com/tidwall/rtree"

	"github.com/gridpulse/gridpulse/event"
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
	indexKey    string // its key in the area index, when it has one

	// patrols are the coalesced worker changes since the last flush: the
	// latest view per worker, nil for a worker that left the selection.
	// Guarded by the connection's lock.
	patrols map[string]*worker

	// prev is the sequence of the last snapshot or delta written; only
	// the connection's writer touches it.
	prev uint64

	closed atomic.Bool // unsubscribed or replaced; queued messages are skipped
}

// subIndex finds the subscriptions a change at some place may interest,
// without looking at the others: an R-tree of the bounding boxes, a map of
// area codes (a subscription with an area or a scope but no box), and
// the few that want everything. It is guarded by the hub's lock.
type subIndex struct {
	boxes      rtree.RTreeG[*subscription]
	areas      map[string]map[*subscription]struct{}
	everywhere map[*subscription]struct{}
	keys       []string // scratch for AreaKeys
}

func newSubIndex() *subIndex {
	return &subIndex{areas: map[string]map[*subscription]struct{}{}, everywhere: map[*subscription]struct{}{}}
}

func (ix *subIndex) add(s *subscription) {
	switch {
	case s.q.BBox != nil:
		ix.boxes.Insert(s.q.BBox.Min, s.q.BBox.Max, s)
	case s.q.Area != "" || s.q.Scope != "":
		// The longer code is the smaller area: where the subscription
		// lies, whether or not it stays within its scope.
		s.indexKey = s.q.Area
		if len(s.q.Scope) > len(s.indexKey) {
			s.indexKey = s.q.Scope
		}
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
		ix.boxes.Delete(s.q.BBox.Min, s.q.BBox.Max, s)
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
// between the places (pos, chain) of its old and new views. version marks
// the subscriptions already visited for this change.
func (ix *subIndex) candidates(version uint64, places [2]place, fn func(*subscription)) {
	visit := func(s *subscription) {
		if s.seen != version {
			s.seen = version
			fn(s)
		}
	}
	for _, p := range places {
		if p.chain == nil {
			continue
		}
		ix.boxes.Search(p.pos, p.pos, func(_, _ [2]float64, s *subscription) bool {
			visit(s)
			return true
		})
		if len(ix.areas) > 0 {
			ix.keys = live.AreaKeys(ix.keys[:0], p.chain)
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

// place is where a view is; a nil chain is no place (a new thing has no
// old one).
type place struct {
	pos   event.Position
	chain *event.Chain
}

func placeOf(v live.View) place {
	if v == nil {
		return place{}
	}
	pos, chain := v.Where()
	return place{pos, chain}
}
