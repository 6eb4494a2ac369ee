package geo

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
)

// fixture is a small hand-made district on a 0.01° lattice near
// Shuangliu: two streets side by side, each with two communities, each
// with two general grids of two micro grids; a compound with a courtyard
// (a hole) and a building, a compound in two parts, and a school.
func fixture() *area.Set {
	const x0, y0, d = 103.90, 30.50, 0.01
	set := area.NewSet()
	add := func(l area.Layer, code, parent string, g orb.Geometry) {
		set.Add(&area.Area{Code: code, Name: code, Layer: l, Parent: parent, Geometry: g})
	}
	box := func(x, y, w, h float64) orb.Polygon {
		return orb.Polygon{square(x0+x*d, y0+y*d, x0+(x+w)*d, y0+(y+h)*d)}
	}
	add(area.District, "510116", "", box(0, 0, 8, 4))
	for s := range 2 { // streets: x in [0,4) and [4,8)
		sc := area.StreetCode("510116", s+1)
		add(area.Street, sc, "510116", box(float64(4*s), 0, 4, 4))
		for c := range 2 { // communities: south and north halves
			cc := area.CommunityCode(sc, c+1)
			add(area.Community, cc, sc, box(float64(4*s), float64(2*c), 4, 2))
			for g := range 2 { // general grids: west and east
				gc := area.GeneralGridCode(cc, g+1)
				add(area.GeneralGrid, gc, cc, box(float64(4*s+2*g), float64(2*c), 2, 2))
				for m := range 2 { // micro grids: south and north
					add(area.MicroGrid, area.MicroGridCode(gc, m+1), gc, box(float64(4*s+2*g), float64(2*c+m), 2, 1))
				}
			}
		}
	}
	c1 := area.CommunityCode(area.StreetCode("510116", 1), 1) // x 0–4, y 0–2
	courtyard := orb.Polygon{
		square(x0+0.5*d, y0+0.5*d, x0+1.5*d, y0+1.5*d),
		hole(x0+0.8*d, y0+0.8*d, x0+1.2*d, y0+1.2*d),
	}
	add(area.Compound, area.CompoundCode(c1, 1), c1, courtyard)
	add(area.Building, area.BuildingCode(area.CompoundCode(c1, 1), 1), area.CompoundCode(c1, 1),
		box(0.6, 0.6, 0.1, 0.1))
	add(area.Compound, area.CompoundCode(c1, 2), c1, orb.MultiPolygon{
		box(2.5, 0.5, 0.5, 0.5),
		box(3.2, 0.5, 0.5, 0.5),
	})
	add(area.DedicatedGrid, area.DedicatedGridCode(c1, 1), c1, box(2.5, 1.2, 1, 0.5))
	return set
}

func TestLocate(t *testing.T) {
	ix := NewIndex(fixture())
	const x0, y0, d = 103.90, 30.50, 0.01
	at := func(x, y float64) orb.Point { return orb.Point{x0 + x*d, y0 + y*d} }
	tests := []struct {
		name string
		p    orb.Point
		want [chainLen]string // codes in Chain order, "" for nil
	}{
		{"building in the courtyard compound", at(0.65, 0.65),
			[chainLen]string{"510116001", "510116001001", "5101160010010001", "5101160010010001001", "510116001001001", "510116001001001001", ""}},
		{"courtyard: in the hole", at(1, 1),
			[chainLen]string{"510116001", "510116001001", "", "", "510116001001001", "510116001001001001", ""}},
		{"courtyard: on the hole's edge", at(0.8, 1),
			[chainLen]string{"510116001", "510116001001", "", "", "510116001001001", "510116001001001001", ""}},
		{"courtyard: on the outer edge", at(0.5, 1),
			[chainLen]string{"510116001", "510116001001", "5101160010010001", "", "510116001001001", "510116001001001001", ""}},
		{"second part of the two-part compound", at(3.5, 0.7),
			[chainLen]string{"510116001", "510116001001", "5101160010010002", "", "510116001001002", "510116001001002001", ""}},
		{"between the two parts", at(3.1, 0.7),
			[chainLen]string{"510116001", "510116001001", "", "", "510116001001002", "510116001001002001", ""}},
		{"school", at(3, 1.5),
			[chainLen]string{"510116001", "510116001001", "", "", "510116001001002", "510116001001002002", "510116001001501"}},
		{"east street, north community", at(7, 3.5),
			[chainLen]string{"510116002", "510116002002", "", "", "510116002002002", "510116002002002002", ""}},
		{"outside the district", at(9, 1), [chainLen]string{}},
		{"south-west corner of the district", at(0, 0),
			[chainLen]string{"510116001", "510116001001", "", "", "510116001001001", "510116001001001001", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ix.Locate(tt.p[0], tt.p[1])
			got := c.areas()
			for i, l := range chainLayers {
				code := ""
				if got[i] != nil {
					code = got[i].Code
				}
				if code != tt.want[i] {
					t.Errorf("%s = %q, want %q", l, code, tt.want[i])
				}
				if in := ix.LocateIn(l, tt.p); in != got[i] {
					t.Errorf("LocateIn(%s) = %v, Locate gave %v", l, in, got[i])
				}
			}
		})
	}
}

