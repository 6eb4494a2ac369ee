package seed

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb/geo"

	"github.com/gridpulse/gridpulse/area"
)

// smallCity is four of Chengdu's districts at the tiny preset's sizes: a
// city quick enough for every test run.
func smallCity() Config {
	c := Tiny()
	c.Center = City().Center
	c.Districts = City().Districts[:4]
	return c
}

func TestCity(t *testing.T) {
	tests := []struct {
		name string
		cfg  func() Config
		slow bool
	}{
		{"small city", smallCity, false},
		{"city", City, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow && testing.Short() {
				t.Skip("the full city takes seconds to generate")
			}
			cfg := tc.cfg()
			d := generate(t, tc.name, cfg)
			districts := d.Areas.Layer(area.District)
			if len(districts) != len(cfg.Districts) {
				t.Fatalf("%d districts, want %d", len(districts), len(cfg.Districts))
			}
			var total float64
			for i, a := range districts {
				if a.Code != cfg.Districts[i].Code || a.Name != cfg.Districts[i].Name {
					t.Errorf("district %d is %s %s, want %s %s", i, a.Code, a.Name, cfg.Districts[i].Code, cfg.Districts[i].Name)
				}
				km2 := geo.Area(a.Geometry) / 1e6
				total += km2
				// Cells of a relaxed Voronoi diagram come out close to even.
				if km2 < cfg.AreaKm2*0.6 || km2 > cfg.AreaKm2*1.4 {
					t.Errorf("district %s: %.0f km², want about %.0f", a.Code, km2, cfg.AreaKm2)
				}
				for j := i + 1; j < len(districts); j++ {
					if overlap(ring(a), ring(districts[j]), degTol) {
						t.Errorf("districts %s and %s overlap", a.Code, districts[j].Code)
					}
				}
			}
			if want := cfg.AreaKm2 * float64(len(cfg.Districts)); math.Abs(total-want) > want*0.01 {
				t.Errorf("districts cover %.0f km², want %.0f", total, want)
			}
			perDistrict := map[area.Layer]int{
				area.Street: cfg.Streets, area.Community: cfg.Communities, area.Compound: cfg.Compounds,
				area.GeneralGrid: cfg.GeneralGrids, area.MicroGrid: cfg.MicroGrids, area.DedicatedGrid: cfg.DedicatedGrids,
			}
			for l, n := range perDistrict {
				counts := map[string]int{}
				for _, a := range d.Areas.Layer(l) {
					counts[a.Code[:area.DistrictCodeLen]]++
				}
				for _, ds := range cfg.Districts {
					if counts[ds.Code] != n {
						t.Errorf("district %s: %d %s, want %d", ds.Code, counts[ds.Code], l, n)
					}
				}
			}
			if n := len(d.PropertyCompanies); n != cfg.PropertyCompanies*len(cfg.Districts) {
				t.Errorf("%d property companies, want %d per district", n, cfg.PropertyCompanies)
			}
		})
	}
}

// TestCityDeterministic checks that districts generated side by side, in
// parallel, come out the same every time.
func TestCityDeterministic(t *testing.T) {
	a := generate(t, "small city", smallCity())
	b, err := Generate(context.Background(), smallCity(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range area.Layers {
		la, lb := a.Areas.Layer(l), b.Areas.Layer(l)
		if len(la) != len(lb) {
			t.Fatalf("%s: %d then %d areas", l, len(la), len(lb))
		}
		for i := range la {
			if !reflect.DeepEqual(la[i], lb[i]) {
				t.Fatalf("%s %d differs: %s then %s", l, i, describe(la[i]), describe(lb[i]))
			}
		}
	}
	if !reflect.DeepEqual(a.Facilities, b.Facilities) || !reflect.DeepEqual(a.PropertyCompanies, b.PropertyCompanies) {
		t.Fatal("facilities or property companies differ between runs")
	}
}

func describe(a *area.Area) string { return fmt.Sprintf("%s %s %v", a.Code, a.Name, a.Props) }
