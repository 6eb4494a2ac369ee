// Package seed generates a synthetic district — or a city of districts —
// at the real scale of a Chengdu district: streets, communities,
// compounds with their buildings, the three kinds of grid, property
// companies and sensor-fitted facilities. The output is deterministic: the
// same Config gives the same district, byte for byte.
package seed

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// Config says what to generate. Every count is per district; a city is
// several districts of the same sizes laid side by side.
type Config struct {
	// Seed drives every random choice; the same Config gives the same
	// district.
	Seed uint64
	// Center is the [lon, lat] of the district, or of the whole city when
	// there are several districts.
	Center orb.Point
	// Districts to generate. With more than one, each district's Position
	// decides where its cell lies in the city.
	Districts []DistrictSpec
	// AreaKm2 is the area of each district in square kilometres.
	AreaKm2 float64

	Streets           int // streets and towns (街道/镇)
	Communities       int // communities and villages (社区/村)
	Compounds         int // residential compounds (小区/院落)
	GeneralGrids      int // general grids (一般网格), tiling communities
	MicroGrids        int // micro grids (微网格), tiling general grids
	DedicatedGrids    int // dedicated grids (专属网格): schools, hospitals, markets, parks
	PropertyCompanies int // property companies (物业企业)
	Elevators         int // sensor-fitted elevators
	ControlRooms      int // security control rooms

	// CommercialShare and ResettlementShare are the fractions of compounds
	// that are commercial (商品房) and resettlement (农安/安置) housing;
	// the rest are old compounds (老旧院落).
	CommercialShare   float64
	ResettlementShare float64
}

// DistrictSpec names one district.
type DistrictSpec struct {
	Code string // GB/T 2260, 6 digits
	Name string
	// Position is the district's rough real [lon, lat]; in a city it
	// orders the districts' cells so neighbours stay neighbours.
	Position orb.Point
	// Streets are real street and town names, in code order; a name ending
	// in 镇 is a town. Streets beyond this list get made-up names.
	Streets []string
}

// Code-space limits: the sequence digits each layer's code has for its
// children (see package area).
const (
	maxSeq3           = 999
	maxGeneralGrids   = area.FirstDedicatedGridSeq - 1
	maxDedicatedGrids = 999 - maxGeneralGrids
	maxCompounds      = 9999
)

// Shuangliu is the default: district 510116 双流区 at its real scale.
func Shuangliu() Config {
	return Config{
		Seed:              1,
		Center:            orb.Point{103.92, 30.57},
		Districts:         []DistrictSpec{shuangliuSpec()},
		AreaKm2:           466,
		Streets:           9,
		Communities:       118,
		Compounds:         1168,
		GeneralGrids:      736,
		MicroGrids:        10073,
		DedicatedGrids:    1792,
		PropertyCompanies: 179,
		Elevators:         1158,
		ControlRooms:      236,
		CommercialShare:   0.25,
		ResettlementShare: 0.10,
	}
}

// Tiny is a small district for tests: it generates in a fraction of a
// second and still has every layer.
func Tiny() Config {
	c := Shuangliu()
	c.AreaKm2 = 16
	c.Streets = 2
	c.Communities = 4
	c.Compounds = 20
	c.GeneralGrids = 16
	c.MicroGrids = 240
	c.DedicatedGrids = 12
	c.PropertyCompanies = 6
	c.Elevators = 40
	c.ControlRooms = 5
	return c
}

// City is the 20 districts of Chengdu, each at Shuangliu's scale, tiling
// one city without overlap.
func City() Config {
	c := Shuangliu()
	c.Center = orb.Point{104.06, 30.66}
	c.Districts = chengduSpecs()
	return c
}

// Validate reports every size that cannot make a district, or that
// overflows its code space.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if len(c.Districts) == 0 {
		bad("no district to generate")
	}
	seen := map[string]bool{}
	for i, d := range c.Districts {
		if err := area.ValidateCode(area.District, d.Code, ""); err != nil {
			bad("district %d: %w", i, err)
		}
		if d.Name == "" {
			bad("district %d (%s) has no name", i, d.Code)
		}
		if seen[d.Code] {
			bad("district code %s appears twice", d.Code)
		}
		seen[d.Code] = true
	}
	if c.Center[0] < -180 || c.Center[0] > 180 || c.Center[1] < -80 || c.Center[1] > 80 {
		bad("center %v is not a [lon, lat] away from the poles", c.Center)
	}
	if c.AreaKm2 < 1 || c.AreaKm2 > 5000 {
		bad("area %.1f km² is outside 1–5000 km²", c.AreaKm2)
	}
	if c.Streets < 1 || c.Streets > 999 {
		bad("streets = %d: want 1–999 (3 code digits)", c.Streets)
	}
	if c.Communities < c.Streets {
		bad("communities = %d: want at least one per street (%d)", c.Communities, c.Streets)
	}
	if c.GeneralGrids < c.Communities {
		bad("general grids = %d: want at least one per community (%d)", c.GeneralGrids, c.Communities)
	}
	if c.MicroGrids < c.GeneralGrids {
		bad("micro grids = %d: want at least one per general grid (%d)", c.MicroGrids, c.GeneralGrids)
	}
	// Each level's code has a fixed number of digits for its sequence.
	if c.Communities > c.Streets*maxSeq3 || c.GeneralGrids > c.Communities*maxGeneralGrids ||
		c.MicroGrids > c.GeneralGrids*maxSeq3 || c.DedicatedGrids > c.Communities*maxDedicatedGrids ||
		c.Compounds > c.Communities*maxCompounds {
		bad("too many children per parent for the codes: at most %d communities per street, %d general and %d dedicated grids per community, %d micro grids per general grid, %d compounds per community",
			maxSeq3, maxGeneralGrids, maxDedicatedGrids, maxSeq3, maxCompounds)
	}
	if c.Compounds < 0 || c.DedicatedGrids < 0 || c.Elevators < 0 || c.ControlRooms < 0 {
		bad("compounds, dedicated grids, elevators and control rooms cannot be negative")
	}
	if c.Compounds > 0 && (c.PropertyCompanies < 1 || c.PropertyCompanies > c.Compounds) {
		bad("property companies = %d: want 1 to the number of compounds (%d), each managing at least one", c.PropertyCompanies, c.Compounds)
	}
	if c.PropertyCompanies > 999 {
		bad("property companies = %d: at most 999 per district", c.PropertyCompanies)
	}
	if c.ControlRooms > c.Compounds {
		bad("control rooms = %d: at most one per compound (%d)", c.ControlRooms, c.Compounds)
	}
	if c.CommercialShare < 0 || c.ResettlementShare < 0 || c.CommercialShare+c.ResettlementShare > 1 {
		bad("compound shares commercial %.2f + resettlement %.2f: want non-negative and at most 1 together", c.CommercialShare, c.ResettlementShare)
	}
	// Compounds average a few hectares and dedicated grids about as much;
	// beyond about a third of the land they no longer fit between roads.
	if need := float64(c.Compounds)*3 + float64(c.DedicatedGrids)*3; c.AreaKm2 > 0 && need > c.AreaKm2*100/3 {
		bad("%d compounds and %d dedicated grids need about %.0f ha, more than a third of %.0f km²", c.Compounds, c.DedicatedGrids, need, c.AreaKm2)
	}
	return errors.Join(errs...)
}
