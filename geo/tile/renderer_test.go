package tile

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/gridpulse/gridpulse/geo"
)

func TestTileOutOfRange(t *testing.T) {
	r := NewRenderer(geo.NewIndex(newHandMade().set), Config{})
	tests := []struct {
		name    string
		z, x, y uint32
		bad     bool
	}{
		{"world tile", 0, 0, 0, false},
		{"last tile at max zoom", MaxZoom, 1<<MaxZoom - 1, 1<<MaxZoom - 1, false},
		{"zoom above max", MaxZoom + 1, 0, 0, true},
		{"huge zoom", 40, 0, 0, true},
		{"x past the edge", 0, 1, 0, true},
		{"y past the edge", 3, 0, 8, true},
		{"x past the edge at max zoom", MaxZoom, 1 << MaxZoom, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Tile(context.Background(), "", tc.z, tc.x, tc.y)
			if tc.bad != errors.Is(err, ErrOutOfRange) {
				t.Errorf("Tile(%d, %d, %d) error %v, want out of range: %v", tc.z, tc.x, tc.y, err, tc.bad)
			}
			if !tc.bad && err != nil {
				t.Errorf("Tile(%d, %d, %d): %v", tc.z, tc.x, tc.y, err)
			}
		})
	}
}

func TestTileEmptyIsValidAndCached(t *testing.T) {
	r := NewRenderer(geo.NewIndex(newHandMade().set), Config{})
	atlantic := maptile.At(orb.Point{-30, 40}, 14)
	got, err := r.Tile(context.Background(), "", uint32(atlantic.Z), atlantic.X, atlantic.Y)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Empty {
		t.Errorf("tile over the Atlantic is not Empty")
	}
	if fs := decodeTile(t, got.Data); len(fs) != 0 {
		t.Errorf("empty tile decodes to layers %v", fs)
	}
	if n, _ := r.cache.size(); n != 1 {
		t.Errorf("cache holds %d tiles after one empty tile, want 1", n)
	}
}

func TestETag(t *testing.T) {
	h := newHandMade()
	ix := geo.NewIndex(h.set)
	centre := maptile.At(h.centre, 14)
	tiles := []maptile.Tile{
		centre,
		maptile.New(centre.X+1, centre.Y, 14),
		maptile.At(h.centre, 12),
		maptile.At(orb.Point{-30, 40}, 14), // empty
		maptile.At(orb.Point{-31, 40}, 14), // empty too
	}
	first, second := NewRenderer(ix, Config{}), NewRenderer(ix, Config{})
	quoted := regexp.MustCompile(`^"[0-9a-f]{32}"$`)
	seen := map[string]maptile.Tile{}
	for _, tl := range tiles {
		a, err := first.Tile(context.Background(), "", uint32(tl.Z), tl.X, tl.Y)
		if err != nil {
			t.Fatal(err)
		}
		b, err := second.Tile(context.Background(), "", uint32(tl.Z), tl.X, tl.Y)
		if err != nil {
			t.Fatal(err)
		}
		if !quoted.MatchString(a.ETag) {
			t.Errorf("tile %v ETag %s is not a quoted strong tag", tl, a.ETag)
		}
		if a.ETag != b.ETag || !bytes.Equal(a.Data, b.Data) {
			t.Errorf("tile %v rendered twice from the same index differs: ETag %s and %s", tl, a.ETag, b.ETag)
		}
		if other, dup := seen[a.ETag]; dup {
			t.Errorf("tiles %v and %v share ETag %s", other, tl, a.ETag)
		}
		seen[a.ETag] = tl
	}
}

func TestCacheHitReturnsSameBytes(t *testing.T) {
	h := newHandMade()
	r := NewRenderer(geo.NewIndex(h.set), Config{})
	tl := maptile.At(h.centre, 13)
	a, err := r.Tile(context.Background(), "", uint32(tl.Z), tl.X, tl.Y)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Tile(context.Background(), "", uint32(tl.Z), tl.X, tl.Y)
	if err != nil {
		t.Fatal(err)
	}
	if a.Empty || len(a.Data) == 0 {
		t.Fatalf("fixture: tile %v is empty", tl)
	}
	if &a.Data[0] != &b.Data[0] || a.ETag != b.ETag {
		t.Errorf("second call rendered again instead of hitting the cache")
	}
	if n, bytes := r.cache.size(); n != 1 || bytes < int64(len(a.Data)) {
		t.Errorf("cache holds %d tiles, %d bytes; want 1 tile of at least %d", n, bytes, len(a.Data))
	}
}

func TestConcurrentCallsShareOneRender(t *testing.T) {
	h := newHandMade()
	r := NewRenderer(geo.NewIndex(h.set), Config{})
	tl := maptile.At(h.centre, 12)
	const callers = 8
	var (
		start sync.WaitGroup
		done  sync.WaitGroup
		got   [callers]Tile
		errs  [callers]error
	)
	start.Add(1)
	for i := range callers {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			got[i], errs[i] = r.Tile(context.Background(), "", uint32(tl.Z), tl.X, tl.Y)
		}()
	}
	start.Done()
	done.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		// Every render makes its own buffer, so one shared buffer
		// means one render.
		if &got[i].Data[0] != &got[0].Data[0] {
			t.Errorf("caller %d got bytes from a render of its own", i)
		}
	}
}

func TestTileHonoursContext(t *testing.T) {
	h := newHandMade()
	r := NewRenderer(geo.NewIndex(h.set), Config{})
	tl := maptile.At(h.centre, 12)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Tile(ctx, "", uint32(tl.Z), tl.X, tl.Y); !errors.Is(err, context.Canceled) {
		t.Fatalf("Tile with a cancelled context: error %v, want context.Canceled", err)
	}
	if n, _ := r.cache.size(); n != 0 {
		t.Errorf("a cancelled render left %d tiles in the cache", n)
	}
	if _, err := r.Tile(context.Background(), "", uint32(tl.Z), tl.X, tl.Y); err != nil {
		t.Errorf("Tile after a cancelled call: %v", err)
	}
}

func TestLayersIsACopy(t *testing.T) {
	r := NewRenderer(geo.NewIndex(newHandMade().set), Config{})
	ls := r.Layers()
	if len(ls) != len(DefaultLayers()) {
		t.Fatalf("Layers() has %d layers, want %d", len(ls), len(DefaultLayers()))
	}
	ls[0].MinZoom = 99
	if r.Layers()[0].MinZoom == 99 {
		t.Errorf("changing the slice Layers returned changed the renderer")
	}
}
