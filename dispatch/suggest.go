package dispatch

import (
	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/stream/live"
)

// MaxSuggestions bounds the workers one suggestion lists.
const MaxSuggestions = 20

// Suggestions are who an order could be dispatched to: the best grid
// workers on duty near it, and the departments whose remit covers its
// category.
type Suggestions struct {
	OrderID     string       `json:"order_id"`
	Workers     []Suggestion `json:"workers"`
	Departments []Department `json:"departments"`
}

// Suggest ranks up to k workers for the order with this id (see Rank):
// the nearest workers on duty are weighed by distance, grid, community and
// the open orders they hold in the order's street.
func (s *Service) Suggest(id string, k int) (*Suggestions, error) {
	o, ok := s.state.Order(id)
	if !ok {
		return nil, ErrNotFound
	}
	k = min(max(k, 1), MaxSuggestions)
	near := s.state.NearestWorkers(orb.Point(o.Location), max(s.cfg.Candidates*k, minCandidates), true)
	return &Suggestions{
		OrderID:     id,
		Workers:     Rank(o, near, s.loads(o.Area.Street), s.cfg.Weights, s.cfg.Roles, k),
		Departments: DepartmentsFor(o.Category),
	}, nil
}

// loads counts the open orders each assignee holds in a street. Workers
// seldom hold orders outside their own street, and the street's orders are
// one lookup of the live state's area index.
func (s *Service) loads(street string) map[string]int {
	q := live.Query{Layers: live.LayersOf(live.Orders), Area: street}
	snap := s.state.Snapshot(q)
	out := make(map[string]int, len(snap.Orders))
	for _, o := range snap.Orders {
		if o.Assignee != "" {
			out[o.Assignee]++
		}
	}
	return out
}
