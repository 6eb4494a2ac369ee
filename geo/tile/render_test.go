package tile

import (
	"context"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo"
)

// checkTile renders tile t and compares it with the brute-force answer for
// every area of set: the right features in the right layers, ids equal to
// codes, names and style properties carried, geometry inside the tile and
// its buffer. It returns how many areas were present and how many were
// too close to the sliver limit to judge, by layer.
func checkTile(t *testing.T, r *Renderer, set *area.Set, tl maptile.Tile) (present, borderline map[area.Layer]int) {
	t.Helper()
	got, err := r.Tile(context.Background(), "", uint32(tl.Z), tl.X, tl.Y)
	if err != nil {
		t.Fatalf("tile %v: %v", tl, err)
	}
	features := decodeTile(t, got.Data)
	if got.Empty != (len(features) == 0) {
		t.Errorf("tile %v: Empty is %v with %d layers", tl, got.Empty, len(features))
	}
	present, borderline = map[area.Layer]int{}, map[area.Layer]int{}
	inRange := map[string]bool{}
	for _, lr := range r.Layers() {
		if !lr.has(uint32(tl.Z)) {
			continue
		}
		inRange[string(lr.Layer)] = true
		fs := features[string(lr.Layer)]
		for _, a := range set.Layer(lr.Layer) {
			f, ok := fs[a.Code]
			switch expect(a, tl, r.cfg) {
			case wantDrawn:
				present[lr.Layer]++
				if !ok {
					t.Errorf("tile %v: %s %s missing", tl, lr.Layer, a.Code)
				}
			case wantAbsent:
				if ok {
					t.Errorf("tile %v: %s %s drawn but does not reach the tile", tl, lr.Layer, a.Code)
				}
			case wantEither:
				borderline[lr.Layer]++
			}
			if ok {
				checkFeature(t, tl, r.cfg, a, f)
			}
		}
		for code := range fs {
			if _, known := set.Get(lr.Layer, code); !known {
				t.Errorf("tile %v: %s has unknown feature %s", tl, lr.Layer, code)
			}
		}
	}
	for name := range features {
		if !inRange[name] {
			t.Errorf("tile %v: layer %s drawn outside its zoom range", tl, name)
		}
	}
	return present, borderline
}

// checkFeature compares one decoded feature with its area.
func checkFeature(t *testing.T, tl maptile.Tile, cfg Config, a *area.Area, f decoded) {
	t.Helper()
	want, err := strconv.ParseUint(a.Code, 10, 64)
	if err != nil {
		t.Fatalf("fixture code %q: %v", a.Code, err)
	}
	if f.id == nil || *f.id != want {
		t.Errorf("tile %v: %s %s has id %v, want %d", tl, a.Layer, a.Code, f.id, want)
	}
	if f.props[propName] != a.Name {
		t.Errorf("tile %v: %s %s name %v, want %q", tl, a.Layer, a.Code, f.props[propName], a.Name)
	}
	wantProps := 2 // code and name
	for _, k := range layerProps[a.Layer] {
		if v, ok := a.Props[k]; ok {
			wantProps++
			if f.props[k] != v {
				t.Errorf("tile %v: %s %s property %s = %v, want %v", tl, a.Layer, a.Code, k, f.props[k], v)
			}
		}
	}
	if len(f.props) != wantProps {
		t.Errorf("tile %v: %s %s has properties %v, want only code, name and %v", tl, a.Layer, a.Code, f.props, layerProps[a.Layer])
	}
	if !within(f.geometry, cfg.Buffer) {
		t.Errorf("tile %v: %s %s geometry %v leaves the tile and its buffer", tl, a.Layer, a.Code, f.geometry.Bound())
	}
	if planar.Area(f.geometry) < cfg.MinArea {
		t.Errorf("tile %v: %s %s drawn as a sliver of %.1f square units", tl, a.Layer, a.Code, planar.Area(f.geometry))
	}
}

// tileSet names a set of tiles to check.
type tileSet struct {
	name  string
	tiles []maptile.Tile
}

// checkTileSets runs checkTile over every tile of every set, one subtest
// a set, and fails when some layer was never expected anywhere, as the
// test would then check nothing for it.
func checkTileSets(t *testing.T, set *area.Set, sets []tileSet) {
	r := NewRenderer(geo.NewIndex(set), Config{})
	total, border := map[area.Layer]int{}, map[area.Layer]int{}
	for _, ts := range sets {
		t.Run(ts.name, func(t *testing.T) {
			if len(ts.tiles) == 0 {
				t.Fatal("no tiles to check")
			}
			for _, tl := range ts.tiles {
				p, b := checkTile(t, r, set, tl)
				for l, n := range p {
					total[l] += n
				}
				for l, n := range b {
					border[l] += n
				}
			}
		})
	}
	for _, l := range area.Layers {
		if total[l] == 0 {
			t.Errorf("no tile was expected to carry layer %s: the test checks nothing for it", l)
		}
	}
	t.Logf("present by layer %v; too close to the sliver limit to judge %v", total, border)
}

