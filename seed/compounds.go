package seed

import (
	"fmt"
	"math"
	"sort"

	"github.com/gridpulse/gridpulse/area"
)

// compoundMinHa and compoundMaxHa bound a compound's area; sizes are drawn
// a little inside so projection rounding never crosses the bounds.
const (
	compoundMinHa = 1.02
	compoundMaxHa = 14.7
)

// compoundSizes are each type's range of areas in hectares.
var compoundSizes = map[string][2]float64{
	typeCommercial:   {1.5, compoundMaxHa},
	typeResettlement: {2, 12},
	typeOld:          {compoundMinHa, 5},
}

// dedicatedSizes are each dedicated kind's range of areas in hectares.
var dedicatedSizes = map[string][2]float64{
	kindSchool:   {0.4, 5},
	kindHospital: {0.3, 4},
	kindMarket:   {0.2, 2},
	kindPark:     {2, 15},
}

// maxFill is the share of a community's land its compounds and dedicated
// grids may take together; the rest is roads, fields and open land, and
// leaves rejection sampling room to work.
const maxFill = 0.4

// meanSize is the mean of a log-uniform draw from the range.
func meanSize(r [2]float64) float64 { return (r[1] - r[0]) / math.Log(r[1]/r[0]) }

// builtYears are the ranges of years each compound type was built in.
var builtYears = map[string][2]int{
	typeCommercial:   {2000, 2023},
	typeResettlement: {2005, 2021},
	typeOld:          {1978, 1999},
}

// planCompounds decides how many compounds of which type, and how many
// dedicated grids of which kind, each community of d holds. Dense
// communities get more compounds and most commercial ones; resettlement
// housing leans to the fringe; industrial parks avoid the core.
func (g *generator) planCompounds(d *districtGen) (types [][]string, kinds [][]string, err error) {
	comms := d.communities()
	r := rngFor(g.cfg.Seed, d.spec.Code+"/compound-plan")

	// room is how many hectares of plots each community can take; the
	// caps keep dense communities from being asked for more than fits.
	room := make([]float64, len(comms))
	weights := make([]float64, len(comms))
	caps := make([]int, len(comms))
	meanCompound := g.cfg.CommercialShare*meanSize(compoundSizes[typeCommercial]) +
		g.cfg.ResettlementShare*meanSize(compoundSizes[typeResettlement]) +
		(1-g.cfg.CommercialShare-g.cfg.ResettlementShare)*meanSize(compoundSizes[typeOld])
	least := 0
	if g.cfg.Compounds >= len(comms) {
		least = 1
	}
	for i, c := range comms {
		room[i] = maxFill * c.shape.area() / 1e4
		weights[i] = c.shape.area() * math.Pow(c.density, 1.5)
		caps[i] = max(least, int(0.6*room[i]/meanCompound))
	}
	counts, err := apportionCapped(g.cfg.Compounds, weights, least, caps)
	if err != nil {
		return nil, nil, fmt.Errorf("compounds of %s do not fit: %w", d.spec.Code, err)
	}
	for i := range comms {
		room[i] -= float64(counts[i]) * meanCompound
	}

	// Every compound slot gets a type: commercial to the most urban slots,
	// resettlement to the least urban of the rest, each with some chance.
	type slot struct{ comm, typ int }
	var slots []slot
	for i, n := range counts {
		for k := 0; k < n; k++ {
			slots = append(slots, slot{comm: i})
		}
	}
	nCom := int(math.Round(float64(len(slots)) * g.cfg.CommercialShare))
	nRes := int(math.Round(float64(len(slots)) * g.cfg.ResettlementShare))
	nRes = min(nRes, len(slots)-nCom)
	typeNames := []string{typeOld, typeCommercial, typeResettlement}
	rank := func(n, typ int, key func(dens float64) float64) {
		keys := make([]float64, len(slots))
		idx := make([]int, 0, len(slots))
		for i, s := range slots {
			keys[i] = key(comms[s.comm].density) * uniform(r, 0.3, 1.7)
			if s.typ == 0 {
				idx = append(idx, i)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] > keys[idx[b]] })
		for _, i := range idx[:n] {
			slots[i].typ = typ
		}
	}
	rank(nCom, 1, func(dens float64) float64 { return dens })
	rank(nRes, 2, func(dens float64) float64 { return 1 / math.Sqrt(dens) })

	types = make([][]string, len(comms))
	for _, s := range slots {
		types[s.comm] = append(types[s.comm], typeNames[s.typ])
	}

	kinds = make([][]string, len(comms))
	perKind, err := apportion(g.cfg.DedicatedGrids, dedicatedShares, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("dedicated grids of %s: %w", d.spec.Code, err)
	}
	for k, kind := range dedicatedKinds {
		exp := 1.5
		if kind == kindPark {
			exp = 0.5
		}
		mean := meanSize(dedicatedSizes[kind])
		for i, c := range comms {
			weights[i] = c.shape.area() * math.Pow(c.density, exp)
			caps[i] = max(0, int(room[i]/mean))
		}
		n, err := apportionCapped(perKind[k], weights, 0, caps)
		if err != nil {
			return nil, nil, fmt.Errorf("%s grids of %s do not fit: %w", kind, d.spec.Code, err)
		}
		for i := range comms {
			room[i] -= float64(n[i]) * mean
			for j := 0; j < n[i]; j++ {
				kinds[i] = append(kinds[i], kind)
			}
		}
	}
	return types, kinds, nil
}

