package tile

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/maptile"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo"
)

// benchTilesPerZoom is how many tiles each zoom samples, spread evenly
// over the tiles that meet the district.
const benchTilesPerZoom = 50

// BenchmarkRender renders tiles over the full generated Shuangliu
// district. "uncached" renders every sampled tile afresh and reports the
// per-tile p50/p95/p99 in milliseconds and the mean gzipped size;
// "cached" times the same tiles served from a warm cache.
//
//	go test ./geo/tile/ -run '^$' -bench Render -benchtime 3x
func BenchmarkRender(b *testing.B) {
	set := shuangliuDistrict(b)
	r := NewRenderer(geo.NewIndex(set), Config{})
	outline := set.Layer(area.District)[0].Geometry
	ctx := context.Background()

	for _, z := range []maptile.Zoom{12, 13, 14, 15, 16} {
		tiles := sampleTiles(tilesMeeting(outline, z), benchTilesPerZoom)
		b.Run(fmt.Sprintf("z%d/uncached", z), func(b *testing.B) { benchRender(b, r, "", tiles) })
		b.Run(fmt.Sprintf("z%d/cached", z), func(b *testing.B) {
			for _, tl := range tiles {
				if _, err := r.Tile(ctx, "", uint32(tl.Z), tl.X, tl.Y); err != nil {
					b.Fatal(err)
				}
			}
			n := 0
			for b.Loop() {
				for _, tl := range tiles {
					if _, err := r.Tile(ctx, "", uint32(tl.Z), tl.X, tl.Y); err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/tile")
		})
	}
}

// BenchmarkRenderScoped renders the tiles meeting one street, uncached,
// for the whole district's view and for the street leader's, whose tiles
// leave the other streets out.
//
//	go test ./geo/tile/ -run '^$' -bench RenderScoped -benchtime 3x
func BenchmarkRenderScoped(b *testing.B) {
	set := shuangliuDistrict(b)
	r := NewRenderer(geo.NewIndex(set), Config{})
	street := set.Layer(area.Street)[0]
	for _, z := range []maptile.Zoom{12, 14, 16} {
		tiles := sampleTiles(tilesMeeting(street.Geometry, z), benchTilesPerZoom)
		for _, scope := range []struct{ name, code string }{{"district", ""}, {"street", street.Code}} {
			b.Run(fmt.Sprintf("z%d/%s", z, scope.name), func(b *testing.B) { benchRender(b, r, scope.code, tiles) })
		}
	}
}

// benchRender renders every tile afresh for scope and reports the
// per-tile p50/p95/p99 in milliseconds and the mean gzipped size.
func benchRender(b *testing.B, r *Renderer, scope string, tiles []maptile.Tile) {
	ctx := context.Background()
	var took []time.Duration
	var size int
	for b.Loop() {
		for _, tl := range tiles {
			start := time.Now()
			t, err := r.render(ctx, scope, tl)
			took = append(took, time.Since(start))
			if err != nil {
				b.Fatal(err)
			}
			size += len(t.Data)
		}
	}
	slices.Sort(took)
	for _, q := range []struct {
		name string
		at   float64
	}{{"p50-ms", 0.50}, {"p95-ms", 0.95}, {"p99-ms", 0.99}} {
		d := took[int(q.at*float64(len(took)-1)+0.5)]
		b.ReportMetric(float64(d.Microseconds())/1000, q.name)
	}
	b.ReportMetric(float64(size)/float64(len(took))/1024, "KiB/tile")
	b.ReportMetric(float64(len(tiles)), "tiles")
}

// tilesMeeting lists the tiles at zoom z whose bound meets geometry g
// itself, not just its bounding box.
func tilesMeeting(g orb.Geometry, z maptile.Zoom) []maptile.Tile {
	var out []maptile.Tile
	for _, tl := range tilesOver(g.Bound(), z) {
		if clip.Geometry(tl.Bound(), orb.Clone(g)) != nil {
			out = append(out, tl)
		}
	}
	return out
}

// sampleTiles picks n tiles spread evenly over tiles, or all of them.
func sampleTiles(tiles []maptile.Tile, n int) []maptile.Tile {
	if len(tiles) <= n {
		return tiles
	}
	out := make([]maptile.Tile, n)
	for i := range out {
		out[i] = tiles[i*len(tiles)/n]
	}
	return out
}
