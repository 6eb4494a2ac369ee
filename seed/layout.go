package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// outline draws a convex district-like outline of the given area (m²)
// centred on the origin: a jittered, slightly stretched polygon of 12–16
// sides.
func outline(r *rand.Rand, areaM2 float64) polygon {
	n := between(r, 12, 16)
	stretch := uniform(r, 1.1, 1.35)
	turn := uniform(r, 0, math.Pi)
	pts := make([]orb.Point, n)
	for i := range pts {
		a := 2*math.Pi*float64(i)/float64(n) + uniform(r, -0.3, 0.3)*2*math.Pi/float64(n)
		rad := uniform(r, 0.85, 1.1)
		pts[i] = rotate(orb.Point{math.Cos(a) * rad * stretch, math.Sin(a) * rad / stretch}, turn)
	}
	hull := convexHull(pts)
	k := math.Sqrt(areaM2 / hull.area())
	for i := range hull {
		hull[i] = scale(hull[i], k)
	}
	return hull
}

// layoutDistricts gives every district its outline and urban core. One
// district sits on the centre; several tile a city outline as Voronoi
// cells seeded at their real relative positions, so neighbours stay
// neighbours.
func (g *generator) layoutDistricts() error {
	r := rngFor(g.cfg.Seed, "layout")
	areaM2 := g.cfg.AreaKm2 * 1e6
	if len(g.cfg.Districts) == 1 {
		shape := outline(r, areaM2)
		rad := math.Sqrt(areaM2 / math.Pi)
		// Shuangliu's built-up core lies towards Chengdu, to the north-east.
		g.districts = []*districtGen{g.newDistrict(g.cfg.Districts[0], shape, rotate(orb.Point{0.35 * rad, 0}, math.Pi/4))}
		return nil
	}
	city := outline(r, areaM2*float64(len(g.cfg.Districts)))
	positions := make([]orb.Point, len(g.cfg.Districts))
	var mean orb.Point
	for i, d := range g.cfg.Districts {
		positions[i] = g.frame.local(d.Position)
		mean = add(mean, scale(positions[i], 1/float64(len(positions))))
	}
	var spread float64
	for i := range positions {
		positions[i] = sub(positions[i], mean)
		spread = math.Max(spread, math.Hypot(positions[i][0], positions[i][1]))
	}
	k := 0.6 * math.Sqrt(areaM2*float64(len(positions))/math.Pi) / math.Max(spread, 1)
	_, cells, err := tessellate(city, 20, func() []orb.Point {
		sites := make([]orb.Point, len(positions))
		for i, p := range positions {
			sites[i] = scale(p, k)
			for !city.inside(sites[i], 0) {
				sites[i] = scale(sites[i], 0.9)
			}
			// Real positions can coincide at this scale; a nudge keeps sites apart.
			sites[i] = add(sites[i], orb.Point{uniform(r, -100, 100), uniform(r, -100, 100)})
		}
		return sites
	})
	if err != nil {
		return fmt.Errorf("lay out the city: %w", err)
	}
	for i, d := range g.cfg.Districts {
		c := cells[i].centroid()
		rad := math.Sqrt(cells[i].area() / math.Pi)
		// The core leans towards the city centre.
		core := c
		if l := math.Hypot(c[0], c[1]); l > 0.35*rad {
			core = sub(c, scale(c, 0.35*rad/l))
		}
		g.districts = append(g.districts, g.newDistrict(d, cells[i], core))
	}
	return nil
}

func (g *generator) newDistrict(spec DistrictSpec, shape polygon, core orb.Point) *districtGen {
	return &districtGen{
		spec:   spec,
		shape:  shape,
		core:   core,
		radius: math.Sqrt(shape.area() / math.Pi),
		names:  newNamer(rngFor(g.cfg.Seed, spec.Code+"/names")),
	}
}

