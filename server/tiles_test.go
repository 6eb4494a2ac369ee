package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// tilePathAt is the tile URL of the tile holding p at zoom z.
func tilePathAt(p orb.Point, z maptile.Zoom) string {
	t := maptile.At(p, z)
	return fmt.Sprintf("/tiles/%d/%d/%d.mvt", t.Z, t.X, t.Y)
}

func TestTileIsServedGzippedWithItsETag(t *testing.T) {
	s := newTestServer(t, true)
	path := tilePathAt(orb.Point{103.93, 30.5725}, 14)
	rec := do(t, s, http.MethodGet, path, nil, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200; body %s", path, rec.Code, rec.Body)
	}
	h := rec.Header()
	for k, want := range map[string]string{
		"Content-Type":     mvtContentType,
		"Content-Encoding": "gzip",
		"Cache-Control":    "private, max-age=300",
		"Vary":             "Authorization",
		"Content-Length":   strconv.Itoa(rec.Body.Len()),
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	etag := h.Get("ETag")
	if len(etag) < 3 || etag[0] != '"' {
		t.Errorf("ETag = %q, want a quoted tag", etag)
	}

	layers, err := mvt.UnmarshalGzipped(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	var names []string
	for _, l := range layers {
		names = append(names, l.Name)
	}
	for _, want := range []string{"district", "street", "community", "compound"} {
		if !slices.Contains(names, want) {
			t.Errorf("tile layers %v lack %s", names, want)
		}
	}

	// The same tile again, with the tag: 304 and no body.
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		rec := do(t, s, http.MethodGet, path, http.Header{"If-None-Match": {inm}}, nil)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: status %d with %d bytes, want 304 and none", inm, rec.Code, rec.Body.Len())
		}
		if rec.Header().Get("ETag") != etag {
			t.Errorf("If-None-Match %s: 304 ETag = %q, want %q", inm, rec.Header().Get("ETag"), etag)
		}
	}
	if rec := do(t, s, http.MethodGet, path, http.Header{"If-None-Match": {`"stale"`}}, nil); rec.Code != http.StatusOK {
		t.Errorf("stale If-None-Match: status %d, want 200", rec.Code)
	}
	if rec := do(t, s, http.MethodHead, path, nil, nil); rec.Code != http.StatusOK || rec.Header().Get("ETag") != etag {
		t.Errorf("HEAD: status %d ETag %q, want 200 and %q", rec.Code, rec.Header().Get("ETag"), etag)
	}
}

func TestEmptyTileIsNoContent(t *testing.T) {
	s := newTestServer(t, true)
	// The far side of the world from the district.
	path := tilePathAt(orb.Point{-70, -30}, 10)
	rec := do(t, s, http.MethodGet, path, nil, nil)
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("GET %s = %d with %d bytes, want 204 and none", path, rec.Code, rec.Body.Len())
	}
	if rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("empty tile has Content-Encoding %q", rec.Header().Get("Content-Encoding"))
	}
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("empty tile has no ETag")
	}
	if rec := do(t, s, http.MethodGet, path, http.Header{"If-None-Match": {etag}}, nil); rec.Code != http.StatusNotModified {
		t.Errorf("empty tile with its ETag: %d, want 304", rec.Code)
	}
}

func TestBadTilePathsNameTheField(t *testing.T) {
	tests := []struct {
		path      string
		wantField string
	}{
		{"/tiles/abc/0/0.mvt", "z"},
		{"/tiles/-1/0/0.mvt", "z"},
		{"/tiles/25/0/0.mvt", "z"},
		{"/tiles/99999999999/0/0.mvt", "z"},
		{"/tiles/3/x/0.mvt", "x"},
		{"/tiles/3/8/0.mvt", "x"},
		{"/tiles/3/-1/0.mvt", "x"},
		{"/tiles/3/0/8.mvt", "y"},
		{"/tiles/3/0/y.mvt", "y"},
		{"/tiles/3/0/0", "y"},
		{"/tiles/3/0/0.pbf", "y"},
		{"/tiles/3/0/.mvt", "y"},
		{"/tiles/0/1/0.mvt", "x"},
	}
	s := newTestServer(t, true)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.path, nil, nil)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", rec.Code, rec.Body)
			}
			d := decodeError(t, rec)
			if d.Code != CodeInvalidField || d.Field != tt.wantField {
				t.Errorf("error = %+v, want code %s field %s", d, CodeInvalidField, tt.wantField)
			}
		})
	}
}

func TestETagMatches(t *testing.T) {
	tests := []struct {
		header, etag string
		want         bool
	}{
		{"", `"a"`, false},
		{`"a"`, `"a"`, true},
		{`W/"a"`, `"a"`, true},
		{`"b", "a"`, `"a"`, true},
		{`"b"`, `"a"`, false},
		{"*", `"a"`, true},
		{`"a"`, "", false},
	}
	for _, tt := range tests {
		if got := etagMatches(tt.header, tt.etag); got != tt.want {
			t.Errorf("etagMatches(%q, %q) = %v, want %v", tt.header, tt.etag, got, tt.want)
		}
	}
}
