package tile

import "github.com/gridpulse/gridpulse/area"

// MaxZoom is the deepest zoom served. Deeper tiles are the client's job:
// MapLibre overzooms a source whose maxzoom is MaxZoom, and at 18 a tile
// is about 130 m wide here, finer than the smallest building.
const MaxZoom = 18

// Extent is the size of the tile's coordinate grid (the MVT default).
// MapLibre draws a tile 512 CSS pixels wide, so one screen pixel is
// Extent/512 = 8 grid units.
const Extent = 4096

// LayerRange is the range of zooms, inclusive, at which a layer appears in
// tiles.
type LayerRange struct {
	Layer   area.Layer
	MinZoom uint32
	MaxZoom uint32
}

// has reports whether tiles at zoom z carry the layer.
func (lr LayerRange) has(z uint32) bool { return z >= lr.MinZoom && z <= lr.MaxZoom }

// DefaultLayers is the zoom range of every layer, drawn in this order.
//
// A layer starts at the zoom where its areas become a few screen pixels
// or more across and a tile holds at most a few hundred of them: the
// district outline is useful at every zoom; its 9 streets from z8 (a
// tile there is ~135 km wide); 118 communities from z10; 1,168
// compounds of 1–15 ha also from z10 — a few pixels each there, but the
// wall screen shows the whole district at about z10.7 and its users want
// every compound coloured at a glance; 736 general grids from z12 (~8 km
// tiles); 1,792 dedicated grids, smaller, from z13; 10,073
// micro grids (~300 m) from z14; buildings, the smallest and most
// numerous, from z15. Starting lower would put thousands of sub-pixel
// polygons in one tile for nothing.
func DefaultLayers() []LayerRange {
	return []LayerRange{
		{Layer: area.District, MinZoom: 0, MaxZoom: MaxZoom},
		{Layer: area.Street, MinZoom: 8, MaxZoom: MaxZoom},
		{Layer: area.Community, MinZoom: 10, MaxZoom: MaxZoom},
		{Layer: area.Compound, MinZoom: 10, MaxZoom: MaxZoom},
		{Layer: area.GeneralGrid, MinZoom: 12, MaxZoom: MaxZoom},
		{Layer: area.DedicatedGrid, MinZoom: 13, MaxZoom: MaxZoom},
		{Layer: area.MicroGrid, MinZoom: 14, MaxZoom: MaxZoom},
		{Layer: area.Building, MinZoom: 15, MaxZoom: MaxZoom},
	}
}

// Config tunes a Renderer. The zero value is ready to use: every zero
// field takes its default from withDefaults.
type Config struct {
	// CacheBytes bounds the memory held by cached gzipped tiles.
	// Default 64 MiB.
	CacheBytes int64
	// Layers lists the layers drawn and the zooms at which each appears,
	// in drawing order. Default DefaultLayers().
	Layers []LayerRange
	// Buffer is how far, in tile grid units, geometry is kept beyond the
	// tile's edge, so an outline stroked across the edge has no seam.
	// Default 64 (8 screen pixels).
	Buffer float64
	// Tolerance is the Douglas–Peucker tolerance in tile grid units. The
	// grid halves in ground size at each zoom, so the same number
	// simplifies low zooms hard and high zooms hardly at all. Default 2
	// (a quarter of a screen pixel, so neighbouring cells show no gaps).
	Tolerance float64
	// MinArea is the smallest area, in square grid units, a feature must
	// keep in a tile to be drawn; smaller pieces are slivers. Default 64,
	// one screen pixel.
	MinArea float64
}

// Defaults used by withDefaults.
const (
	defaultCacheBytes = 64 << 20
	defaultBuffer     = 64
	defaultTolerance  = 2
	defaultMinArea    = (Extent / 512) * (Extent / 512)
)

// withDefaults fills every zero field of c with its default.
func (c Config) withDefaults() Config {
	if c.CacheBytes <= 0 {
		c.CacheBytes = defaultCacheBytes
	}
	if len(c.Layers) == 0 {
		c.Layers = DefaultLayers()
	}
	if c.Buffer <= 0 {
		c.Buffer = defaultBuffer
	}
	if c.Tolerance <= 0 {
		c.Tolerance = defaultTolerance
	}
	if c.MinArea <= 0 {
		c.MinArea = defaultMinArea
	}
	return c
}
