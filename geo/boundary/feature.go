package boundary

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/crs"
)

// feature is one input feature on its way through validation.
type feature struct {
	index    int
	code     string // as given, even when malformed, to name it in reports
	area     *area.Area
	problems []Problem
	dropped  int // problems past maxProblemsPerFeature
}

func (f *feature) add(field, reason string) {
	if len(f.problems) >= maxProblemsPerFeature {
		f.dropped++
		return
	}
	f.problems = append(f.problems, Problem{Index: f.index, Field: field, Reason: reason})
}

// count is the number of problems found so far, dropped ones included.
func (f *feature) count() int { return len(f.problems) + f.dropped }

func (f *feature) bad() bool { return f.count() > 0 }

// report is the feature's problems, each naming its code.
func (f *feature) report() []Problem {
	out := f.problems
	if f.dropped > 0 {
		out = append(out, Problem{Index: f.index, Field: "feature", Reason: fmt.Sprintf("%d more problems not shown", f.dropped)})
	}
	for i := range out {
		out[i].Code = f.code
	}
	return out
}

// validator checks features against the options and the known parents.
type validator struct {
	opt     Options
	parents *area.Set
	shapes  map[string]*parentShape // parent code → shape, built on first use
}

func newValidator(parents *area.Set, opt Options) *validator {
	return &validator{opt: opt, parents: parents, shapes: map[string]*parentShape{}}
}

// feature validates the feature at index i and, when it is good, builds
// its area.
func (v *validator) feature(i int, raw json.RawMessage) *feature {
	f := &feature{index: i}
	if isNull(raw) {
		f.add("feature", "is null, want a Feature object")
		return f
	}
	var rf rawFeature
	if err := json.Unmarshal(raw, &rf); err != nil {
		field, reason := typeProblem("", err)
		if field == "" {
			field = "feature"
		}
		f.add(field, reason)
		return f
	}
	if rf.Type != "Feature" {
		f.add("type", fmt.Sprintf("is %q, want \"Feature\"", rf.Type))
	}
	a := &area.Area{Layer: v.opt.Layer, Props: map[string]any{}}
	parent := v.properties(f, a, rf)

	polys, multi, ok := v.geometry(f, rf.Geometry)
	if ok {
		ok = v.valid(f, polys, multi)
	}
	if ok {
		a.Geometry = v.toWGS84(polys, multi)
	}
	if parent != nil && a.Geometry != nil {
		v.contain(f, a.Geometry, parent)
	}
	if !f.bad() {
		f.area = a
	}
	return f
}

// toWGS84 converts checked rings from the input datum and orients them
// as area.Area asks: outer rings counter-clockwise, holes clockwise.
func (v *validator) toWGS84(polys []orb.Polygon, multi bool) orb.Geometry {
	for _, p := range polys {
		for ri, r := range p {
			for k, pt := range r {
				r[k][0], r[k][1] = crs.ToWGS84(v.opt.CRS, pt[0], pt[1])
			}
			want := orb.CCW
			if ri > 0 {
				want = orb.CW
			}
			if r.Orientation() != want {
				r.Reverse()
			}
		}
	}
	if multi {
		return orb.MultiPolygon(polys)
	}
	return polys[0]
}
