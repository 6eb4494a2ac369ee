package seed

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
)

func TestCounts(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			cfg := p.cfg()
			d := generate(t, p.name, cfg)
			nd := len(cfg.Districts)
			want := map[area.Layer]int{
				area.District:      nd,
				area.Street:        nd * cfg.Streets,
				area.Community:     nd * cfg.Communities,
				area.Compound:      nd * cfg.Compounds,
				area.GeneralGrid:   nd * cfg.GeneralGrids,
				area.MicroGrid:     nd * cfg.MicroGrids,
				area.DedicatedGrid: nd * cfg.DedicatedGrids,
			}
			for l, n := range want {
				if got := d.Areas.Count(l); got != n {
					t.Errorf("%s: %d areas, want %d", l, got, n)
				}
			}
			if d.Areas.Count(area.Building) < cfg.Compounds {
				t.Errorf("%d buildings for %d compounds", d.Areas.Count(area.Building), cfg.Compounds)
			}
			kinds := map[string]int{}
			for _, f := range d.Facilities {
				kinds[f.Kind]++
			}
			if kinds[facilityElevator] != nd*cfg.Elevators || kinds[facilityControlRoom] != nd*cfg.ControlRooms || len(kinds) != 2 {
				t.Errorf("facilities %v, want %d elevators and %d control rooms per district", kinds, cfg.Elevators, cfg.ControlRooms)
			}
			if len(d.PropertyCompanies) != nd*cfg.PropertyCompanies {
				t.Errorf("%d property companies, want %d", len(d.PropertyCompanies), cfg.PropertyCompanies)
			}
		})
	}
}

func TestShuangliuFigures(t *testing.T) {
	d := generate(t, "shuangliu", Shuangliu())
	dist := d.Areas.Layer(area.District)[0]
	if dist.Code != "510116" || dist.Name != "双流区" {
		t.Errorf("district %s %s, want 510116 双流区", dist.Code, dist.Name)
	}
	c := dist.Bound().Center()
	if math.Abs(c[0]-103.92) > 0.1 || math.Abs(c[1]-30.57) > 0.1 {
		t.Errorf("district centred at %v, want near 103.92 E 30.57 N", c)
	}
	if km2 := geo.Area(dist.Geometry) / 1e6; math.Abs(km2-466) > 466*0.01 {
		t.Errorf("district area %.1f km², want about 466", km2)
	}
	var names []string
	for _, s := range d.Areas.Layer(area.Street) {
		names = append(names, s.Name)
	}
	want := "东升街道 西航港街道 九江街道 黄甲街道 公兴街道 协和街道 彭镇 黄水镇 永安镇"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("streets %s, want %s", got, want)
	}
}

func TestCodes(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			d := generate(t, p.name, p.cfg())
			seen := map[string]bool{}
			for _, l := range area.Layers {
				for _, a := range d.Areas.Layer(l) {
					if err := area.ValidateCode(l, a.Code, a.Parent); err != nil {
						t.Fatalf("%s: %v", l, err)
					}
					if l != area.District {
						if _, ok := d.Areas.Get(l.Parent(), a.Parent); !ok {
							t.Fatalf("%s %s: parent %s is not a %s", l, a.Code, a.Parent, l.Parent())
						}
						if got := area.ParentCode(l, a.Code); got != a.Parent {
							t.Fatalf("%s %s: code's parent %s, area's %s", l, a.Code, got, a.Parent)
						}
					}
					// General and dedicated grids share a code length, so
					// codes must be unique across layers too.
					if seen[a.Code] {
						t.Fatalf("%s %s: code used twice", l, a.Code)
					}
					seen[a.Code] = true
				}
			}
			for _, a := range d.Areas.Layer(area.GeneralGrid) {
				if seq := a.Code[area.CommunityCodeLen:]; seq >= "501" {
					t.Fatalf("general grid %s uses a dedicated sequence", a.Code)
				}
			}
			for _, a := range d.Areas.Layer(area.DedicatedGrid) {
				if seq := a.Code[area.CommunityCodeLen:]; seq < "501" {
					t.Fatalf("dedicated grid %s uses a general sequence", a.Code)
				}
			}
		})
	}
}

