package seed

import (
	"math"

	"github.com/paulmach/orb"
)

// Compound types, as the compound layer's "type" property.
const (
	typeCommercial   = "commercial"   // 商品房
	typeResettlement = "resettlement" // 农安/安置
	typeOld          = "old"          // 老旧院落
)

// Dedicated grid kinds, as the dedicated grid layer's "kind" property.
const (
	kindSchool   = "school"
	kindHospital = "hospital"
	kindMarket   = "market"
	kindPark     = "industrial_park"
)

// dedicatedKinds and their shares of the dedicated grids.
var (
	dedicatedKinds  = []string{kindSchool, kindHospital, kindMarket, kindPark}
	dedicatedShares = []float64{0.30, 0.12, 0.18, 0.40}
)

// The generator's working model, in the local metric plane. It becomes an
// area.Set only at the end.

type districtGen struct {
	spec   DistrictSpec
	shape  polygon
	core   orb.Point // the urban centre, where density peaks
	radius float64   // radius of a circle of the district's area
	names  *namer
	// streets and everything below are in code order.
	streets    []*streetGen
	companies  []PropertyCompany
	facilities []facilityGen
}

// density is how urban the land at p is, from 0.25 in the far fields to
// 1.25 at the core. It decides where communities are small and compounds
// many.
func (d *districtGen) density(p orb.Point) float64 {
	r := dist(p, d.core) / (0.5 * d.radius)
	return 0.25 + math.Exp(-r*r)
}

// communities lists every community of the district in code order.
func (d *districtGen) communities() []*communityGen {
	var out []*communityGen
	for _, s := range d.streets {
		out = append(out, s.communities...)
	}
	return out
}

// compounds lists every compound of the district in code order.
func (d *districtGen) compounds() []*compoundGen {
	var out []*compoundGen
	for _, c := range d.communities() {
		out = append(out, c.compounds...)
	}
	return out
}

// generalGrids lists every general grid of the district in code order.
func (d *districtGen) generalGrids() []*gridGen {
	var out []*gridGen
	for _, c := range d.communities() {
		out = append(out, c.grids...)
	}
	return out
}

type streetGen struct {
	code, name, kind string
	shape            polygon
	angle            float64 // the street's main road direction
	communities      []*communityGen
}

type communityGen struct {
	code, name, kind string
	shape            polygon
	// angle turns the community's frame, in which compounds, dedicated
	// grids and buildings are axis-aligned boxes: local = rotate(frame, angle).
	angle     float64
	density   float64
	secretary string
	hhSize    float64 // people per household
	compounds []*compoundGen
	dedicated []*dedicatedGen
	scattered int // households outside compounds: village houses, shops
	grids     []*gridGen
}

// households is every household of the community.
func (c *communityGen) households() int {
	n := c.scattered
	for _, k := range c.compounds {
		n += k.households()
	}
	return n
}

// toLocal turns a point of the community's frame into the local plane.
func (c *communityGen) toLocal(p orb.Point) orb.Point { return rotate(p, c.angle) }

// boxPolygon is a box of the community's frame as a local polygon.
func (c *communityGen) boxPolygon(b orb.Bound) polygon {
	return polygon{
		c.toLocal(b.Min),
		c.toLocal(orb.Point{b.Max[0], b.Min[1]}),
		c.toLocal(b.Max),
		c.toLocal(orb.Point{b.Min[0], b.Max[1]}),
	}
}

type compoundGen struct {
	code, name, typ string
	box             orb.Bound // in the community's frame
	builtYear       int
	buildings       []*buildingGen
	company         int // index into the district's companies
	sensors         int // sensor-fitted elevators
	controlRoom     bool
}

func (k *compoundGen) households() int {
	n := 0
	for _, b := range k.buildings {
		n += b.households
	}
	return n
}

func (k *compoundGen) elevators() int {
	n := 0
	for _, b := range k.buildings {
		n += b.elevators
	}
	return n
}

type buildingGen struct {
	code       string
	box        orb.Bound // in the community's frame
	floors     int
	units      int // stairwells (单元)
	perFloor   int // households per floor in each unit
	households int
	elevators  int
	sensors    int // how many of its elevators carry sensors
}

type dedicatedGen struct {
	code, name, kind string
	box              orb.Bound // in the community's frame
	staff            int
	extraKey         string // the kind's own size measure: students, beds…
	extra            int
}

type gridGen struct {
	code, name string
	site       orb.Point
	shape      polygon
	scattered  int
	buildings  []*buildingGen // buildings whose centre lies in the grid
	households int
	people     string // the grid worker, or for a micro grid its leader
	micros     []*gridGen
}

type facilityGen struct {
	id, kind, compound string
	point              orb.Point // local plane
	props              map[string]any
}
