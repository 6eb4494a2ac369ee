package seed

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Facility kinds, as facilities.geojson's "kind" property.
const (
	facilityElevator    = "elevator"
	facilityControlRoom = "control_room"
)

// PropertyCompany is a property management company (物业企业) that runs
// compounds of one district.
type PropertyCompany struct {
	Code       string `json:"code"`     // "WY" + district code + 3 digits
	Name       string `json:"name"`     // e.g. 四川锦城物业服务有限公司
	District   string `json:"district"` // code of its district
	Compounds  int    `json:"compounds"`
	Households int    `json:"households"`
}

// assignCompanies makes the district's property companies and gives every
// compound one. A few large companies run many compounds and most run a
// handful, as in a real district; every company runs at least one.
func (g *generator) assignCompanies(d *districtGen) {
	r := rngFor(g.cfg.Seed, d.spec.Code+"/companies")
	n := g.cfg.PropertyCompanies
	compounds := d.compounds()
	if len(compounds) == 0 {
		return
	}
	d.companies = make([]PropertyCompany, n)
	cum := make([]float64, n)
	var sum float64
	for i := range d.companies {
		d.companies[i] = PropertyCompany{
			Code:     fmt.Sprintf("WY%s%03d", d.spec.Code, i+1),
			Name:     d.names.company(),
			District: d.spec.Code,
		}
		sum += 1 / math.Pow(float64(i+1), 0.8) // Zipf-like market shares
		cum[i] = sum
	}
	for j, ci := range r.Perm(len(compounds)) {
		k := compounds[ci]
		if j < n {
			k.company = j
		} else {
			x := r.Float64() * sum
			k.company = sort.SearchFloat64s(cum, x)
		}
		d.companies[k.company].Compounds++
		d.companies[k.company].Households += k.households()
	}
}

// fitElevators chooses which elevators carry sensors: whole buildings in a
// seeded order, as retrofits go building by building, until the count is
// reached.
func (g *generator) fitElevators(d *districtGen) error {
	r := rngFor(g.cfg.Seed, d.spec.Code+"/elevators")
	type tower struct {
		k *compoundGen
		b *buildingGen
	}
	var towers []tower
	total := 0
	for _, k := range d.compounds() {
		for _, b := range k.buildings {
			if b.elevators > 0 {
				towers = append(towers, tower{k, b})
				total += b.elevators
			}
		}
	}
	want := g.cfg.Elevators
	if want > total {
		return fmt.Errorf("district %s: %d sensor-fitted elevators asked for, but its buildings of %d+ floors have only %d elevators", d.spec.Code, want, elevatorFloors, total)
	}
	for _, i := range r.Perm(len(towers)) {
		if want == 0 {
			break
		}
		t := towers[i]
		t.b.sensors = min(t.b.elevators, want)
		t.k.sensors += t.b.sensors
		want -= t.b.sensors
	}
	return nil
}

// placeControlRooms gives the larger compounds a security control room,
// by households with some chance.
func (g *generator) placeControlRooms(d *districtGen) {
	r := rngFor(g.cfg.Seed, d.spec.Code+"/control-rooms")
	compounds := d.compounds()
	keys := make([]float64, len(compounds))
	idx := make([]int, len(compounds))
	for i, k := range compounds {
		keys[i] = float64(k.households()) * uniform(r, 0.6, 1.4)
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] > keys[idx[b]] })
	for _, i := range idx[:g.cfg.ControlRooms] {
		compounds[i].controlRoom = true
	}
}

// collectFacilities lists the district's facilities in compound order: a
// compound's control room, then its sensor-fitted elevators, each standing
// in its stairwell.
func (g *generator) collectFacilities(d *districtGen) {
	for _, c := range d.communities() {
		for _, k := range c.compounds {
			if k.controlRoom {
				// By the gate on the compound's south side, clear of buildings.
				at := orb.Point{(k.box.Min[0] + k.box.Max[0]) / 2, k.box.Min[1] + buildingMargin/2}
				d.facilities = append(d.facilities, facilityGen{
					id:       "CR-" + k.code,
					kind:     facilityControlRoom,
					compound: k.code,
					point:    c.toLocal(at),
					props:    map[string]any{"name": k.name + "安防监控室"},
				})
			}
			seq := 0
			for bi, b := range k.buildings {
				for e := 0; e < b.sensors; e++ {
					seq++
					perUnit := b.elevators / b.units
					unit := e / perUnit
					// Two cars of a tower core stand side by side.
					off := 0.0
					if perUnit == 2 {
						off = float64(e%2)*6 - 3
					}
					w := (b.box.Max[0] - b.box.Min[0]) / float64(b.units)
					at := orb.Point{b.box.Min[0] + (float64(unit)+0.5)*w + off, (b.box.Min[1] + b.box.Max[1]) / 2}
					d.facilities = append(d.facilities, facilityGen{
						id:       fmt.Sprintf("EL-%s-%02d", k.code, seq),
						kind:     facilityElevator,
						compound: k.code,
						point:    c.toLocal(at),
						props: map[string]any{
							"building": b.code,
							"name":     fmt.Sprintf("%d栋%d单元%d号电梯", bi+1, unit+1, e%perUnit+1),
							"floors":   b.floors,
						},
					})
				}
			}
		}
	}
}
