package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"
)

func TestStaticFiles(t *testing.T) {
	tests := []struct {
		path        string
		wantType    string
		wantCache   string
		wantFrom    string // file of testFrontend the body must be
		acceptGzip  bool
		wantGzipped bool
	}{
		{"/", "text/html; charset=utf-8", "no-cache", "index.html", false, false},
		{"/index.html", "text/html; charset=utf-8", "no-cache", "index.html", false, false},
		{"/assets/index-abc123.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "assets/index-abc123.js", false, false},
		{"/assets/index-abc123.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "assets/index-abc123.js", true, true},
		{"/assets/maplibre-worker.mjs", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "assets/maplibre-worker.mjs", true, false},
		{"/favicon.svg", "image/svg+xml", "no-cache", "favicon.svg", true, false},
		{"/assets/../index.html", "text/html; charset=utf-8", "no-cache", "index.html", false, false},
	}
	s := newTestServer(t, true)
	for _, tt := range tests {
		name := tt.path
		if tt.acceptGzip {
			name += " gzip"
		}
		t.Run(name, func(t *testing.T) {
			h := http.Header{}
			if tt.acceptGzip {
				h.Set("Accept-Encoding", "gzip, deflate, br")
			}
			rec := do(t, s, http.MethodGet, tt.path, h, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
			}
			body := rec.Body.Bytes()
			if gz := rec.Header().Get("Content-Encoding") == "gzip"; gz != tt.wantGzipped {
				t.Fatalf("gzipped = %v, want %v", gz, tt.wantGzipped)
			}
			if tt.wantGzipped {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, testFrontend[tt.wantFrom].Data) {
				t.Errorf("body is not %s", tt.wantFrom)
			}
			etag := rec.Header().Get("ETag")
			again := do(t, s, http.MethodGet, tt.path, http.Header{"If-None-Match": {etag}, "Accept-Encoding": h.Values("Accept-Encoding")}, nil)
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Errorf("with its ETag: %d and %d bytes, want 304 and none", again.Code, again.Body.Len())
			}
		})
	}
}

func TestStaticGzipAndPlainHaveDifferentTags(t *testing.T) {
	s := newTestServer(t, true)
	plain := do(t, s, http.MethodGet, "/assets/index-abc123.js", nil, nil).Header().Get("ETag")
	gz := do(t, s, http.MethodGet, "/assets/index-abc123.js", http.Header{"Accept-Encoding": {"gzip"}}, nil).Header().Get("ETag")
	if plain == gz {
		t.Errorf("plain and gzipped bodies share the ETag %s", plain)
	}
	refused := do(t, s, http.MethodGet, "/assets/index-abc123.js", http.Header{"Accept-Encoding": {"gzip;q=0"}}, nil)
	if refused.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
}

func TestStaticMissingFile(t *testing.T) {
	s := newTestServer(t, true)
	for _, path := range []string{"/assets/missing.js", "/assets/", "/assets"} {
		rec := do(t, s, http.MethodGet, path, nil, nil)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
			continue
		}
		if d := decodeError(t, rec); d.Code != CodeNotFound {
			t.Errorf("GET %s: code %q, want %q", path, d.Code, CodeNotFound)
		}
	}
}
