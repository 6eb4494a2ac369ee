// Package tile renders the areas of a geo.Index as Mapbox Vector Tiles:
// one MVT layer per area layer, each within its own zoom range, clipped to
// the tile plus a buffer, simplified for the zoom, gzipped, with a strong
// ETag and an in-memory cache. Feature ids are the area codes, so a map
// can join live data to its cells. A tile is drawn for a viewer's scope,
// the one area they may see: areas outside it are left out.
package tile

import (
	"context"
	"errors"
	"fmt"

	"github.com/paulmach/orb/maptile"
	"golang.org/x/sync/singleflight"

	"github.com/gridpulse/gridpulse/geo"
)

// ErrOutOfRange is returned, wrapped, for a z/x/y that names no tile: a
// zoom above MaxZoom or an x or y of 2^z or more.
var ErrOutOfRange = errors.New("tile out of range")

// Tile is one rendered tile. Data is shared with the cache and with other
// callers: read it, never change it.
type Tile struct {
	// Data is a gzipped Mapbox Vector Tile, to be served as
	// application/vnd.mapbox-vector-tile with Content-Encoding gzip.
	Data []byte
	// ETag is a strong, quoted entity tag for Data at this z/x/y. It stays
	// the same as long as the index content does, across calls and
	// restarts.
	ETag string
	// Empty is true when the tile has no features at all.
	Empty bool
}

// Renderer renders and caches the tiles of one index, per scope. It is
// safe for concurrent use. The index is immutable, so a reloaded index
// gets a new Renderer (and with it a fresh cache).
type Renderer struct {
	ix     *geo.Index
	cfg    Config
	cache  *byteCache
	flight singleflight.Group
}

// NewRenderer makes a renderer over ix; zero fields of cfg take their
// defaults.
func NewRenderer(ix *geo.Index, cfg Config) *Renderer {
	cfg = cfg.withDefaults()
	return &Renderer{ix: ix, cfg: cfg, cache: newByteCache(cfg.CacheBytes)}
}

// Layers is every layer the tiles carry with its zoom range, for the map
// style and TileJSON.
func (r *Renderer) Layers() []LayerRange {
	return append([]LayerRange(nil), r.cfg.Layers...)
}

// Tile returns the tile at z/x/y as a viewer limited to the area with code
// scope sees it ("" sees everything), from the cache or freshly rendered:
// the areas inside the scope in full, its ancestors (the district around
// a street) as bare outlines with their code and name, nothing else.
// Tiles are cached per scope. Concurrent calls for the same uncached tile
// and scope render it once. An error wrapping ErrOutOfRange means the
// caller asked for a tile that does not exist; an error wrapping ctx.Err()
// means the caller gave up.
func (r *Renderer) Tile(ctx context.Context, scope string, z, x, y uint32) (Tile, error) {
	if z > MaxZoom {
		return Tile{}, fmt.Errorf("%w: zoom %d is above %d", ErrOutOfRange, z, MaxZoom)
	}
	if n := uint32(1) << z; x >= n || y >= n {
		return Tile{}, fmt.Errorf("%w: x and y at zoom %d must be below %d, got %d/%d", ErrOutOfRange, z, n, x, y)
	}
	key := tileKey{scope, z, x, y}
	if t, ok := r.cache.get(key); ok {
		return t, nil
	}
	for {
		ch := r.flight.DoChan(key.String(), func() (any, error) {
			// A render that finished between the lookup above and
			// this flight has already filled the cache.
			if t, ok := r.cache.get(key); ok {
				return t, nil
			}
			t, err := r.render(ctx, scope, maptile.New(x, y, maptile.Zoom(z)))
			if err != nil {
				return nil, err
			}
			r.cache.add(key, t)
			return t, nil
		})
		select {
		case <-ctx.Done():
			return Tile{}, fmt.Errorf("tile %s: %w", key, ctx.Err())
		case res := <-ch:
			if res.Err == nil {
				return res.Val.(Tile), nil
			}
			// The render ran under another caller's context, which was
			// cancelled; this caller still wants the tile, so it leads
			// a render of its own.
			if ctx.Err() == nil && isContextError(res.Err) {
				continue
			}
			return Tile{}, res.Err
		}
	}
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
