package simulate

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
)

// Compound types, as the compound layer's "type" property.
const (
	typeCommercial   = "commercial"
	typeResettlement = "resettlement"
	typeOld          = "old"
)

// district is what the simulator needs of the areas: compounds with their
// type and grid, general grids with their people, and how to draw places
// in them.
type district struct {
	districts   int // district-layer areas: a city has several
	grids       []*grid
	compounds   []*compound
	buildings   []*building
	communities map[string]*community
	// gridByCode and compoundByCode find the places of orders the server
	// holds, to adopt them.
	gridByCode     map[string]*grid
	compoundByCode map[string]*compound
}

type community struct {
	code, name, street string
	compounds          []*compound
}

// grid is a general grid (一般网格), a grid worker's beat.
type grid struct {
	a          *area.Area
	comm       *community
	shape      *shape
	households int
	worker     string // the grid worker's name
	micros     []*area.Area
}

// workerID is the id of the grid's own grid worker, who is dispatched its
// work orders.
func (g *grid) workerID() string { return "GW" + g.a.Code }

// compound is a residential compound (小区/院落).
type compound struct {
	a          *area.Area
	typ        string
	households int
	company    string // property company code; empty for none
	controlRm  bool
	grid       *grid // the general grid holding its centre
	comm       *community
	shape      *shape
	buildings  []*building
}

// building is a building of a compound.
type building struct {
	a      *area.Area
	k      *compound
	floors int
	centre orb.Point // [lon, lat], inside the building
}

// newDistrict reads the areas the simulator drives. It needs at least one
// general grid; compounds are optional (appeals then all come from the
// streets).
func newDistrict(set *area.Set) (*district, error) {
	if set == nil {
		return nil, errors.New("no areas")
	}
	d := &district{districts: set.Count(area.District), communities: map[string]*community{},
		gridByCode: map[string]*grid{}, compoundByCode: map[string]*compound{}}
	for _, c := range set.Layer(area.Community) {
		d.communities[c.Code] = &community{code: c.Code, name: c.Name, street: c.Parent}
	}
	commOf := func(code string) *community {
		c, ok := d.communities[code]
		if !ok {
			// Imported grids may name a community the set lacks; the
			// code's own prefix still gives the street.
			c = &community{code: code, street: area.ParentCode(area.Community, code)}
			d.communities[code] = c
		}
		return c
	}
	microsOf := map[string][]*area.Area{}
	for _, m := range set.Layer(area.MicroGrid) {
		microsOf[m.Parent] = append(microsOf[m.Parent], m)
	}
	byComm := map[string][]*grid{}
	for _, a := range sortedLayer(set, area.GeneralGrid) {
		s := newShape(a.Geometry)
		if s == nil {
			continue
		}
		g := &grid{a: a, comm: commOf(a.Parent), shape: s, households: propInt(a.Props, "households"),
			worker: propString(a.Props, "grid_worker"), micros: microsOf[a.Code]}
		sort.Slice(g.micros, func(i, j int) bool { return g.micros[i].Code < g.micros[j].Code })
		d.grids = append(d.grids, g)
		d.gridByCode[a.Code] = g
		byComm[a.Parent] = append(byComm[a.Parent], g)
	}
	if len(d.grids) == 0 {
		return nil, errors.New("the areas hold no general grid: nothing to patrol and no one to dispatch to")
	}
	for _, a := range sortedLayer(set, area.Compound) {
		s := newShape(a.Geometry)
		if s == nil {
			continue
		}
		k := &compound{a: a, typ: propString(a.Props, "type"), households: propInt(a.Props, "households"),
			company: propString(a.Props, "property_company"), controlRm: propBool(a.Props, "control_room"),
			comm: commOf(a.Parent), shape: s}
		switch k.typ {
		case typeCommercial, typeResettlement, typeOld:
		default:
			k.typ = typeOld // unknown compounds behave like the common kind
		}
		k.grid = gridHolding(byComm[a.Parent], s.toLonLat(orb.Point{}), d.grids)
		d.compounds = append(d.compounds, k)
		k.comm.compounds = append(k.comm.compounds, k)
		d.compoundByCode[a.Code] = k
	}
	for _, a := range sortedLayer(set, area.Building) {
		k, ok := d.compoundByCode[a.Parent]
		if !ok {
			continue
		}
		c, _ := planar.CentroidArea(a.Geometry)
		b := &building{a: a, k: k, floors: propInt(a.Props, "floors"), centre: c}
		k.buildings = append(k.buildings, b)
		d.buildings = append(d.buildings, b)
	}
	return d, nil
}

// gridHolding finds the grid of candidates holding p, else the nearest of
// them, else the nearest of all grids.
func gridHolding(candidates []*grid, p orb.Point, all []*grid) *grid {
	for _, g := range candidates {
		if g.a.Contains(p) {
			return g
		}
	}
	if len(candidates) == 0 {
		candidates = all
	}
	best, bestD := candidates[0], math.Inf(1)
	for _, g := range candidates {
		if dd := planar.DistanceSquared(g.a.Geometry.Bound().Center(), p); dd < bestD {
			best, bestD = g, dd
		}
	}
	return best
}

// sortedLayer is layer l in code order, so the simulation does not depend
// on the order areas were read in.
func sortedLayer(set *area.Set, l area.Layer) []*area.Area {
	out := append([]*area.Area(nil), set.Layer(l)...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// propInt reads a whole-number property: an int from the generator, a
// float64 from a GeoJSON file.
func propInt(props map[string]any, key string) int {
	switch v := props[key].(type) {
	case int:
		return v
	case int64:
		return int(v)
	case float64:
		return int(v)
	case json.Number:
		n, _ := v.Int64()
		return int(n)
	}
	return 0
}

func propString(props map[string]any, key string) string {
	switch v := props[key].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func propBool(props map[string]any, key string) bool {
	b, _ := props[key].(bool)
	return b
}
