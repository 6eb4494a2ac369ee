package tile

import (
	"fmt"
	"math"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// tileKey names one cached tile: its address and the scope it was drawn
// for, so that tiles of different scopes never mix.
type tileKey struct {
	scope   string
	z, x, y uint32
}

func (k tileKey) String() string { return fmt.Sprintf("%s@%d/%d/%d", k.scope, k.z, k.x, k.y) }

// entryOverhead is a rough count of the bytes an entry costs beyond its
// data (key with its scope, list element, map slot, ETag), so that a flood
// of tiny empty tiles is bounded too.
const entryOverhead = 192

// byteCache is a least-recently-used cache of rendered tiles bounded by
// the bytes it holds rather than by the number of tiles. It is safe for
// concurrent use.
type byteCache struct {
	mu    sync.Mutex
	lru   *simplelru.LRU[tileKey, Tile]
	bytes int64 // held now
	max   int64 // budget
}

func newByteCache(maxBytes int64) *byteCache {
	c := &byteCache{max: maxBytes}
	// The entry count is left unbounded: evictions come from the byte
	// budget in add. NewLRU only fails for a size below 1.
	lru, err := simplelru.NewLRU[tileKey, Tile](math.MaxInt, func(_ tileKey, t Tile) {
		c.bytes -= entrySize(t)
	})
	if err != nil {
		panic(err)
	}
	c.lru = lru
	return c
}

func entrySize(t Tile) int64 { return int64(len(t.Data)) + entryOverhead }

// get returns the tile cached under k and marks it recently used.
func (c *byteCache) get(k tileKey) (Tile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(k)
}

// add caches t under k, evicting the least recently used tiles until the
// cache is within budget. A tile larger than the whole budget is not
// cached.
func (c *byteCache) add(k tileKey, t Tile) {
	size := entrySize(t)
	if size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.lru.Peek(k); ok {
		return // same key (scope included), same index: the same tile
	}
	c.lru.Add(k, t)
	c.bytes += size
	for c.bytes > c.max {
		c.lru.RemoveOldest()
	}
}

// size is the number of tiles and bytes held, for tests and metrics.
func (c *byteCache) size() (tiles int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.bytes
}