func TestTileFeaturesMatchBruteForce(t *testing.T) {
	h := newHandMade()
	district := h.set.Layer(area.District)[0].Bound()
	tiny, _ := h.set.Get(area.Building, h.tinyBuilding)
	checkTileSets(t, h.set, []tileSet{
		{"z0 whole world", tilesOver(district, 0)},
		{"z8 streets appear", tilesOver(district, 8)},
		{"z10 communities appear", tilesOver(district, 10)},
		{"z11", tilesOver(district, 11)},
		{"z12 compounds and general grids appear", tilesOver(district, 12)},
		{"z13 dedicated grids appear", tilesOver(district, 13)},
		{"z14 micro grids appear", tilesOver(district, 14)},
		{"z15 buildings appear", tilesOver(district, 15)},
		{"z16", tilesOver(district, 16)},
		{"z18 around the tiny building", tilesOver(tiny.Bound().Pad(0.003), 18)},
	})
}

func TestTileShapes(t *testing.T) {
	h := newHandMade()
	r := NewRenderer(geo.NewIndex(h.set), Config{})
	thin, _ := h.set.Get(area.DedicatedGrid, h.thinGrid)
	tiny, _ := h.set.Get(area.Building, h.tinyBuilding)

	tests := []struct {
		name  string
		z     maptile.Zoom
		at    orb.Point
		check func(t *testing.T, tl maptile.Tile, fs map[string]map[string]decoded)
	}{
		{"MultiPolygon street keeps both parts", 11, h.centre, func(t *testing.T, _ maptile.Tile, fs map[string]map[string]decoded) {
			g := fs[string(area.Street)][h.multiStreet].geometry
			if mp, ok := g.(orb.MultiPolygon); !ok || len(mp) != 2 {
				t.Errorf("street %s decoded as %T %v, want a MultiPolygon of 2 parts", h.multiStreet, g, g)
			}
		}},
		{"community keeps its hole", 11, h.centre, func(t *testing.T, _ maptile.Tile, fs map[string]map[string]decoded) {
			g := fs[string(area.Community)][h.holedCommunity].geometry
			if p, ok := g.(orb.Polygon); !ok || len(p) != 2 {
				t.Errorf("community %s decoded as %T %v, want a Polygon with a hole", h.holedCommunity, g, g)
			}
		}},
		{"tile inside the hole has no community", 16, h.hole.Center(), func(t *testing.T, tl maptile.Tile, fs map[string]map[string]decoded) {
			comm, _ := h.set.Get(area.Community, h.holedCommunity)
			if v := expect(comm, tl, r.cfg); v != wantAbsent {
				t.Fatalf("fixture: tile %v is not inside the hole (verdict %d)", tl, v)
			}
			if _, ok := fs[string(area.Community)][h.holedCommunity]; ok {
				t.Errorf("community drawn in a tile inside its hole")
			}
			if len(fs[string(area.GeneralGrid)]) == 0 {
				t.Errorf("grids over the hole are missing")
			}
		}},
		{"strip thinner than the tolerance survives simplification", 13, thin.Bound().Center(), func(t *testing.T, _ maptile.Tile, fs map[string]map[string]decoded) {
			f, ok := fs[string(area.DedicatedGrid)][h.thinGrid]
			if !ok {
				t.Fatalf("thin grid %s missing", h.thinGrid)
			}
			if height := f.geometry.Bound().Max[1] - f.geometry.Bound().Min[1]; height > 2*defaultTolerance {
				t.Fatalf("fixture: strip is %v units high, not thinner than the tolerance", height)
			}
		}},
		{"sub-pixel building dropped at z15", 15, tiny.Bound().Center(), func(t *testing.T, _ maptile.Tile, fs map[string]map[string]decoded) {
			if _, ok := fs[string(area.Building)][h.tinyBuilding]; ok {
				t.Errorf("building %s, under a pixel at z15, was drawn", h.tinyBuilding)
			}
			if len(fs[string(area.Building)]) == 0 {
				t.Errorf("the other buildings of the tile are missing")
			}
		}},
		{"sub-pixel building drawn at z18", 18, tiny.Bound().Center(), func(t *testing.T, _ maptile.Tile, fs map[string]map[string]decoded) {
			if _, ok := fs[string(area.Building)][h.tinyBuilding]; !ok {
				t.Errorf("building %s missing at z18", h.tinyBuilding)
			}
		}},
		{"outline simplified at low zoom", 8, h.centre, func(t *testing.T, _ maptile.Tile, fs map[string]map[string]decoded) {
			n := vertices(fs[string(area.District)]["510116"].geometry)
			if n == 0 || n > h.outlineVertices/4 {
				t.Errorf("district outline has %d vertices at z8, want between 1 and %d of %d", n, h.outlineVertices/4, h.outlineVertices)
			}
		}},
		{"outline detail kept at high zoom", 16, orb.Point{h.centre.Lon() + districtRadius/95_500, h.centre.Lat()}, func(t *testing.T, tl maptile.Tile, fs map[string]map[string]decoded) {
			// A z16 tile is ~525 m wide, so the 15 m wiggles every
			// ~190 m give a few dozen vertices that must survive.
			n := vertices(fs[string(area.District)]["510116"].geometry)
			if n < 20 {
				t.Errorf("district outline has %d vertices at z16 in tile %v, want its wiggles kept", n, tl)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := maptile.At(tc.at, tc.z)
			got, err := r.Tile(context.Background(), "", uint32(tl.Z), tl.X, tl.Y)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, tl, decodeTile(t, got.Data))
		})
	}
}
