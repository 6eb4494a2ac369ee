package area

import "testing"

func TestCodeBuildersHaveTheirLayersLength(t *testing.T) {
	district := "510116"
	street := StreetCode(district, 3)
	community := CommunityCode(street, 12)
	grid := GeneralGridCode(community, 7)
	dedicated := DedicatedGridCode(community, 1)
	tests := []struct {
		layer  Layer
		code   string
		parent string
		want   string
	}{
		{Street, street, district, "510116003"},
		{Community, community, street, "510116003012"},
		{GeneralGrid, grid, community, "510116003012007"},
		{DedicatedGrid, dedicated, community, "510116003012501"},
		{MicroGrid, MicroGridCode(grid, 14), grid, "510116003012007014"},
		{Compound, CompoundCode(community, 9), community, "5101160030120009"},
		{Building, BuildingCode(CompoundCode(community, 9), 21), CompoundCode(community, 9), "5101160030120009021"},
	}
	for _, tt := range tests {
		t.Run(string(tt.layer), func(t *testing.T) {
			if tt.code != tt.want {
				t.Fatalf("code = %q, want %q", tt.code, tt.want)
			}
			if err := ValidateCode(tt.layer, tt.code, tt.parent); err != nil {
				t.Fatalf("ValidateCode: %v", err)
			}
			if got := ParentCode(tt.layer, tt.code); got != tt.parent {
				t.Fatalf("ParentCode = %q, want %q", got, tt.parent)
			}
		})
	}
}

func TestValidateCodeRejects(t *testing.T) {
	tests := []struct {
		name   string
		layer  Layer
		code   string
		parent string
	}{
		{"too short", Community, "51011600301", ""},
		{"too long", Street, "5101160031", ""},
		{"not digits", Street, "51011600A", ""},
		{"wrong parent", Community, "510116003012", "510116004"},
		{"parent longer than code", Street, "510116003", "510116003012"},
		{"unknown layer", Layer("parcel"), "1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ValidateCode(tt.layer, tt.code, tt.parent); err == nil {
				t.Fatalf("ValidateCode(%s, %q, %q) accepted a bad code", tt.layer, tt.code, tt.parent)
			}
		})
	}
}

func TestLayerParentsComeFirst(t *testing.T) {
	seen := map[Layer]bool{}
	for _, l := range Layers {
		if p := l.Parent(); p != "" && !seen[p] {
			t.Errorf("layer %s is listed before its parent %s", l, p)
		}
		seen[l] = true
		if got, err := ParseLayer(string(l)); err != nil || got != l {
			t.Errorf("ParseLayer(%q) = %q, %v", l, got, err)
		}
	}
	if _, err := ParseLayer("parcel"); err == nil {
		t.Error("ParseLayer accepted an unknown layer")
	}
}
