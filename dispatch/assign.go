package dispatch

import (
	"cmp"
	"slices"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Suggestion is a grid worker proposed for an order, with what the choice
// weighed.
type Suggestion struct {
	WorkerID string         `json:"worker_id"`
	Name     string         `json:"name,omitempty"`
	Role     event.Role     `json:"role"`
	HomeGrid string         `json:"home_grid,omitempty"`
	Location event.Position `json:"location"`
	// Meters is the straight-line distance to the order.
	Meters float64 `json:"meters"`
	// Load is the open orders the worker holds in the order's street.
	Load          int  `json:"load"`
	SameGrid      bool `json:"same_grid"`
	SameCommunity bool `json:"same_community"`
	// Score is the distance plus the penalties of AssignWeights, in
	// metres; the lowest comes first.
	Score float64 `json:"score"`
}

// AssignWeights turn the preferences of assignment into metres added to a
// worker's distance, so one number ranks the candidates.
type AssignWeights struct {
	// OtherGrid is added for a worker whose grid is not the order's: the
	// order's own grid worker knows the place and answers for it.
	OtherGrid float64
	// OtherCommunity is added, on top, for a worker of another community,
	// who would be crossing into another office's responsibility.
	OtherCommunity float64
	// PerOrder is added for each open order the worker already holds.
	PerOrder float64
}

// DefaultAssignWeights: another grid costs as much as 300 m more walking,
// another community 1 km more, and each order already held 250 m.
var DefaultAssignWeights = AssignWeights{OtherGrid: 300, OtherCommunity: 1000, PerOrder: 250}

// Rank orders the workers found near an order by score and returns the
// best k: only workers on duty with one of roles, each scored by distance,
// grid, community and load (open orders held, by worker id). Ties go to the
// nearer worker, then the lower id, so the ranking is deterministic.
func Rank(o *live.Order, near []live.Nearby, load map[string]int, w AssignWeights, roles []event.Role, k int) []Suggestion {
	out := make([]Suggestion, 0, len(near))
	for _, n := range near {
		wk := n.Worker
		if wk == nil || !wk.OnDuty || !slices.Contains(roles, wk.Role) {
			continue
		}
		grid := wk.HomeGrid
		if grid == "" {
			grid = wk.Area.GeneralGrid
		}
		s := Suggestion{
			WorkerID: wk.WorkerID, Name: wk.Name, Role: wk.Role, HomeGrid: wk.HomeGrid, Location: wk.Location,
			Meters: n.Meters, Load: load[wk.WorkerID],
			SameGrid:      grid != "" && grid == o.Area.GeneralGrid,
			SameCommunity: grid != "" && area.ParentCode(area.GeneralGrid, grid) == o.Area.Community,
		}
		s.Score = s.Meters + w.PerOrder*float64(s.Load)
		if !s.SameGrid {
			s.Score += w.OtherGrid
		}
		if !s.SameCommunity {
			s.Score += w.OtherCommunity
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(a.Meters, b.Meters), cmp.Compare(a.WorkerID, b.WorkerID))
	})
	return out[:min(k, len(out))]
}
