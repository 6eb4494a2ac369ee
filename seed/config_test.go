package seed

import (
	"strings"
	"testing"
)

func TestPresetsValid(t *testing.T) {
	for name, c := range map[string]Config{"tiny": Tiny(), "shuangliu": Shuangliu(), "city": City()} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(City().Districts); n != 20 {
		t.Errorf("city has %d districts, want 20", n)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{"no district", func(c *Config) { c.Districts = nil }, "no district"},
		{"bad district code", func(c *Config) { c.Districts[0].Code = "51011" }, "characters"},
		{"repeated district", func(c *Config) { c.Districts = append(c.Districts, c.Districts[0]) }, "appears twice"},
		{"no streets", func(c *Config) { c.Streets = 0 }, "streets = 0"},
		{"communities below streets", func(c *Config) { c.Communities = 8 }, "one per street"},
		{"general grids below communities", func(c *Config) { c.GeneralGrids = 100 }, "one per community"},
		{"micro below general", func(c *Config) { c.MicroGrids = 700 }, "micro grids = 700"},
		{"code space", func(c *Config) { c.MicroGrids = 736*999 + 1 }, "too many children"},
		{"negative compounds", func(c *Config) { c.Compounds = -1 }, "negative"},
		{"no property company", func(c *Config) { c.PropertyCompanies = 0 }, "property companies = 0"},
		{"more control rooms than compounds", func(c *Config) { c.ControlRooms = 2000 }, "at most one per compound"},
		{"shares over one", func(c *Config) { c.CommercialShare = 0.95 }, "at most 1 together"},
		{"too crowded", func(c *Config) { c.AreaKm2 = 20 }, "more than a third"},
		{"area", func(c *Config) { c.AreaKm2 = 0 }, "outside 1–5000"},
		{"center", func(c *Config) { c.Center[1] = 95 }, "center"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Shuangliu()
			c.Districts = append([]DistrictSpec(nil), c.Districts...)
			tc.change(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
