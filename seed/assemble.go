package seed

import (
	"math"
	"strconv"

	"github.com/gridpulse/gridpulse/area"
)

// assemble turns the working model into the district's areas, facilities
// and property companies, every layer in code order.
func (g *generator) assemble() *District {
	set := area.NewSet()
	out := &District{Areas: set}
	f := g.frame
	for _, d := range g.districts {
		dHH, dPop := 0, 0
		var streets, comms, compounds, buildings, generals, micros, dedicated []*area.Area
		for _, s := range d.streets {
			sHH, sPop := 0, 0
			for _, c := range s.communities {
				hh := c.households()
				pop := int(math.Round(float64(hh) * c.hhSize))
				sHH += hh
				sPop += pop
				comms = append(comms, &area.Area{
					Code: c.code, Name: c.name, Layer: area.Community, Parent: s.code,
					Geometry: f.polygon(c.shape),
					Props: map[string]any{
						"kind": c.kind, "households": hh, "population": pop, "secretary": c.secretary,
					},
				})
				for _, k := range c.compounds {
					co := d.companies[k.company]
					hh := k.households()
					ha := (k.box.Max[0] - k.box.Min[0]) * (k.box.Max[1] - k.box.Min[1]) / 1e4
					org := "党支部"
					if hh < 300 {
						org = "党小组" // too few members for a branch
					}
					compounds = append(compounds, &area.Area{
						Code: k.code, Name: k.name, Layer: area.Compound, Parent: c.code,
						Geometry: f.polygon(c.boxPolygon(k.box)),
						Props: map[string]any{
							"type":                  k.typ,
							"households":            hh,
							"area_ha":               math.Round(ha*100) / 100,
							"built_year":            k.builtYear,
							"property_company":      co.Code,
							"property_company_name": co.Name,
							"elevators":             k.elevators(),
							"sensor_elevators":      k.sensors,
							"control_room":          k.controlRoom,
							"party_org":             k.name + org,
							"buildings":             len(k.buildings),
						},
					})
					for i, b := range k.buildings {
						buildings = append(buildings, &area.Area{
							Code: b.code, Name: strconv.Itoa(i+1) + "栋", Layer: area.Building, Parent: k.code,
							Geometry: f.polygon(c.boxPolygon(b.box)),
							Props: map[string]any{
								"floors": b.floors, "households": b.households, "units": b.units, "elevators": b.elevators,
							},
						})
					}
				}
				for _, gr := range c.grids {
					generals = append(generals, &area.Area{
						Code: gr.code, Name: gr.name, Layer: area.GeneralGrid, Parent: c.code,
						Geometry: f.polygon(gr.shape),
						Props: map[string]any{
							"households": gr.households, "grid_worker": gr.people, "micro_grids": len(gr.micros),
						},
					})
					for _, m := range gr.micros {
						micros = append(micros, &area.Area{
							Code: m.code, Name: m.name, Layer: area.MicroGrid, Parent: gr.code,
							Geometry: f.polygon(m.shape),
							Props:    map[string]any{"households": m.households, "leader": m.people},
						})
					}
				}
				for _, x := range c.dedicated {
					dedicated = append(dedicated, &area.Area{
						Code: x.code, Name: x.name, Layer: area.DedicatedGrid, Parent: c.code,
						Geometry: f.polygon(c.boxPolygon(x.box)),
						Props: map[string]any{
							"kind": x.kind, "staff": x.staff, x.extraKey: x.extra,
							"area_ha": math.Round((x.box.Max[0]-x.box.Min[0])*(x.box.Max[1]-x.box.Min[1])/100) / 100,
						},
					})
				}
			}
			dHH += sHH
			dPop += sPop
			streets = append(streets, &area.Area{
				Code: s.code, Name: s.name, Layer: area.Street, Parent: d.spec.Code,
				Geometry: f.polygon(s.shape),
				Props:    map[string]any{"kind": s.kind, "households": sHH, "population": sPop},
			})
		}
		set.Add(&area.Area{
			Code: d.spec.Code, Name: d.spec.Name, Layer: area.District,
			Geometry: f.polygon(d.shape),
			Props: map[string]any{
				"households": dHH, "population": dPop,
				"area_km2": math.Round(d.shape.area()/1e4) / 100,
			},
		})
		for _, layer := range [][]*area.Area{streets, comms, compounds, buildings, generals, micros, dedicated} {
			for _, a := range layer {
				set.Add(a)
			}
		}
		for _, x := range d.facilities {
			out.Facilities = append(out.Facilities, &area.Facility{
				ID: x.id, Kind: x.kind, Compound: x.compound, Point: f.lonLat(x.point), Props: x.props,
			})
		}
		out.PropertyCompanies = append(out.PropertyCompanies, d.companies...)
	}
	return out
}
