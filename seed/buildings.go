package seed

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// buildingStyle is how a compound type builds: storeys, households per
// floor in each unit (单元), units per building.
type buildingStyle struct {
	floors   [2]int
	perFloor []int
	units    [2]int
}

var buildingStyles = map[string]buildingStyle{
	typeCommercial:   {floors: [2]int{11, 33}, perFloor: []int{2, 4}, units: [2]int{1, 3}},
	typeResettlement: {floors: [2]int{7, 18}, perFloor: []int{2}, units: [2]int{2, 4}},
	typeOld:          {floors: [2]int{4, 7}, perFloor: []int{2}, units: [2]int{1, 3}},
}

// Building layout in metres.
const (
	buildingMargin = 8.0  // from the compound's edge: room for its wall and gate road
	storeyHeight   = 3.0  // metres per floor
	sunSpacing     = 0.8  // row gap per metre of building height, for winter sun
	minRowGap      = 12.0 // metres between rows, at least
	maxBuildings   = 999  // the 3 digits a building's code has
)

// elevatorFloors is the height from which a building has elevators, as
// Chinese residential codes ask.
const elevatorFloors = 7

// layoutBuildings fills a compound with rows of buildings facing south in
// the compound's frame, some cells left empty for greens and parking.
// Households follow from the buildings, so the compound's households are
// their sum.
func (g *generator) layoutBuildings(k *compoundGen) error {
	r := rngFor(g.cfg.Seed, k.code+"/buildings")
	st := buildingStyles[k.typ]
	floors0 := between(r, st.floors[0], st.floors[1])
	perFloor := pick(r, st.perFloor)
	units := between(r, st.units[0], st.units[1])
	if perFloor == 4 {
		units = min(units, 2) // towers have one or two cores
	}
	unitWidth, depth := 20.0, 13.0
	colGap := 15.0
	if perFloor == 4 {
		unitWidth, depth, colGap = 30.0, 22.0, 12.0
	}
	w := k.box.Max[0] - k.box.Min[0] - 2*buildingMargin
	h := k.box.Max[1] - k.box.Min[1] - 2*buildingMargin
	// Narrow compounds take shorter buildings.
	for units > 1 && float64(units)*unitWidth > w {
		units--
	}
	length := float64(units) * unitWidth
	if length > w || depth > h {
		return fmt.Errorf("compound %s (%.0f×%.0f m) is too small for one building", k.code, w, h)
	}
	rowGap := math.Max(minRowGap, sunSpacing*storeyHeight*float64(floors0+2))
	cols := int((w + colGap) / (length + colGap))
	rows := max(1, int((h+rowGap)/(depth+rowGap)))
	cellW, cellH := w/float64(cols), h/float64(rows)

	// Leave some cells empty, then number the rest row by row from the
	// north-west.
	cells := r.Perm(rows * cols)
	n := max(1, int(math.Round(float64(rows*cols)*uniform(r, 0.6, 0.9))))
	n = min(n, maxBuildings)
	cells = cells[:n]
	sort.Ints(cells)
	for i, cell := range cells {
		row, col := cell/cols, cell%cols
		// Jitter within the cell, never past its own share of the gaps.
		jx := uniform(r, -0.5, 0.5) * (cellW - length) / 2
		jy := uniform(r, -0.3, 0.3) * (cellH - depth) / 2
		cx := k.box.Min[0] + buildingMargin + (float64(col)+0.5)*cellW + jx
		cy := k.box.Max[1] - buildingMargin - (float64(row)+0.5)*cellH + jy
		f := min(st.floors[1], max(st.floors[0], floors0+between(r, -2, 2)))
		b := &buildingGen{
			code:     area.BuildingCode(k.code, i+1),
			box:      orb.Bound{Min: orb.Point{cx - length/2, cy - depth/2}, Max: orb.Point{cx + length/2, cy + depth/2}},
			floors:   f,
			units:    units,
			perFloor: perFloor,
		}
		b.households = f * units * perFloor
		if f >= elevatorFloors {
			b.elevators = units * perFloor / 2 // a tower core has two
		}
		k.buildings = append(k.buildings, b)
	}
	return nil
}
