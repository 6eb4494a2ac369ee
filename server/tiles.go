package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gridpulse/gridpulse/geo/tile"
)

// mvtContentType is the media type of a Mapbox Vector Tile.
const mvtContentType = "application/vnd.mapbox-vector-tile"

// getTile answers GET /tiles/{z}/{x}/{y}.mvt with a gzipped vector tile
// drawn for the caller's area (see tile.Renderer.Tile), 304 when the
// client's ETag still matches and 204 when the tile has no features.
//
// Tiles differ from user to user, so they are cached privately: a shared
// cache must never hand a street leader's tile to another, nor the
// command centre's to a street leader.
func (s *Server) getTile(c echo.Context) error {
	z, x, y, err := parseTileCoords(c.Param("z"), c.Param("x"), c.Param("y"))
	if err != nil {
		return err
	}
	st, err := s.loaded()
	if err != nil {
		return err
	}
	t, err := st.tiles.Tile(c.Request().Context(), principal(c).Area, z, x, y)
	if errors.Is(err, tile.ErrOutOfRange) {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidField, Message: err.Error()}
	}
	if err != nil {
		return fmt.Errorf("tile %d/%d/%d: %w", z, x, y, err)
	}

	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, fmt.Sprintf("private, max-age=%d", int(s.cfg.TileMaxAge.Seconds())))
	h.Add(echo.HeaderVary, echo.HeaderAuthorization)
	h.Set("ETag", t.ETag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), t.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	if t.Empty {
		return c.NoContent(http.StatusNoContent)
	}
	// The tile is stored gzipped and sent as it is, whatever the client's
	// Accept-Encoding: every vector-tile client reads gzip.
	h.Set(echo.HeaderContentEncoding, "gzip")
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(t.Data)))
	return c.Blob(http.StatusOK, mvtContentType, t.Data)
}

// parseTileCoords reads z, x and y ("{y}.mvt") from the path, naming the
// field at fault.
func parseTileCoords(zs, xs, ys string) (z, x, y uint32, err error) {
	z64, perr := strconv.ParseUint(zs, 10, 32)
	if perr != nil {
		return 0, 0, 0, invalidField("z", "zoom %q is not a whole number", zs)
	}
	if z64 > tile.MaxZoom {
		return 0, 0, 0, invalidField("z", "zoom %d is out of range 0..%d", z64, tile.MaxZoom)
	}
	n := uint64(1) << z64
	ys, ok := strings.CutSuffix(ys, ".mvt")
	if !ok {
		return 0, 0, 0, invalidField("y", "tile path must end in {y}.mvt, got %q", ys)
	}
	for _, f := range []struct {
		name, s string
		out     *uint32
	}{{"x", xs, &x}, {"y", ys, &y}} {
		v, perr := strconv.ParseUint(f.s, 10, 32)
		if perr != nil {
			return 0, 0, 0, invalidField(f.name, "%s %q is not a whole number", f.name, f.s)
		}
		if v >= n {
			return 0, 0, 0, invalidField(f.name, "%s %d is out of range 0..%d at zoom %d", f.name, v, n-1, z64)
		}
		*f.out = uint32(v)
	}
	return uint32(z64), x, y, nil
}

// etagMatches reports whether an If-None-Match header names etag, with
// the weak comparison RFC 9110 asks for.
func etagMatches(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" || etag == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, tag := range strings.Split(ifNoneMatch, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == want {
			return true
		}
	}
	return false
}
