package tile

import (
	"context"
	"maps"
	"reflect"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo"
)

func TestSightOf(t *testing.T) {
	tests := []struct {
		scope, code string
		want        sight
	}{
		{"", "510116", full},
		{"", "5101160010010001001", full},
		{"510116001", "510116001", full},
		{"510116001", "510116001002", full},
		{"510116001", "5101160010020003", full},
		{"510116001", "510116", outline},
		{"510116001001", "510116001", outline},
		{"510116001001", "510116", outline},
		{"510116001", "510116002", hidden},
		{"510116001", "510116002001", hidden},
		{"510116001001", "510116001002", hidden},
		{"510116001001", "5101160010020001", hidden},
		{"510116001", "510117", hidden},
	}
	for _, tc := range tests {
		if got := sightOf(tc.scope, tc.code); got != tc.want {
			t.Errorf("sightOf(%q, %q) = %d, want %d", tc.scope, tc.code, got, tc.want)
		}
	}
}

// A scoped tile is the unscoped tile with the areas outside the scope
// left out and the scope's ancestors cut to their code and name: nothing
// missing, nothing more, at every zoom over the whole district.
func TestScopedTileIsTheUnscopedTileCut(t *testing.T) {
	h := newHandMade()
	set := h.set
	r := NewRenderer(geo.NewIndex(set), Config{})
	district := set.Layer(area.District)[0]
	west, east := area.StreetCode("510116", 1), area.StreetCode("510116", 2)
	compound := area.CompoundCode(h.holedCommunity, 1)
	scopes := []string{"510116", west, east, h.holedCommunity, compound, area.StreetCode("510116", 3)}

	seen := map[string]map[sight]int{} // by scope, features seen per sight
	for _, z := range []maptile.Zoom{8, 11, 13, 15} {
		for _, tl := range tilesOver(district.Bound(), z) {
			whole, err := r.Tile(context.Background(), "", uint32(tl.Z), tl.X, tl.Y)
			if err != nil {
				t.Fatal(err)
			}
			all := decodeTile(t, whole.Data)
			for _, scope := range scopes {
				got, err := r.Tile(context.Background(), scope, uint32(tl.Z), tl.X, tl.Y)
				if err != nil {
					t.Fatal(err)
				}
				cut := decodeTile(t, got.Data)
				if seen[scope] == nil {
					seen[scope] = map[sight]int{}
				}
				n := checkCut(t, tl, scope, all, cut)
				for s, k := range n {
					seen[scope][s] += k
				}
				if got.Empty != (len(cut) == 0) {
					t.Errorf("tile %v scope %s: Empty %v with %d layers", tl, scope, got.Empty, len(cut))
				}
				if (got.ETag == whole.ETag) != reflect.DeepEqual(cut, all) {
					t.Errorf("tile %v scope %s: ETag %s against the whole tile's %s, contents equal: %v",
						tl, scope, got.ETag, whole.ETag, reflect.DeepEqual(cut, all))
				}
			}
		}
	}
	// The fixture must exercise each case, or the test checks nothing.
	for scope, want := range map[string][]sight{
		"510116":         {full},
		west:             {full, outline},
		east:             {full, outline},
		h.holedCommunity: {full, outline},
		compound:         {full, outline},
		"510116003":      {outline},
	} {
		for _, s := range want {
			if seen[scope][s] == 0 {
				t.Errorf("scope %s: no feature seen with sight %d (%v)", scope, s, seen[scope])
			}
		}
	}
}

// checkCut compares the features of a scoped tile with those of the
// whole tile and counts them by sight.
func checkCut(t *testing.T, tl maptile.Tile, scope string, all, cut map[string]map[string]decoded) map[sight]int {
	t.Helper()
	n := map[sight]int{}
	for layer, fs := range all {
		for code, f := range fs {
			g, ok := cut[layer][code]
			switch s := sightOf(scope, code); s {
			case hidden:
				if ok {
					t.Errorf("tile %v scope %s: %s %s outside the scope is drawn", tl, scope, layer, code)
				}
			case full:
				n[s]++
				if !ok || !reflect.DeepEqual(g, f) {
					t.Errorf("tile %v scope %s: %s %s inside the scope is %+v, want %+v", tl, scope, layer, code, g, f)
				}
			case outline:
				n[s]++
				want := map[string]any{propCode: code}
				if name, ok := f.props[propName]; ok {
					want[propName] = name
				}
				if !ok || !maps.Equal(g.props, want) || !reflect.DeepEqual(g.geometry, f.geometry) {
					t.Errorf("tile %v scope %s: ancestor %s %s is %+v, want its outline with %v only", tl, scope, layer, code, g, want)
				}
			}
		}
	}
	for layer, fs := range cut {
		for code := range fs {
			if _, ok := all[layer][code]; !ok {
				t.Errorf("tile %v scope %s: %s %s is not in the whole tile", tl, scope, layer, code)
			}
		}
	}
	return n
}

// Each scope has its own cache entry, and a scope's entry answers it
// again without rendering.
func TestTilesAreCachedPerScope(t *testing.T) {
	h := newHandMade()
	r := NewRenderer(geo.NewIndex(h.set), Config{})
	tl := maptile.At(h.centre, 11) // the whole district: both streets differ
	scopes := []string{"", area.StreetCode("510116", 1), area.StreetCode("510116", 2)}
	first := map[string]Tile{}
	for _, scope := range scopes {
		got, err := r.Tile(context.Background(), scope, uint32(tl.Z), tl.X, tl.Y)
		if err != nil {
			t.Fatal(err)
		}
		first[scope] = got
	}
	if n, _ := r.cache.size(); n != len(scopes) {
		t.Fatalf("cache holds %d tiles after %d scopes of one tile", n, len(scopes))
	}
	etags := map[string]string{}
	for _, scope := range scopes {
		got, err := r.Tile(context.Background(), scope, uint32(tl.Z), tl.X, tl.Y)
		if err != nil {
			t.Fatal(err)
		}
		if &got.Data[0] != &first[scope].Data[0] {
			t.Errorf("scope %q: second call rendered again instead of hitting its cache entry", scope)
		}
		if other, dup := etags[got.ETag]; dup {
			t.Errorf("scopes %q and %q share ETag %s for different contents", other, scope, got.ETag)
		}
		etags[got.ETag] = scope
	}
}
