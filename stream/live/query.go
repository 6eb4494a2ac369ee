package live

import (
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
)

// LayerSet is a set of layers.
type LayerSet uint8

// AllLayers holds every layer.
const AllLayers = LayerSet(1<<orderBit | 1<<alarmBit | 1<<patrolBit)

const (
	orderBit = iota
	alarmBit
	patrolBit
)

// LayersOf makes a set of the given layers; unknown names are ignored
// (callers validate names with ParseLayer).
func LayersOf(ls ...Layer) LayerSet {
	var s LayerSet
	for _, l := range ls {
		s |= l.bit()
	}
	return s
}

// Has reports whether l is in the set.
func (s LayerSet) Has(l Layer) bool { return s&l.bit() != 0 }

func (l Layer) bit() LayerSet {
	switch l {
	case Orders:
		return 1 << orderBit
	case Alarms:
		return 1 << alarmBit
	case Patrols:
		return 1 << patrolBit
	}
	return 0
}

// ParseLayer checks a layer name.
func ParseLayer(s string) (Layer, bool) {
	l := Layer(s)
	return l, l.bit() != 0
}

// Query selects live things: the layers, an optional bounding box and
// area, and filters. Everything set must match (bbox and area together
// mean both).
type Query struct {
	Layers LayerSet
	// BBox keeps things whose position lies in the bound (edges included).
	BBox *orb.Bound
	// Area keeps things inside the area with this code (see InArea).
	Area string
	// Scope is an access limit set by the server, not the client: an area
	// code the thing must lie in, like Area. Empty is no limit.
	Scope   string
	Filters Filters
}

// Filters narrow each layer by its attributes. An empty list means any.
type Filters struct {
	// Orders.
	States     []event.State    `json:"states,omitempty"`
	Categories []string         `json:"categories,omitempty"` // category codes or class codes ("safety")
	Priorities []event.Priority `json:"priorities,omitempty"`
	Overdue    bool             `json:"overdue,omitempty"` // only overdue orders
	// Alarms.
	Severities []event.Severity  `json:"severities,omitempty"`
	Kinds      []event.AlarmKind `json:"kinds,omitempty"`
	// Patrols.
	OnDuty bool         `json:"on_duty,omitempty"` // only workers on duty
	Roles  []event.Role `json:"roles,omitempty"`
}

// Match reports whether the query selects view v.
func (q *Query) Match(v View) bool { return q.MatchAt(v, PlaceOf(v)) }

// Place is a view's layer and where it is, read once by callers that
// match one view against many queries.
type Place struct {
	Layer    Layer
	Location event.Position
	Area     *event.Chain
}

// PlaceOf reads a view's place.
func PlaceOf(v View) Place {
	pos, chain := v.Where()
	return Place{Layer: v.Layer(), Location: pos, Area: chain}
}

// MatchAt is Match for a view whose place p the caller has already read.
func (q *Query) MatchAt(v View, p Place) bool {
	if !q.Layers.Has(p.Layer) {
		return false
	}
	if q.BBox != nil && !q.BBox.Contains(point(p.Location)) {
		return false
	}
	if q.Area != "" && !InArea(p.Area, q.Area) {
		return false
	}
	if q.Scope != "" && !InArea(p.Area, q.Scope) {
		return false
	}
	return q.Filters.match(v)
}

// SelectsWorkersByStreet reports whether, among workers, q selects by
// position and street alone: a box, no area, at most a district or a
// street as scope, and no worker filters. Such a query can judge a worker
// from a copy of those two (MatchWorkerPlace) without its view.
func (q *Query) SelectsWorkersByStreet() bool {
	return q.Layers.Has(Patrols) && q.BBox != nil && q.Area == "" && len(q.Scope) <= area.StreetCodeLen &&
		!q.Filters.OnDuty && len(q.Filters.Roles) == 0
}

// MatchWorkerPlace is Match for a worker at pos in street, for a query
// that SelectsWorkersByStreet.
func (q *Query) MatchWorkerPlace(pos event.Position, street string) bool {
	return q.BBox.Contains(point(pos)) && (q.Scope == "" || InArea(&event.Chain{Street: street}, q.Scope))
}

func (f *Filters) match(v View) bool {
	switch v := v.(type) {
	case *Order:
		return f.matchOrder(v)
	case *Alarm:
		return (len(f.Severities) == 0 || slices.Contains(f.Severities, v.Severity)) &&
			(len(f.Kinds) == 0 || slices.Contains(f.Kinds, v.Kind))
	case *Worker:
		return (!f.OnDuty || v.OnDuty) && (len(f.Roles) == 0 || slices.Contains(f.Roles, v.Role))
	}
	return false
}

func (f *Filters) matchOrder(o *Order) bool {
	if f.Overdue && !o.Overdue {
		return false
	}
	if len(f.States) > 0 && !slices.Contains(f.States, o.State) {
		return false
	}
	if len(f.Priorities) > 0 && !slices.Contains(f.Priorities, o.Priority) {
		return false
	}
	if len(f.Categories) > 0 && !slices.Contains(f.Categories, o.Category) &&
		!slices.Contains(f.Categories, event.ClassOf(o.Category)) {
		return false
	}
	return true
}

// Snapshot is the state of a query at one point of the state's history.
type Snapshot struct {
	// Seq is the last events-stream sequence applied; every change with a
	// higher Seq comes after the snapshot.
	Seq uint64
	// Version is the state's change counter at the snapshot (see Change).
	Version uint64
	Orders  []*Order
	Alarms  []*Alarm
	Patrols []*Worker
}
