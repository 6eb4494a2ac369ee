package tile

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/mvt/vectortile"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"

	"github.com/gridpulse/gridpulse/area"
)

// decoded is one feature read back from a tile.
type decoded struct {
	id       *uint64 // read from the protobuf, as orb's decoder turns ids into float64
	props    map[string]any
	geometry orb.Geometry // in tile grid units
}

// decodeTile reads a gzipped tile back into features by layer and code.
func decodeTile(t *testing.T, data []byte) map[string]map[string]decoded {
	t.Helper()
	layers, err := mvt.UnmarshalGzipped(data)
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("gunzip tile: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip tile: %v", err)
	}
	var vt vectortile.Tile
	if err := vt.Unmarshal(raw); err != nil {
		t.Fatalf("decode tile protobuf: %v", err)
	}
	if len(vt.Layers) != len(layers) {
		t.Fatalf("protobuf has %d layers, orb decoded %d", len(vt.Layers), len(layers))
	}
	out := map[string]map[string]decoded{}
	for i, l := range layers {
		if _, dup := out[l.Name]; dup {
			t.Fatalf("layer %s appears twice", l.Name)
		}
		if l.Extent != Extent {
			t.Errorf("layer %s extent %d, want %d", l.Name, l.Extent, Extent)
		}
		fs := map[string]decoded{}
		for j, f := range l.Features {
			code, ok := f.Properties[propCode].(string)
			if !ok {
				t.Fatalf("layer %s feature %d has no string code: %v", l.Name, j, f.Properties)
			}
			if _, dup := fs[code]; dup {
				t.Fatalf("layer %s has feature %s twice", l.Name, code)
			}
			fs[code] = decoded{id: vt.Layers[i].Features[j].Id, props: f.Properties, geometry: f.Geometry}
		}
		out[l.Name] = fs
	}
	return out
}

// verdict is what a tile must do with one area, worked out by brute force
// from the area's exact geometry.
type verdict int

const (
	wantAbsent verdict = iota // nothing, or less than MinArea, lies in the tile and its buffer
	wantDrawn                 // clearly more than MinArea lies there
	wantEither                // within a grid unit of the MinArea boundary: rounding decides
)

// expect decides whether area a belongs in tile t, without the renderer:
// it projects a's geometry to tile units at full float precision, clips
// it to the tile and its buffer, and measures what is left. The renderer
// floors coordinates to the grid, moving every vertex by less than √2
// units, which changes the clipped area by less than √2 times the length
// of the area's own boundary inside the clip box (the box's edges do not
// move): an area that close to MinArea may go either way.
func expect(a *area.Area, t maptile.Tile, cfg Config) verdict {
	g := project.Geometry(orb.Clone(a.Geometry), func(p orb.Point) orb.Point {
		f := maptile.Fraction(p, t.Z)
		return orb.Point{(f[0] - float64(t.X)) * Extent, (f[1] - float64(t.Y)) * Extent}
	})
	b := cfg.Buffer
	box := orb.Bound{Min: orb.Point{-b, -b}, Max: orb.Point{Extent + b, Extent + b}}
	slack := 1.5 * boundaryWithin(box, g)
	g = clip.Geometry(box, g)
	if g == nil {
		return wantAbsent
	}
	switch size := planar.Area(g); {
	case size-slack >= cfg.MinArea:
		return wantDrawn
	case size+slack < cfg.MinArea:
		return wantAbsent
	}
	return wantEither
}

// boundaryWithin is the length of g's rings inside box.
func boundaryWithin(box orb.Bound, g orb.Geometry) float64 {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	n := 0.0
	for _, p := range polys {
		for _, r := range p {
			n += planar.Length(clip.LineString(box, orb.LineString(r.Clone())))
		}
	}
	return n
}

// vertices counts the points of a polygonal geometry.
func vertices(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			n += vertices(p)
		}
	}
	return n
}

// within reports whether every point of g lies in the tile and its buffer.
func within(g orb.Geometry, buffer float64) bool {
	b := g.Bound()
	lo, hi := -buffer, Extent+buffer
	return b.Min[0] >= lo && b.Min[1] >= lo && b.Max[0] <= hi && b.Max[1] <= hi
}
