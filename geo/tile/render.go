package tile

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"

	"github.com/gridpulse/gridpulse/area"
)

// checkEvery is how many features are handled between looks at the
// context, so a cancelled render stops soon without paying for a check
// per feature.
const checkEvery = 64

// render draws tile t from the index as a viewer limited to scope sees it,
// uncached.
func (r *Renderer) render(ctx context.Context, scope string, t maptile.Tile) (Tile, error) {
	z := uint32(t.Z)
	var layers mvt.Layers
	for _, lr := range r.cfg.Layers {
		if !lr.has(z) {
			continue
		}
		l, err := r.renderLayer(ctx, scope, lr.Layer, t)
		if err != nil {
			return Tile{}, fmt.Errorf("render tile %d/%d/%d layer %s: %w", z, t.X, t.Y, lr.Layer, err)
		}
		if len(l.Features) > 0 {
			layers = append(layers, l)
		}
	}
	data, err := marshalGzipped(layers)
	if err != nil {
		return Tile{}, fmt.Errorf("tile %d/%d/%d: %w", z, t.X, t.Y, err)
	}
	return Tile{Data: data, ETag: etag(t, data), Empty: len(layers) == 0}, nil
}

// renderLayer projects, clips and simplifies the areas of layer l that
// meet tile t and that a viewer limited to scope may see.
func (r *Renderer) renderLayer(ctx context.Context, scope string, l area.Layer, t maptile.Tile) (*mvt.Layer, error) {
	// One grid unit more than the buffer, as the projection floors
	// coordinates to the grid.
	search := t.Bound((r.cfg.Buffer + 1) / Extent)
	var areas []*area.Area
	r.ix.Search(l, search, func(a *area.Area) bool {
		if Shows(scope, a.Code) {
			areas = append(areas, a)
		}
		return true
	})
	// Code order, not the index's, keeps the bytes and so the ETag the
	// same for the same content.
	slices.SortFunc(areas, func(a, b *area.Area) int { return strings.Compare(a.Code, b.Code) })

	layer := &mvt.Layer{Name: string(l), Version: 2, Extent: Extent}
	for i, a := range areas {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		layer.Features = append(layer.Features, newFeature(a, sightOf(scope, a.Code)))
	}
	layer.ProjectToTile(t)

	kept := layer.Features[:0]
	for i, f := range layer.Features {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if g := r.shape(f.Geometry); g != nil {
			f.Geometry = g
			kept = append(kept, f)
		}
	}
	layer.Features = kept
	return layer, nil
}

// shape turns a polygon projected to tile grid units into what the tile
// carries: clipped to the tile and its buffer, simplified, with MVT ring
// winding; or nil when less than MinArea of it is left.
func (r *Renderer) shape(g orb.Geometry) orb.Geometry {
	b := r.cfg.Buffer
	g = clip.Geometry(orb.Bound{Min: orb.Point{-b, -b}, Max: orb.Point{Extent + b, Extent + b}}, g)
	if g == nil || planar.Area(g) < r.cfg.MinArea {
		return nil
	}
	// Simplification must never make a feature vanish: a thin shape it
	// collapses is drawn as it is.
	if s := simplify.DouglasPeucker(r.cfg.Tolerance).Simplify(orb.Clone(g)); s != nil && planar.Area(s) >= r.cfg.MinArea {
		g = s
	}
	return orientForMVT(g)
}

// etag is a strong entity tag for the tile's bytes at its own address:
// the same content at the same z/x/y always gets the same tag, and two
// tiles never share one even when both are empty.
func etag(t maptile.Tile, data []byte) string {
	h := sha256.New()
	var zxy [12]byte
	binary.BigEndian.PutUint32(zxy[0:], uint32(t.Z))
	binary.BigEndian.PutUint32(zxy[4:], t.X)
	binary.BigEndian.PutUint32(zxy[8:], t.Y)
	h.Write(zxy[:])
	h.Write(data)
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}
