package tile

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/gridpulse/gridpulse/area"
)

// handMade is a small district drawn by hand around the centre of the
// zoom-11 tile over Shuangliu, so that it lies inside that one tile. It
// has the shapes tiles must get right: a finely wiggled outline for
// simplification, a MultiPolygon street, a community with a hole big
// enough to hold a whole zoom-16 tile, a strip of grid thinner than the
// simplification tolerance at zoom 13, and a building smaller than a
// screen pixel at zoom 15.
type handMade struct {
	set    *area.Set
	centre orb.Point

	// codes of the areas the tests single out
	multiStreet, holedCommunity, thinGrid, tinyBuilding string
	// hole is the community's hole, in WGS-84
	hole orb.Bound
	// outlineVertices is the vertex count of the district outline
	outlineVertices int
}

const (
	metresPerDegreeLat = 110_900.0
	districtRadius     = 6000.0 // metres
)

func newHandMade() *handMade {
	h := &handMade{
		set:    area.NewSet(),
		centre: maptile.At(orb.Point{103.92, 30.57}, 11).Center(),
	}
	mPerLon := metresPerDegreeLat * math.Cos(h.centre.Lat()*math.Pi/180)
	// pt is the point dx metres east and dy metres north of the centre.
	pt := func(dx, dy float64) orb.Point {
		return orb.Point{h.centre.Lon() + dx/mPerLon, h.centre.Lat() + dy/metresPerDegreeLat}
	}
	// rect is a counter-clockwise ring over [x0,x1]×[y0,y1] metres.
	rect := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1), pt(x0, y0)}
	}
	// hole is a clockwise ring over [x0,x1]×[y0,y1] metres.
	hole := func(x0, y0, x1, y1 float64) orb.Ring {
		r := rect(x0, y0, x1, y1)
		r.Reverse()
		return r
	}
	add := func(l area.Layer, code, name, parent string, g orb.Geometry, props map[string]any) {
		if props == nil {
			props = map[string]any{}
		}
		h.set.Add(&area.Area{Code: code, Name: name, Layer: l, Parent: parent, Geometry: g, Props: props})
	}

	const district = "510116"
	var outline orb.Ring
	h.outlineVertices = 4000
	for i := 0; i < h.outlineVertices; i++ {
		a := 2 * math.Pi * float64(i) / float64(h.outlineVertices)
		r := districtRadius + 15*math.Sin(200*a) // a 15 m wiggle every ~190 m
		outline = append(outline, pt(r*math.Cos(a), r*math.Sin(a)))
	}
	outline = append(outline, outline[0])
	add(area.District, district, "双流区", "", orb.Polygon{outline}, nil)

	west, east := area.StreetCode(district, 1), area.StreetCode(district, 2)
	h.multiStreet = west
	add(area.Street, west, "东升街道", district, orb.MultiPolygon{
		{rect(-5000, -1000, -1000, 3000)},
		{rect(-2500, -5000, -500, -4000)},
	}, map[string]any{"kind": "street"})
	add(area.Street, east, "彭镇", district, orb.Polygon{rect(500, 500, 4200, 4000)}, map[string]any{"kind": "town"})

	comm := area.CommunityCode(east, 1)
	h.holedCommunity = comm
	h.hole = orb.Polygon{rect(1800, 1400, 3400, 3000)}.Bound()
	add(area.Community, comm, "白衣社区", east, orb.Polygon{
		rect(1000, 600, 4200, 3900),
		hole(1800, 1400, 3400, 3000),
	}, map[string]any{"kind": "community", "households": 3200})

	types := []string{"commercial", "resettlement", "old"}
	for i := 0; i < 8; i++ {
		x := 1100 + 380*float64(i)
		code := area.CompoundCode(comm, i+1)
		add(area.Compound, code, "小区", comm, orb.Polygon{rect(x, 800, x+300, 1100)},
			map[string]any{"type": types[i%len(types)], "households": 400, "company": "物业"})
	}

	first := area.CompoundCode(comm, 1)
	for i := 0; i < 4; i++ {
		x := 1120 + 70*float64(i)
		add(area.Building, area.BuildingCode(first, i+1), "楼", first, orb.Polygon{rect(x, 850, x+20, 890)}, nil)
	}
	h.tinyBuilding = area.BuildingCode(first, 5)
	add(area.Building, h.tinyBuilding, "岗亭", first, orb.Polygon{rect(1300, 1000, 1301, 1001)}, nil)

	left, right := area.GeneralGridCode(comm, 1), area.GeneralGridCode(comm, 2)
	add(area.GeneralGrid, left, "一网格", comm, orb.Polygon{rect(1000, 600, 2600, 3900)}, nil)
	add(area.GeneralGrid, right, "二网格", comm, orb.Polygon{rect(2600, 600, 4200, 3900)}, nil)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			x, y := 1000+400*float64(i), 600+825*float64(j)
			add(area.MicroGrid, area.MicroGridCode(left, 4*i+j+1), "微网格", left,
				orb.Polygon{rect(x, y, x+400, y+825)}, nil)
		}
	}

	add(area.DedicatedGrid, area.DedicatedGridCode(comm, 1), "实验小学", comm,
		orb.Polygon{rect(3500, 3300, 3700, 3500)}, map[string]any{"kind": "school"})
	h.thinGrid = area.DedicatedGridCode(comm, 2)
	add(area.DedicatedGrid, h.thinGrid, "河岸", comm,
		orb.Polygon{rect(1000, 3850, 4000, 3851.5)}, map[string]any{"kind": "park"})
	return h
}

// tilesOver lists every tile at zoom z that meets bound b.
func tilesOver(b orb.Bound, z maptile.Zoom) []maptile.Tile {
	nw := maptile.At(orb.Point{b.Min.Lon(), b.Max.Lat()}, z)
	se := maptile.At(orb.Point{b.Max.Lon(), b.Min.Lat()}, z)
	var out []maptile.Tile
	for x := nw.X; x <= se.X; x++ {
		for y := nw.Y; y <= se.Y; y++ {
			out = append(out, maptile.New(x, y, z))
		}
	}
	return out
}
