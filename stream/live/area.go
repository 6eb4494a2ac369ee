package live

import (
	"fmt"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
)

// AreaKeys lists, without repeats, every area code that holds a thing with
// this chain: its district, street, community, compound, building and
// grids. A query for area code A matches the thing exactly when A is among
// them. Codes are matched as whole codes of a layer rather than as string
// prefixes because a compound's 16-digit code starts with 15 digits that
// can read as a grid code of the same community.
//
// It appends to dst so the hub can reuse one buffer per change.
func AreaKeys(dst []string, c *event.Chain) []string {
	add := func(code string) {
		if code == "" {
			return
		}
		for _, k := range dst {
			if k == code {
				return
			}
		}
		dst = append(dst, code)
	}
	if len(c.Street) >= area.DistrictCodeLen {
		add(c.Street[:area.DistrictCodeLen])
	}
	add(c.Street)
	add(c.Community)
	add(c.GeneralGrid)
	add(c.DedicatedGrid)
	add(c.Compound)
	// Micro grids extend their general grid's code and buildings their
	// compound's, so a point just outside its parent's polygon still
	// belongs to the parent by code.
	if len(c.MicroGrid) == area.MicroGridCodeLen {
		add(c.MicroGrid[:area.GridCodeLen])
	}
	add(c.MicroGrid)
	if len(c.Building) == area.BuildingCodeLen {
		add(c.Building[:area.CompoundCodeLen])
	}
	add(c.Building)
	return dst
}

// InArea reports whether a thing with chain c lies in the area with this
// code (see AreaKeys).
func InArea(c *event.Chain, code string) bool {
	switch len(code) {
	case area.DistrictCodeLen:
		return len(c.Street) >= area.DistrictCodeLen && c.Street[:area.DistrictCodeLen] == code
	case area.StreetCodeLen:
		return c.Street == code
	case area.CommunityCodeLen:
		return c.Community == code
	case area.GridCodeLen:
		return c.GeneralGrid == code || c.DedicatedGrid == code ||
			(len(c.MicroGrid) == area.MicroGridCodeLen && c.MicroGrid[:area.GridCodeLen] == code)
	case area.CompoundCodeLen:
		return c.Compound == code || (len(c.Building) == area.BuildingCodeLen && c.Building[:area.CompoundCodeLen] == code)
	case area.MicroGridCodeLen:
		return c.MicroGrid == code
	case area.BuildingCodeLen:
		return c.Building == code
	}
	return false
}

// CheckAreaCode says what is wrong with an area code a client asks for, or
// returns nil when it has the form of some layer's code.
func CheckAreaCode(code string) error {
	for _, r := range code {
		if r < '0' || r > '9' {
			return fmt.Errorf("area code %q has a character that is not a digit", code)
		}
	}
	switch len(code) {
	case area.DistrictCodeLen, area.StreetCodeLen, area.CommunityCodeLen, area.GridCodeLen,
		area.CompoundCodeLen, area.MicroGridCodeLen, area.BuildingCodeLen:
		return nil
	}
	return fmt.Errorf("area code %q has %d digits; district, street, community, grid, compound, micro-grid and building codes have 6, 9, 12, 15, 16, 18 and 19", code, len(code))
}

// Within reports whether every thing in area inner also lies in area
// outer, judging by the codes alone: outer is inner or one of its
// ancestors. It is how an access scope is checked against a requested
// area.
func Within(inner, outer string) bool {
	if outer == "" {
		return true
	}
	if len(inner) < len(outer) || inner[:len(outer)] != outer {
		return false
	}
	// A 15-digit grid code is not inside the 16-digit compound whose code
	// it happens to prefix, nor a compound inside a grid.
	if len(outer) == area.GridCodeLen && len(inner) == area.CompoundCodeLen ||
		len(outer) == area.GridCodeLen && len(inner) == area.BuildingCodeLen ||
		len(outer) == area.CompoundCodeLen && len(inner) == area.MicroGridCodeLen {
		return false
	}
	return true
}