func TestChildrenInsideParents(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			d := generate(t, p.name, p.cfg())
			for _, pl := range parentLayers {
				for _, a := range d.Areas.Layer(pl.child) {
					parent, _ := d.Areas.Get(pl.parent, a.Parent)
					pr := ring(parent)
					r := ring(a)
					if r.Orientation() != orb.CCW {
						t.Fatalf("%s %s: exterior ring is not counter-clockwise", pl.child, a.Code)
					}
					for _, v := range r {
						if !within(pr, v) {
							t.Fatalf("%s %s: vertex %v outside %s %s by %g°", pl.child, a.Code, v, pl.parent, parent.Code, distToRing(pr, v))
						}
					}
				}
			}
		})
	}
}

func TestTiling(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			d := generate(t, p.name, p.cfg())
			r := rand.New(rand.NewPCG(7, 7))
			for _, tl := range tiledLayers {
				children := byParent(d.Areas, tl.child)
				for _, parent := range d.Areas.Layer(tl.parent) {
					kids := children[parent.Code]
					if len(kids) == 0 {
						t.Fatalf("%s %s has no %s", tl.parent, parent.Code, tl.child)
					}
					var sum float64
					for _, k := range kids {
						sum += planar.Area(k.Geometry)
					}
					pa := planar.Area(parent.Geometry)
					if rel := math.Abs(sum-pa) / pa; rel > 1e-6 {
						t.Fatalf("%s %s: its %s cover %g of %g (relative gap %g)", tl.parent, parent.Code, tl.child, sum, pa, rel)
					}
					b := parent.Bound()
					for n := 0; n < 10; {
						q := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
						if !planar.RingContains(ring(parent), q) {
							continue
						}
						n++
						in := 0
						for _, k := range kids {
							if planar.RingContains(ring(k), q) {
								in++
							}
						}
						if in != 1 {
							t.Fatalf("%s %s: point %v lies in %d of its %s", tl.parent, parent.Code, q, in, tl.child)
						}
					}
				}
			}
		})
	}
}

func TestNoOverlaps(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			d := generate(t, p.name, p.cfg())
			plots := byParent(d.Areas, area.Compound)
			for code, ded := range byParent(d.Areas, area.DedicatedGrid) {
				plots[code] = append(plots[code], ded...)
			}
			groups := []map[string][]*area.Area{plots, byParent(d.Areas, area.Building)}
			for _, g := range groups {
				for parent, as := range g {
					for i := range as {
						for j := i + 1; j < len(as); j++ {
							if overlap(ring(as[i]), ring(as[j]), 0) {
								t.Fatalf("in %s, %s %s overlaps %s %s", parent, as[i].Layer, as[i].Code, as[j].Layer, as[j].Code)
							}
						}
					}
				}
			}
		})
	}
}

