package tile

import (
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridpulse/gridpulse/area"
)

// Property names every feature carries. MapLibre joins live data on code
// (promoteId), since the numeric feature id cannot keep leading zeros.
const (
	propCode = "code"
	propName = "name"
)

// layerProps names, per layer, the area properties copied into tiles
// beside code and name: only what the map styles colour or filter by, so
// that tiles stay small. Everything else about an area is one API call
// away.
var layerProps = map[area.Layer][]string{
	area.Street:        {"kind"},
	area.Community:     {"kind"},
	area.Compound:      {"type"},
	area.DedicatedGrid: {"kind"},
}

// newFeature turns an area into a feature with its own copy of the
// geometry (the tile pipeline works in place), its code as the numeric
// id, and its tile properties: all of them when seen in full, code and
// name alone for an outline.
func newFeature(a *area.Area, s sight) *geojson.Feature {
	f := geojson.NewFeature(orb.Clone(a.Geometry))
	// Codes are at most 19 digits and so fit a uint64. A code that is not
	// a number (none pass import) still gets its code property.
	if id, err := strconv.ParseUint(a.Code, 10, 64); err == nil {
		f.ID = id
	}
	f.Properties[propCode] = a.Code
	if a.Name != "" {
		f.Properties[propName] = a.Name
	}
	if s == outline {
		return f
	}
	for _, k := range layerProps[a.Layer] {
		if v, ok := scalar(a.Props[k]); ok {
			f.Properties[k] = v
		}
	}
	return f
}

// scalar reports whether v is a value an MVT property can hold as it is;
// lists and objects are left out of tiles rather than turned into JSON.
func scalar(v any) (any, bool) {
	switch v.(type) {
	case string, bool, float64, float32, int, int64, int32, uint, uint64, uint32:
		return v, true
	}
	return nil, false
}
