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
// the nearest workers on duty inside scope are weighed by distance, grid,
// community and the open orders they hold in the order's street (in the
// scope's community, when the scope is one). ErrNotFound when the order is
// unknown or outside scope.
func (s *Service) Suggest(scope, id string, k int) (*Suggestions, error) {
	o, err := s.scopedOrder(id, scope)
	if err != nil {
		return nil, err
	}
	k = min(max(k, 1), MaxSuggestions)
	near := s.state.NearestWorkers(orb.Point(o.Location), max(s.cfg.Candidates*k, minCandidates), true, scope)
	// The order lies in scope, so scope is its community, its street or
	// above: the narrower of scope and street holds the order.
	loadArea := o.Area.Street
	if len(scope) > len(loadArea) {
		loadArea = scope
	}
	return &Suggestions{
		OrderID:     id,
		Workers:     Rank(o, near, s.loads(loadArea), s.cfg.Weights, s.cfg.Roles, k),
		Departments: DepartmentsFor(o.Category),
	}, nil
}

// loads counts the open orders each assignee holds in an area, the
// order's street or the caller's community. Workers seldom hold orders
// outside their own street, and the area's orders are one lookup of the
// live state's area index.
func (s *Service) loads(area string) map[string]int {
	q := live.Query{Layers: live.LayersOf(live.Orders), Area: area}
	snap := s.state.Snapshot(q)
	out := make(map[string]int, len(snap.Orders))
	for _, o := range snap.Orders {
		if o.Assignee != "" {
			out[o.Assignee]++
		}
	}
	return out
}