// layoutCompounds places a community's compounds and dedicated grids and
// names them.
func (g *generator) layoutCompounds(d *districtGen, c *communityGen, types, kinds []string) error {
	if len(types) > maxCompounds || len(kinds) > maxDedicatedGrids {
		return fmt.Errorf("community %s would hold %d compounds and %d dedicated grids, more than its codes allow", c.code, len(types), len(kinds))
	}
	r := rngFor(g.cfg.Seed, c.code+"/plots")
	plots := make([]*plot, 0, len(types)+len(kinds))
	for _, t := range types {
		s := compoundSizes[t]
		plots = append(plots, newPlot(r, logUniform(r, s[0], s[1]), compoundMinHa, 2.2))
	}
	for _, k := range kinds {
		s := dedicatedSizes[k]
		plots = append(plots, newPlot(r, logUniform(r, s[0], s[1]), s[0], 2.5))
	}
	// Shrink every plot alike when together they would crowd the land.
	var planned float64
	for _, p := range plots {
		planned += p.w * p.h
	}
	if k := maxFill * c.shape.area() / planned; k < 1 {
		for _, p := range plots {
			f := math.Sqrt(math.Max(k, p.minArea/(p.w*p.h)))
			p.w, p.h = p.w*f, p.h*f
		}
	}
	if err := placePlots(r, c.shape.rotated(-c.angle), plots); err != nil {
		return fmt.Errorf("community %s (%.0f ha): %w", c.code, c.shape.area()/1e4, err)
	}
	for i, t := range types {
		y := builtYears[t]
		c.compounds = append(c.compounds, &compoundGen{
			code:      area.CompoundCode(c.code, i+1),
			name:      d.names.compound(t),
			typ:       t,
			box:       plots[i].box,
			builtYear: between(r, y[0], y[1]),
		})
	}
	for i, k := range kinds {
		p := plots[len(types)+i]
		dg := &dedicatedGen{
			code: area.DedicatedGridCode(c.code, i+1),
			name: d.names.dedicated(k),
			kind: k,
			box:  p.box,
		}
		ha := p.w * p.h / 1e4
		switch k {
		case kindSchool:
			dg.extraKey, dg.extra = "students", int(ha*uniform(r, 400, 900))
			dg.staff = dg.extra/12 + 5
		case kindHospital:
			dg.extraKey, dg.extra = "beds", int(ha*uniform(r, 40, 150))
			dg.staff = dg.extra*3/2 + 10
		case kindMarket:
			dg.extraKey, dg.extra = "stalls", int(ha*uniform(r, 80, 200))
			dg.staff = dg.extra + 5
		case kindPark:
			dg.extraKey, dg.extra = "enterprises", int(ha*uniform(r, 1, 6))+1
			dg.staff = int(ha * uniform(r, 40, 150))
		}
		c.dedicated = append(c.dedicated, dg)
	}
	return nil
}
