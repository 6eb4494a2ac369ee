package seed

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// Households outside compounds per hectare of free land: village houses
// in the fields, shops and small houses along urban streets.
const (
	villageRate = 1.5 // per ha, plus more with density
	urbanRate   = 2.0
	denseRate   = 4.0 // per ha at density 1
)

// planGeneralGrids settles each community's scattered households and
// shares the district's general grids among communities by households, at
// least one each.
func (g *generator) planGeneralGrids(d *districtGen) ([]int, error) {
	comms := d.communities()
	weights := make([]float64, len(comms))
	for i, c := range comms {
		free := c.shape.area()
		for _, k := range c.compounds {
			free -= (k.box.Max[0] - k.box.Min[0]) * (k.box.Max[1] - k.box.Min[1])
		}
		for _, x := range c.dedicated {
			free -= (x.box.Max[0] - x.box.Min[0]) * (x.box.Max[1] - x.box.Min[1])
		}
		rate := urbanRate
		if c.kind == "村" {
			rate = villageRate
		}
		rate += denseRate * c.density
		r := rngFor(g.cfg.Seed, c.code+"/scattered")
		c.scattered = int(free / 1e4 * rate * uniform(r, 0.8, 1.2))
		weights[i] = float64(c.households())
	}
	counts, err := apportion(g.cfg.GeneralGrids, weights, 1)
	if err != nil {
		return nil, fmt.Errorf("general grids of %s: %w", d.spec.Code, err)
	}
	return counts, nil
}

// householdPoint is where households live: a building's centre, weighted
// by its households.
type householdPoint struct {
	at orb.Point
	b  *buildingGen
}

// cutGrids tiles parent with n grids whose sites lean towards where people
// live, then gives each grid the buildings whose centres it holds and a
// share of the scattered households by area. Two Lloyd rounds would even
// the cells out entirely; one keeps them smaller where households crowd.
func cutGrids(r *rand.Rand, parent polygon, n int, homes []householdPoint, scattered int) ([]*gridGen, error) {
	smp := newSampler(r, parent)
	cum := make([]float64, len(homes))
	var total float64
	for i, h := range homes {
		total += float64(h.b.households)
		cum[i] = total
	}
	byHome := total / (total + float64(scattered))
	sites, cells, err := tessellate(parent, 1, func() []orb.Point {
		return smp.sites(n, func() orb.Point {
			if len(homes) == 0 || r.Float64() > 0.8*byHome {
				return smp.uniform()
			}
			// A home drawn by its households, its site spread around it.
			h := homes[min(len(homes)-1, sort.SearchFloat64s(cum, r.Float64()*total))]
			return add(h.at, orb.Point{uniform(r, -40, 40), uniform(r, -40, 40)})
		})
	})
	if err != nil {
		return nil, err
	}
	order := readingOrder(cells)
	grids := make([]*gridGen, n)
	areas := make([]float64, n)
	for k, i := range order {
		grids[k] = &gridGen{site: sites[i], shape: cells[i]}
		areas[k] = cells[i].area()
	}
	ordered := make([]orb.Point, n)
	for k, gr := range grids {
		ordered[k] = gr.site
	}
	for _, h := range homes {
		gr := grids[nearest(ordered, h.at)]
		gr.buildings = append(gr.buildings, h.b)
		gr.households += h.b.households
	}
	shares, err := apportion(scattered, areas, 0)
	if err != nil {
		return nil, err
	}
	for k, gr := range grids {
		gr.scattered = shares[k]
		gr.households += shares[k]
	}
	return grids, nil
}

// layoutGeneralGrids tiles a community with its general grids.
func (g *generator) layoutGeneralGrids(c *communityGen, n int) error {
	if n > maxGeneralGrids {
		return fmt.Errorf("community %s would hold %d general grids, more than its code allows (%d)", c.code, n, maxGeneralGrids)
	}
	r := rngFor(g.cfg.Seed, c.code+"/grids")
	var homes []householdPoint
	for _, k := range c.compounds {
		for _, b := range k.buildings {
			homes = append(homes, householdPoint{at: c.toLocal(b.box.Center()), b: b})
		}
	}
	grids, err := cutGrids(r, c.shape, n, homes, c.scattered)
	if err != nil {
		return fmt.Errorf("general grids of %s: %w", c.code, err)
	}
	for i, gr := range grids {
		gr.code = area.GeneralGridCode(c.code, i+1)
		gr.name = fmt.Sprintf("第%d网格", i+1)
		gr.people = person(r)
	}
	c.grids = grids
	return nil
}

// planMicroGrids shares the district's micro grids among general grids by
// households, at least one each: a micro grid is some dozens of households.
func (g *generator) planMicroGrids(d *districtGen) ([]int, error) {
	grids := d.generalGrids()
	weights := make([]float64, len(grids))
	for i, gr := range grids {
		weights[i] = float64(gr.households)
	}
	counts, err := apportion(g.cfg.MicroGrids, weights, 1)
	if err != nil {
		return nil, fmt.Errorf("micro grids of %s: %w", d.spec.Code, err)
	}
	return counts, nil
}

// layoutMicroGrids tiles a general grid with its micro grids.
func (g *generator) layoutMicroGrids(c *communityGen, gr *gridGen, n int) error {
	if n > maxSeq3 {
		return fmt.Errorf("general grid %s would hold %d micro grids, more than its code allows (%d)", gr.code, n, maxSeq3)
	}
	r := rngFor(g.cfg.Seed, gr.code+"/micro")
	homes := make([]householdPoint, len(gr.buildings))
	for i, b := range gr.buildings {
		homes[i] = householdPoint{at: c.toLocal(b.box.Center()), b: b}
	}
	micros, err := cutGrids(r, gr.shape, n, homes, gr.scattered)
	if err != nil {
		return fmt.Errorf("micro grids of %s: %w", gr.code, err)
	}
	for i, m := range micros {
		m.code = area.MicroGridCode(gr.code, i+1)
		m.name = fmt.Sprintf("第%d微网格", i+1)
		m.people = person(r)
	}
	gr.micros = micros
	return nil
}