func TestCompounds(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			cfg := p.cfg()
			d := generate(t, p.name, cfg)
			types := map[string]int{}
			density := map[string][2]float64{} // households, hectares
			buildings := byParent(d.Areas, area.Building)
			companies := map[string]string{}
			for _, c := range d.PropertyCompanies {
				companies[c.Code] = c.Name
			}
			for _, k := range d.Areas.Layer(area.Compound) {
				ha := geo.Area(k.Geometry) / 1e4
				if ha < 1 || ha > 15 {
					t.Errorf("compound %s: %.2f ha, want 1–15", k.Code, ha)
				}
				typ, _ := k.Props["type"].(string)
				types[typ]++
				hh := intProp(t, k, "households")
				sum := 0
				for _, b := range buildings[k.Code] {
					sum += intProp(t, b, "households")
				}
				if sum != hh || hh == 0 {
					t.Errorf("compound %s: %d households, its buildings hold %d", k.Code, hh, sum)
				}
				if n := intProp(t, k, "buildings"); n != len(buildings[k.Code]) {
					t.Errorf("compound %s: says %d buildings, has %d", k.Code, n, len(buildings[k.Code]))
				}
				code, _ := k.Props["property_company"].(string)
				if name, ok := companies[code]; !ok || name != k.Props["property_company_name"] {
					t.Errorf("compound %s: property company %q %v unknown", k.Code, code, k.Props["property_company_name"])
				}
				for _, key := range []string{"area_ha", "built_year", "elevators", "sensor_elevators", "party_org"} {
					if _, ok := k.Props[key]; !ok {
						t.Errorf("compound %s has no %s", k.Code, key)
					}
				}
				dh := density[typ]
				density[typ] = [2]float64{dh[0] + float64(hh), dh[1] + ha}
			}
			n := float64(cfg.Compounds * len(cfg.Districts))
			for typ, share := range map[string]float64{typeCommercial: 0.25, typeResettlement: 0.10, typeOld: 0.65} {
				if got := float64(types[typ]) / n; math.Abs(got-share) > 0.03 {
					t.Errorf("%s compounds: %.3f of all, want about %.2f", typ, got, share)
				}
			}
			if len(types) != 3 {
				t.Errorf("compound types %v", types)
			}
			// Households per hectare, on average, as each type builds.
			bounds := map[string][2]float64{typeCommercial: {100, 250}, typeResettlement: {80, 220}, typeOld: {40, 150}}
			for typ, b := range bounds {
				if dh := density[typ]; dh[1] > 0 {
					if per := dh[0] / dh[1]; per < b[0] || per > b[1] {
						t.Errorf("%s compounds hold %.0f households per ha, want %v–%v", typ, per, b[0], b[1])
					}
				}
			}
		})
	}
}

func TestHouseholdsAddUp(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			d := generate(t, p.name, p.cfg())
			sums := []struct {
				parent, child area.Layer
				key           string
			}{
				{area.District, area.Street, "households"},
				{area.District, area.Street, "population"},
				{area.Street, area.Community, "households"},
				{area.Street, area.Community, "population"},
				{area.Community, area.GeneralGrid, "households"},
				{area.GeneralGrid, area.MicroGrid, "households"},
			}
			for _, s := range sums {
				kids := byParent(d.Areas, s.child)
				for _, a := range d.Areas.Layer(s.parent) {
					sum := 0
					for _, k := range kids[a.Code] {
						sum += intProp(t, k, s.key)
					}
					if got := intProp(t, a, s.key); got != sum {
						t.Errorf("%s %s: %s %d, its %s sum to %d", s.parent, a.Code, s.key, got, s.child, sum)
					}
				}
			}
			// A community holds at least its compounds' households.
			compounds := byParent(d.Areas, area.Compound)
			for _, c := range d.Areas.Layer(area.Community) {
				in := 0
				for _, k := range compounds[c.Code] {
					in += intProp(t, k, "households")
				}
				if hh := intProp(t, c, "households"); hh < in {
					t.Errorf("community %s: %d households, fewer than its compounds' %d", c.Code, hh, in)
				}
			}
			micros := byParent(d.Areas, area.MicroGrid)
			for _, g := range d.Areas.Layer(area.GeneralGrid) {
				if n := intProp(t, g, "micro_grids"); n != len(micros[g.Code]) {
					t.Fatalf("general grid %s: says %d micro grids, has %d", g.Code, n, len(micros[g.Code]))
				}
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			d := generate(t, p.name, p.cfg())
			suffix := map[string]string{"社区": "社区", "村": "村", "街道": "街道", "镇": "镇"}
			for _, l := range []area.Layer{area.Street, area.Community} {
				for _, a := range d.Areas.Layer(l) {
					kind, _ := a.Props["kind"].(string)
					if s, ok := suffix[kind]; !ok || !strings.HasSuffix(a.Name, s) {
						t.Errorf("%s %s %q: kind %q does not match its name", l, a.Code, a.Name, kind)
					}
				}
			}
			for _, l := range area.Layers {
				seen := map[string]string{}
				for _, a := range d.Areas.Layer(l) {
					if a.Name == "" {
						t.Fatalf("%s %s has no name", l, a.Code)
					}
					k := a.Parent + "/" + a.Name
					if other, ok := seen[k]; ok {
						t.Fatalf("%s %s and %s share the name %q under %s", l, other, a.Code, a.Name, a.Parent)
					}
					seen[k] = a.Code
				}
			}
			for _, g := range d.Areas.Layer(area.MicroGrid) {
				if !strings.HasSuffix(g.Name, "微网格") || g.Props["leader"] == "" {
					t.Fatalf("micro grid %s: name %q leader %v", g.Code, g.Name, g.Props["leader"])
				}
			}
		})
	}
}

