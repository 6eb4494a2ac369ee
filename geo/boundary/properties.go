package boundary

import (
	"fmt"
	"strconv"

	"github.com/gridpulse/gridpulse/area"
)

// properties reads the feature's code, name, layer and parent into a,
// checks them, and returns the parent area when the layer has one and it
// is known.
func (v *validator) properties(f *feature, a *area.Area, rf rawFeature) *area.Area {
	layer := v.opt.Layer
	codeOK := v.code(f, a, rf)
	a.Name = v.stringProp(f, rf.Properties, area.PropName)
	if l := v.stringProp(f, rf.Properties, area.PropLayer); l != "" && l != string(layer) {
		f.add("properties."+area.PropLayer, fmt.Sprintf("is %q, but this import is of layer %q", l, layer))
	}
	given := v.stringProp(f, rf.Properties, area.PropParent)
	for k, val := range rf.Properties {
		switch k {
		case area.PropCode, area.PropName, area.PropLayer, area.PropParent:
		default:
			a.Props[k] = val
		}
	}
	if layer == area.District {
		// A district is the top of the tree; a parent it names is ignored.
		return nil
	}
	return v.parent(f, a, given, codeOK)
}

// code reads and checks the feature's code: the "code" property, or else
// a string feature id.
func (v *validator) code(f *feature, a *area.Area, rf rawFeature) bool {
	field := "properties." + area.PropCode
	switch c := rf.Properties[area.PropCode].(type) {
	case string:
		a.Code = c
	case nil:
		if id, ok := rf.ID.(string); ok {
			a.Code, field = id, "id"
		}
	default:
		// A JSON number cannot carry an 18- or 19-digit code exactly.
		f.add(field, "must be a string, not "+jsonValueKind(c))
		return false
	}
	f.code = a.Code
	if a.Code == "" {
		f.add(field, "missing: every feature needs a code property (or a string id)")
		return false
	}
	if err := area.ValidateCode(v.opt.Layer, a.Code, ""); err != nil {
		f.add(field, err.Error())
		return false
	}
	if reason := gridSequenceProblem(v.opt.Layer, a.Code); reason != "" {
		f.add(field, reason)
		return false
	}
	return true
}

// gridSequenceProblem checks the rule that tells the two kinds of unit
// grid apart: general grids number from 001, dedicated ones from 501.
func gridSequenceProblem(l area.Layer, code string) string {
	if l != area.GeneralGrid && l != area.DedicatedGrid {
		return ""
	}
	seq, _ := strconv.Atoi(code[area.CommunityCodeLen:])
	switch {
	case seq == 0:
		return fmt.Sprintf("code %q has grid sequence 000; sequences start at 001", code)
	case l == area.GeneralGrid && seq >= area.FirstDedicatedGridSeq:
		return fmt.Sprintf("code %q has grid sequence %03d, which is a dedicated grid's; general grids number below %d", code, seq, area.FirstDedicatedGridSeq)
	case l == area.DedicatedGrid && seq < area.FirstDedicatedGridSeq:
		return fmt.Sprintf("code %q has grid sequence %03d, which is a general grid's; dedicated grids number from %d", code, seq, area.FirstDedicatedGridSeq)
	}
	return ""
}

// stringProp reads an optional string property.
func (v *validator) stringProp(f *feature, props map[string]any, key string) string {
	switch s := props[key].(type) {
	case string:
		return s
	case nil:
		return ""
	default:
		f.add("properties."+key, "must be a string, not "+jsonValueKind(s))
		return ""
	}
}

// parent finds the feature's parent: the one its parent property names,
// or else the one its code's prefix names. It must already be in the
// data, since imports go down the tree one layer at a time.
func (v *validator) parent(f *feature, a *area.Area, given string, codeOK bool) *area.Area {
	pl := v.opt.Layer.Parent()
	field := "properties." + area.PropParent
	code := given
	switch {
	case given != "":
		if err := area.ValidateCode(pl, given, ""); err != nil {
			f.add(field, err.Error())
			return nil
		}
		if codeOK {
			if err := area.ValidateCode(v.opt.Layer, a.Code, given); err != nil {
				f.add(field, err.Error())
				return nil
			}
		}
	case codeOK:
		code = area.ParentCode(v.opt.Layer, a.Code)
	default:
		return nil // no usable code to take the parent from; already reported
	}
	a.Parent = code
	p, ok := v.parents.Get(pl, code)
	if !ok {
		how := ""
		if given == "" {
			how = " (taken from the code)"
		}
		f.add(field, fmt.Sprintf("parent %s %s%s is not in the area data; import the %s layer first", pl, code, how, pl))
		return nil
	}
	return p
}
