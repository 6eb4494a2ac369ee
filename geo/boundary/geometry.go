package boundary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// ringRef names one ring of the feature's geometry, for reports.
type ringRef struct {
	multi      bool
	poly, ring int
}

// polyPath is the JSON path of the ring's polygon.
func (r ringRef) polyPath() string {
	if r.multi {
		return fmt.Sprintf("geometry.coordinates[%d]", r.poly)
	}
	return "geometry.coordinates"
}

// path is the JSON path of the ring.
func (r ringRef) path() string { return fmt.Sprintf("%s[%d]", r.polyPath(), r.ring) }

// String names the ring in words: "outer ring", "polygon 2, hole 1".
func (r ringRef) String() string {
	s := "outer ring"
	if r.ring > 0 {
		s = fmt.Sprintf("hole %d", r.ring)
	}
	if r.multi {
		s = fmt.Sprintf("polygon %d, %s", r.poly, s)
	}
	return s
}

// geometry reads the feature's geometry in the input datum and checks its
// structure: the type, and rings of at least four closed positions of
// finite, in-range numbers. ok is false when anything is wrong.
func (v *validator) geometry(f *feature, raw json.RawMessage) (polys []orb.Polygon, multi, ok bool) {
	if isNull(raw) {
		f.add("geometry", "missing: want a Polygon or MultiPolygon")
		return nil, false, false
	}
	var g rawGeometry
	if err := json.Unmarshal(raw, &g); err != nil {
		f.add(typeProblem("geometry", err))
		return nil, false, false
	}
	switch g.Type {
	case "Polygon":
	case "MultiPolygon":
		multi = true
	case "":
		f.add("geometry.type", "missing: want Polygon or MultiPolygon")
		return nil, false, false
	default:
		f.add("geometry.type", fmt.Sprintf("is %s, want Polygon or MultiPolygon", g.Type))
		return nil, false, false
	}
	if isNull(g.Coordinates) {
		f.add("geometry.coordinates", "missing")
		return nil, multi, false
	}
	// Numbers are kept as text so an out-of-range value is reported as
	// written, not as what a float64 made of it.
	dec := json.NewDecoder(bytes.NewReader(g.Coordinates))
	dec.UseNumber()
	var coords any
	if err := dec.Decode(&coords); err != nil {
		f.add("geometry.coordinates", err.Error())
		return nil, multi, false
	}

	before := f.count()
	if multi {
		list, isList := coords.([]any)
		switch {
		case !isList:
			f.add("geometry.coordinates", "must be an array of polygons")
		case len(list) == 0:
			f.add("geometry.coordinates", "has no polygons")
		}
		for pi, pc := range list {
			polys = append(polys, v.polygon(f, pc, ringRef{multi: true, poly: pi}))
		}
	} else {
		polys = append(polys, v.polygon(f, coords, ringRef{}))
	}
	return polys, multi, f.count() == before
}

func (v *validator) polygon(f *feature, c any, ref ringRef) orb.Polygon {
	list, ok := c.([]any)
	if !ok {
		f.add(ref.polyPath(), "must be an array of rings")
		return nil
	}
	if len(list) == 0 {
		f.add(ref.polyPath(), "has no rings")
		return nil
	}
	p := make(orb.Polygon, len(list))
	for ri, rc := range list {
		ref.ring = ri
		p[ri] = v.ring(f, rc, ref)
	}
	return p
}

// minRingPositions is a triangle plus the closing position.
const minRingPositions = 4

func (v *validator) ring(f *feature, c any, ref ringRef) orb.Ring {
	list, ok := c.([]any)
	if !ok {
		f.add(ref.path(), ref.String()+" must be an array of positions")
		return nil
	}
	r := make(orb.Ring, len(list))
	allGood := true
	for i, pc := range list {
		pt, reason := position(pc)
		if reason != "" {
			f.add(fmt.Sprintf("%s[%d]", ref.path(), i), fmt.Sprintf("%s, position %d: %s", ref, i, reason))
			allGood = false
			continue
		}
		r[i] = pt
	}
	if len(r) < minRingPositions {
		f.add(ref.path(), fmt.Sprintf("%s has %d positions; a ring needs at least %d (a triangle and the closing position)", ref, len(r), minRingPositions))
	}
	if allGood && len(r) > 0 && r[0] != r[len(r)-1] {
		f.add(ref.path(), fmt.Sprintf("%s is not closed: the first position %s and the last %s differ", ref, fmtPoint(r[0]), fmtPoint(r[len(r)-1])))
	}
	return r
}

// position reads [lon, lat] or [lon, lat, alt] (the altitude is dropped)
// and says what is wrong with it, if anything.
func position(c any) (orb.Point, string) {
	list, ok := c.([]any)
	if !ok || len(list) < 2 {
		return orb.Point{}, "must be an array of two or three numbers [longitude, latitude]"
	}
	var xy [2]float64
	for k, what := range [2]string{"longitude", "latitude"} {
		n, ok := list[k].(json.Number)
		if !ok {
			return orb.Point{}, fmt.Sprintf("%s must be a number, not %s", what, jsonValueKind(list[k]))
		}
		x, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return orb.Point{}, fmt.Sprintf("%s %s is not a finite number", what, n)
		}
		xy[k] = x
	}
	switch {
	case xy[0] < -180 || xy[0] > 180:
		return orb.Point{}, fmt.Sprintf("longitude %s is outside -180..180", list[0])
	case xy[1] < -90 || xy[1] > 90:
		return orb.Point{}, fmt.Sprintf("latitude %s is outside -90..90", list[1])
	}
	return orb.Point(xy), ""
}

func jsonValueKind(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", x)
}

func fmtPoint(p orb.Point) string {
	return "[" + strconv.FormatFloat(p[0], 'f', -1, 64) + ", " + strconv.FormatFloat(p[1], 'f', -1, 64) + "]"
}