func TestFacilities(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			d := generate(t, p.name, p.cfg())
			ids := map[string]bool{}
			sensors := map[string]int{}
			for _, f := range d.Facilities {
				if ids[f.ID] {
					t.Fatalf("facility id %s used twice", f.ID)
				}
				ids[f.ID] = true
				k, ok := d.Areas.Get(area.Compound, f.Compound)
				if !ok {
					t.Fatalf("facility %s: compound %s unknown", f.ID, f.Compound)
				}
				if !planar.RingContains(ring(k), f.Point) {
					t.Fatalf("facility %s at %v is outside compound %s", f.ID, f.Point, k.Code)
				}
				if f.Kind == facilityElevator {
					sensors[f.Compound]++
					code, _ := f.Props["building"].(string)
					b, ok := d.Areas.Get(area.Building, code)
					if !ok || b.Parent != k.Code {
						t.Fatalf("elevator %s: building %q not in compound %s", f.ID, code, k.Code)
					}
					if !planar.RingContains(ring(b), f.Point) {
						t.Fatalf("elevator %s is outside its building %s", f.ID, code)
					}
					if intProp(t, b, "floors") < elevatorFloors {
						t.Fatalf("elevator %s in a building of %v floors", f.ID, b.Props["floors"])
					}
				}
			}
			for _, k := range d.Areas.Layer(area.Compound) {
				if n := intProp(t, k, "sensor_elevators"); n != sensors[k.Code] || n > intProp(t, k, "elevators") {
					t.Fatalf("compound %s: %d sensor elevators of %v, facilities say %d", k.Code, n, k.Props["elevators"], sensors[k.Code])
				}
			}
		})
	}
}

func TestPropertyCompanies(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			d := generate(t, p.name, p.cfg())
			runs := map[string]int{}
			for _, k := range d.Areas.Layer(area.Compound) {
				runs[k.Props["property_company"].(string)]++
			}
			names := map[string]bool{}
			for _, c := range d.PropertyCompanies {
				if runs[c.Code] == 0 || runs[c.Code] != c.Compounds {
					t.Errorf("company %s runs %d compounds, says %d", c.Code, runs[c.Code], c.Compounds)
				}
				// Names are unique within a district; a city may repeat one.
				if names[c.District+c.Name] {
					t.Errorf("company name %s used twice in %s", c.Name, c.District)
				}
				names[c.District+c.Name] = true
			}
		})
	}
}