// areas lists the chain in chainLayers order.
func (c Chain) areas() [chainLen]*area.Area {
	return [chainLen]*area.Area{c.Street, c.Community, c.Compound, c.Building, c.GeneralGrid, c.MicroGrid, c.DedicatedGrid}
}

// TestLocateFlat checks areas without area, which no grid can be laid
// over: orb/planar still holds the points on their outlines.
func TestLocateFlat(t *testing.T) {
	set := area.NewSet()
	line := orb.Polygon{{{103.9, 30.5}, {103.91, 30.5}, {103.9, 30.5}}}
	set.Add(&area.Area{Code: "510116001", Layer: area.Street, Geometry: line})
	ix := NewIndex(set)
	for _, tt := range []struct {
		p    orb.Point
		want bool
	}{
		{orb.Point{103.905, 30.5}, true},
		{orb.Point{103.905, 30.501}, false},
		{orb.Point{0, 0}, false},
	} {
		want := planar.PolygonContains(line, tt.p)
		if want != tt.want {
			t.Fatalf("%v: orb/planar says %v: the table is wrong", tt.p, want)
		}
		if got := ix.Locate(tt.p[0], tt.p[1]).Street != nil; got != want {
			t.Errorf("Locate(%v) found a street: %v, want %v", tt.p, got, want)
		}
		if got := ix.LocateIn(area.Street, tt.p) != nil; got != want {
			t.Errorf("LocateIn(%v) found a street: %v, want %v", tt.p, got, want)
		}
	}
}

func TestLocateDoesNotAllocate(t *testing.T) {
	ix := NewIndex(fixture())
	allocs := testing.AllocsPerRun(100, func() { ix.Locate(103.905, 30.505) })
	if allocs != 0 {
		t.Errorf("Locate allocates %v times per call", allocs)
	}
}

func TestWithin(t *testing.T) {
	ix := NewIndex(fixture())
	west := orb.Bound{Min: orb.Point{103.90, 30.50}, Max: orb.Point{103.93, 30.54}}
	tests := []struct {
		name  string
		layer area.Layer
		b     orb.Bound
		limit int
		want  []string // nil: any areas, as long as limit and order hold
		more  bool
	}{
		{"west street's communities", area.Community, west, 0,
			[]string{"510116001001", "510116001002"}, false},
		{"limited", area.MicroGrid, west, 3, nil, true},
		{"nothing there", area.Compound, orb.Bound{Min: orb.Point{104, 31}, Max: orb.Point{104.1, 31.1}}, 10, []string{}, false},
		{"unknown layer", area.Layer("lakes"), west, 10, []string{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, more := ix.Within(tt.layer, tt.b, tt.limit)
			if more != tt.more {
				t.Errorf("more = %v, want %v", more, tt.more)
			}
			if tt.limit > 0 && len(got) > tt.limit {
				t.Errorf("%d areas, limit %d", len(got), tt.limit)
			}
			for i := 1; i < len(got); i++ {
				if got[i-1].Code >= got[i].Code {
					t.Errorf("not sorted by code: %s before %s", got[i-1].Code, got[i].Code)
				}
			}
			if tt.want == nil {
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d areas, want %v", len(got), tt.want)
			}
			for i, a := range got {
				if a.Code != tt.want[i] {
					t.Errorf("area %d = %s, want %s", i, a.Code, tt.want[i])
				}
			}
		})
	}
}
