package dispatch

import (
	"cmp"
	"slices"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Queue bounds.
const (
	DefaultQueueLimit = 100
	MaxQueueLimit     = 1000
)

// QueueQuery selects open orders for a dispatcher's queue. Everything set
// must match.
type QueueQuery struct {
	// Area is a street, community, compound or grid code; empty for all.
	Area string
	// Scope is the caller's access limit, an area code orders must lie
	// in (see live.Query.Scope); empty is no limit.
	Scope    string
	States   []event.State
	Overdue  bool // only orders past their deadline
	Flagged  bool // only orders flagged for the efficiency office
	Assignee string
	// Limit bounds the answer, 1..MaxQueueLimit; 0 is DefaultQueueLimit.
	Limit int
}

// QueueItem is an open order in a queue, with its routing.
type QueueItem struct {
	*live.Order
	Routing Routing `json:"routing"`
}

// Queue lists the open orders q selects, the earliest deadline first
// (orders without one last), and how many matched in all.
func (s *Service) Queue(q QueueQuery) (items []QueueItem, total int) {
	snap := s.state.Snapshot(live.Query{Layers: live.LayersOf(live.Orders), Area: q.Area, Scope: q.Scope,
		Filters: live.Filters{States: q.States, Overdue: q.Overdue}})
	for _, o := range snap.Orders {
		if q.Assignee != "" && o.Assignee != q.Assignee {
			continue
		}
		if q.Flagged && o.Escalations < FlagAfter {
			continue
		}
		items = append(items, QueueItem{Order: o})
	}
	slices.SortFunc(items, func(a, b QueueItem) int {
		ad, bd := a.Deadline, b.Deadline
		switch {
		case ad == nil && bd != nil:
			return 1
		case ad != nil && bd == nil:
			return -1
		case ad != nil && bd != nil:
			if c := ad.Compare(bd.Time); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.OrderID, b.OrderID)
	})
	total = len(items)
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultQueueLimit
	}
	items = items[:min(limit, len(items))]
	for i := range items {
		items[i].Routing = s.route(items[i].Order)
	}
	return items, total
}