// TestDeterministic writes each preset twice from the same seed and
// compares the files byte for byte; for the small presets it also checks
// that another seed gives other files.
func TestDeterministic(t *testing.T) {
	files := []string{area.FacilitiesFile, PropertyCompaniesFile}
	for _, l := range area.Layers {
		files = append(files, area.FileName(l))
	}
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			cfg := p.cfg()
			write := func(d *District) string {
				dir := t.TempDir()
				if err := d.WriteDir(dir); err != nil {
					t.Fatal(err)
				}
				return dir
			}
			again := func(c Config) *District {
				d, err := Generate(context.Background(), c, nil)
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			a, b := write(generate(t, p.name, cfg)), write(again(cfg))
			var c string
			other := cfg
			other.Seed++
			if p.name != "shuangliu" { // the small presets show this as well, faster
				c = write(again(other))
			}
			for _, f := range files {
				fa := readFile(t, a, f)
				if !bytes.Equal(fa, readFile(t, b, f)) {
					t.Errorf("%s differs between two runs of the same seed", f)
				}
				if c != "" && bytes.Equal(fa, readFile(t, c, f)) {
					t.Errorf("%s is the same for seeds %d and %d", f, cfg.Seed, other.Seed)
				}
			}
		})
	}
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWriteDirRoundTrip(t *testing.T) {
	d := generate(t, "tiny", Tiny())
	dir := t.TempDir()
	if err := d.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	set, err := area.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range area.Layers {
		if set.Count(l) != d.Areas.Count(l) {
			t.Errorf("%s: read %d areas, wrote %d", l, set.Count(l), d.Areas.Count(l))
		}
	}
	k := d.Areas.Layer(area.Compound)[0]
	got, _ := set.Get(area.Compound, k.Code)
	if got == nil || got.Name != k.Name || got.Props["type"] != k.Props["type"] || got.Parent != k.Parent {
		t.Errorf("compound %s read back as %+v", k.Code, got)
	}
	f, err := os.Open(filepath.Join(dir, area.FacilitiesFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, err := area.ReadFacilities(f)
	if err != nil || len(fs) != len(d.Facilities) {
		t.Errorf("read %d facilities (%v), wrote %d", len(fs), err, len(d.Facilities))
	}
	pcs, err := ReadPropertyCompanies(dir)
	if err != nil || len(pcs) != len(d.PropertyCompanies) || pcs[0] != d.PropertyCompanies[0] {
		t.Errorf("read property companies %v (%v)", pcs, err)
	}
}

func TestProgressAndCancel(t *testing.T) {
	var stages []string
	last := map[string][2]int{}
	_, err := Generate(context.Background(), Tiny(), func(stage string, done, total int) {
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
		if prev := last[stage]; done < prev[0] || done > total {
			t.Errorf("stage %s: done %d after %d of %d", stage, done, prev[0], total)
		}
		last[stage] = [2]int{done, total}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{StageStreets, StageCommunities, StageCompounds, StageBuildings, StageGrids, StageMicroGrids, StageFacilities}
	if strings.Join(stages, ",") != strings.Join(want, ",") {
		t.Errorf("stages %v, want %v", stages, want)
	}
	for s, dt := range last {
		if dt[0] != dt[1] {
			t.Errorf("stage %s ended at %d of %d", s, dt[0], dt[1])
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	_, err = Generate(ctx, Tiny(), func(stage string, done, total int) {
		if stage == StageCompounds {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled generation returned %v", err)
	}
}

func TestSizesFollowConfig(t *testing.T) {
	c := Tiny()
	c.Streets = 3
	c.Communities = 7
	c.GeneralGrids = 21
	c.MicroGrids = 300
	c.Compounds = 30
	d, err := Generate(context.Background(), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	for l, n := range map[area.Layer]int{area.Street: 3, area.Community: 7, area.GeneralGrid: 21, area.MicroGrid: 300, area.Compound: 30} {
		if got := d.Areas.Count(l); got != n {
			t.Errorf("%s: %d, want %d", l, got, n)
		}
	}
	// The third street has no real name in the list and gets a made-up one.
	if s := d.Areas.Layer(area.Street)[2]; !strings.HasSuffix(s.Name, "镇") && !strings.HasSuffix(s.Name, "街道") {
		t.Errorf("street %s named %q", s.Code, s.Name)
	}
}
