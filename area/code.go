package area

import (
	"fmt"
	"strings"
)

// Codes are strings of digits: GB/T 2260 for the district (6 digits), then
// 3 digits for the street and 3 for the community, then GB/T 30428.1's
// 3-digit grid sequence, which micro grids extend by 3 more. Compounds
// extend the community code by 4 digits and buildings the compound's by 3,
// so every layer but the two unit-grid kinds has its own code length.
// General and dedicated grids share the 15-digit form and are told apart by
// the sequence: general grids number from 001, dedicated ones from 501.
const (
	DistrictCodeLen  = 6
	StreetCodeLen    = 9
	CommunityCodeLen = 12
	GridCodeLen      = 15
	CompoundCodeLen  = 16
	MicroGridCodeLen = 18
	BuildingCodeLen  = 19

	// FirstDedicatedGridSeq is the first grid sequence used for dedicated grids.
	FirstDedicatedGridSeq = 501
)

// ChildCode appends a zero-padded sequence number of the given width to a
// parent code.
func ChildCode(parent string, seq, width int) string {
	return fmt.Sprintf("%s%0*d", parent, width, seq)
}

// StreetCode, CommunityCode and the rest build each layer's code from its
// parent's code and a 1-based sequence number.
func StreetCode(district string, seq int) string       { return ChildCode(district, seq, 3) }
func CommunityCode(street string, seq int) string      { return ChildCode(street, seq, 3) }
func GeneralGridCode(community string, seq int) string { return ChildCode(community, seq, 3) }
func DedicatedGridCode(community string, seq int) string {
	return ChildCode(community, FirstDedicatedGridSeq-1+seq, 3)
}
func MicroGridCode(grid string, seq int) string     { return ChildCode(grid, seq, 3) }
func CompoundCode(community string, seq int) string { return ChildCode(community, seq, 4) }
func BuildingCode(compound string, seq int) string  { return ChildCode(compound, seq, 3) }

// CodeLen is the length a code of layer l has.
func CodeLen(l Layer) int {
	switch l {
	case District:
		return DistrictCodeLen
	case Street:
		return StreetCodeLen
	case Community:
		return CommunityCodeLen
	case GeneralGrid, DedicatedGrid:
		return GridCodeLen
	case Compound:
		return CompoundCodeLen
	case MicroGrid:
		return MicroGridCodeLen
	case Building:
		return BuildingCodeLen
	}
	return 0
}

// ValidateCode checks that code has the form of layer l and, when parent
// is not empty, that it extends the parent's code.
func ValidateCode(l Layer, code, parent string) error {
	want := CodeLen(l)
	if len(code) != want {
		return fmt.Errorf("code %q has %d characters, a %s code has %d", code, len(code), l, want)
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return fmt.Errorf("code %q has a character that is not a digit", code)
		}
	}
	if parent != "" && !strings.HasPrefix(code, parent) {
		return fmt.Errorf("code %q does not extend its parent's code %q", code, parent)
	}
	return nil
}

// ParentCode is the code of the area that contains the area with this code
// in layer l, taken from the code's own prefix.
func ParentCode(l Layer, code string) string {
	n := CodeLen(l.Parent())
	if n == 0 || len(code) < n {
		return ""
	}
	return code[:n]
}
