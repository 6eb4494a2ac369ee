package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// staticFiles is the built web app held in memory, each file with its
// content type, ETag and, when it is worth it, a gzipped copy made once at
// start rather than on every request.
type staticFiles struct {
	files map[string]*staticFile
}

type staticFile struct {
	data        []byte
	gz          []byte // nil when gzip would not help
	contentType string
	etag        string
	immutable   bool // content-hashed name: cache forever
}

// assetsDir holds the build's content-hashed files (Vite's assetsDir).
const assetsDir = "assets/"

// contentTypes pins the types the browser is strict about: module scripts
// and workers load only with a JavaScript type.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".json":  "application/json",
	".map":   "application/json",
	".wasm":  "application/wasm",
	".woff2": "font/woff2",
}

// compressible is the content types worth gzipping.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.HasPrefix(contentType, "application/json") ||
		contentType == "image/svg+xml"
}

// loadStatic reads every file of the build into memory.
func loadStatic(fsys fs.FS) (*staticFiles, error) {
	st := &staticFiles{files: map[string]*staticFile{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		f := &staticFile{data: data, immutable: strings.HasPrefix(name, assetsDir)}
		ext := path.Ext(name)
		f.contentType = contentTypes[ext]
		if f.contentType == "" {
			f.contentType = mime.TypeByExtension(ext)
		}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		sum := sha256.Sum256(data)
		f.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		if compressible(f.contentType) && len(data) > 1024 {
			if f.gz, err = gzipBytes(data); err != nil {
				return err
			}
		}
		st.files[name] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load frontend build: %w", err)
	}
	if st.files["index.html"] == nil {
		return nil, fmt.Errorf("load frontend build: no index.html")
	}
	return st, nil
}

func gzipBytes(data []byte) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// getStatic answers GET for the web app's files: / is index.html, which
// is never cached without revalidation, and the content-hashed assets are
// cached for a year.
func (s *Server) getStatic(c echo.Context) error {
	r := c.Request()
	notFound := &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: fmt.Sprintf("nothing at %s", r.URL.Path)}
	if s.static == nil {
		return notFound
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	f := s.static.files[name]
	if f == nil {
		return notFound
	}

	h := c.Response().Header()
	if f.immutable {
		h.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		h.Set(echo.HeaderCacheControl, "no-cache")
	}
	body, etag := f.data, f.etag
	if f.gz != nil {
		h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		if acceptsGzip(r.Header.Get(echo.HeaderAcceptEncoding)) {
			body = f.gz
			// A different representation needs its own tag.
			etag = strings.TrimSuffix(f.etag, `"`) + `-gz"`
			h.Set(echo.HeaderContentEncoding, "gzip")
		}
	}
	h.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		h.Del(echo.HeaderContentEncoding)
		return c.NoContent(http.StatusNotModified)
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	return c.Blob(http.StatusOK, f.contentType, body)
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(acceptEncoding string) bool {
	for _, part := range strings.Split(acceptEncoding, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		// "gzip;q=0" refuses it.
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