// layoutStreets cuts a district into its streets and names them: streets
// (街道) take the cells nearest the core, towns (镇) the outer ones.
func (g *generator) layoutStreets(d *districtGen) error {
	n := g.cfg.Streets
	r := rngFor(g.cfg.Seed, d.spec.Code+"/streets")
	smp := newSampler(r, d.shape)
	_, cells, err := tessellate(d.shape, 3, func() []orb.Point { return smp.sites(n, nil) })
	if err != nil {
		return fmt.Errorf("streets of %s: %w", d.spec.Code, err)
	}

	names := make([]string, n)
	known := copy(names, d.spec.Streets)
	for _, nm := range names[:known] {
		d.names.used[nm] = true
	}
	for i := known; i < n; i++ {
		suffix := "街道"
		if i >= n*2/3 {
			suffix = "镇"
		}
		names[i] = d.names.place(suffix)
	}
	isTown := func(i int) bool { return strings.HasSuffix(names[i], "镇") }
	// Name order: streets before towns, each in list order.
	byName := make([]int, n)
	for i := range byName {
		byName[i] = i
	}
	sort.SliceStable(byName, func(a, b int) bool { return !isTown(byName[a]) && isTown(byName[b]) })
	byCore := orderBy(cells, func(c polygon) float64 { return dist(c.centroid(), d.core) })

	d.streets = make([]*streetGen, n)
	for k, i := range byName {
		kind := "街道"
		if isTown(i) {
			kind = "镇"
		}
		d.streets[i] = &streetGen{
			code:  area.StreetCode(d.spec.Code, i+1),
			name:  names[i],
			kind:  kind,
			shape: cells[byCore[k]],
			angle: uniform(r, -math.Pi/4, math.Pi/4),
		}
	}
	return nil
}

// orderBy returns the indexes of cells sorted by key, ties by index.
func orderBy(cells []polygon, key func(polygon) float64) []int {
	idx := make([]int, len(cells))
	keys := make([]float64, len(cells))
	for i, c := range cells {
		idx[i] = i
		keys[i] = key(c)
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
	return idx
}

// readingOrder sorts cells in rows from north to south, west to east in
// each row, so sequence numbers run across the map the way people read it.
func readingOrder(cells []polygon) []int {
	if len(cells) == 0 {
		return nil
	}
	var total float64
	top := math.Inf(-1)
	for _, c := range cells {
		total += c.area()
		top = math.Max(top, c.bound().Max[1])
	}
	row := math.Sqrt(total / float64(len(cells)))
	return orderBy(cells, func(c polygon) float64 {
		p := c.centroid()
		// Rows are a cell high; within a row x decides. The row weight
		// outweighs any x difference in a district.
		return math.Floor((top-p[1])/row)*1e9 + p[0]
	})
}

// layoutCommunities shares the district's communities among its streets by
// urban weight and cuts each street into them: small communities in dense
// streets, large villages in the fields.
func (g *generator) layoutCommunities(d *districtGen, t *tracker) error {
	weights := make([]float64, len(d.streets))
	for i, s := range d.streets {
		weights[i] = s.shape.area() * d.density(s.shape.centroid())
	}
	counts, err := apportion(g.cfg.Communities, weights, 1)
	if err != nil {
		return fmt.Errorf("communities of %s: %w", d.spec.Code, err)
	}
	for i, s := range d.streets {
		if counts[i] > maxSeq3 {
			return fmt.Errorf("street %s would hold %d communities, more than its code allows (%d)", s.code, counts[i], maxSeq3)
		}
		r := rngFor(g.cfg.Seed, s.code+"/communities")
		smp := newSampler(r, s.shape)
		// Sites are denser where the land is urban.
		_, cells, err := tessellate(s.shape, 2, func() []orb.Point {
			return smp.sites(counts[i], func() orb.Point {
				for {
					q := smp.uniform()
					if r.Float64()*1.25 < d.density(q) {
						return q
					}
				}
			})
		})
		if err != nil {
			return fmt.Errorf("communities of %s: %w", s.code, err)
		}
		for k, ci := range readingOrder(cells) {
			cell := cells[ci]
			dens := d.density(cell.centroid())
			kind := "社区"
			if (s.kind == "镇" && k > 0 && r.Float64() < 0.85) || (s.kind == "街道" && r.Float64() < 0.15*(1.25-dens)) {
				kind = "村"
			}
			s.communities = append(s.communities, &communityGen{
				code:      area.CommunityCode(s.code, k+1),
				name:      d.names.place(kind),
				kind:      kind,
				shape:     cell,
				angle:     s.angle + uniform(r, -0.15, 0.15),
				density:   dens,
				secretary: person(r),
				hhSize:    uniform(r, 2.3, 2.9),
			})
			if err := t.step(); err != nil {
				return err
			}
		}
	}
	return nil
}
