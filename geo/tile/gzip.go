package tile

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"sync"

	"github.com/paulmach/orb/encoding/mvt"
)

// gzipWriters keeps gzip writers between renders. A new writer allocates
// about 800 KB of compressor state, more than most tiles weigh, which is
// why tiles are not encoded with mvt.MarshalGzipped.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// marshalGzipped encodes layers as a gzipped Mapbox Vector Tile.
func marshalGzipped(layers mvt.Layers) ([]byte, error) {
	raw, err := mvt.Marshal(layers)
	if err != nil {
		return nil, fmt.Errorf("encode vector tile: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(len(raw)/2 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("gzip vector tile: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip vector tile: %w", err)
	}
	return buf.Bytes(), nil
}
