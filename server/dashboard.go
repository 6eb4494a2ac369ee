package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Dashboard is what the web app is told about its setting through
// GET /api/v1/config. The zero value is the offline default: no basemap,
// only the server's own tiles.
type Dashboard struct {
	// Basemap is an optional raster basemap drawn under the areas: an XYZ
	// URL template with {z}, {x} and {y}, or a WMTS tile URL with
	// {TileMatrix}, {TileRow} and {TileCol} (a KVP request written with
	// {z}, {y} and {x} works too), in Web Mercator and WGS-84/CGCS2000
	// coordinates: 天地图's _w services or a self-hosted one. GCJ-02 maps
	// would sit hundreds of metres off the areas.
	Basemap string
}

// dashboardConfig is the answer of GET /api/v1/config.
type dashboardConfig struct {
	// Basemap is null when none is configured.
	Basemap *basemapConfig `json:"basemap"`
	// csp is the page's Content-Security-Policy, which must let the
	// basemap's origin in.
	csp string
}

type basemapConfig struct {
	// Tiles is the URL template in MapLibre's {z}/{x}/{y} form.
	Tiles string `json:"tiles"`
}

// wmtsPlaceholders are WMTS's names for the tile coordinates, rewritten to
// the XYZ placeholders MapLibre fills (Web Mercator WMTS matrices number
// tiles as XYZ does).
var wmtsPlaceholders = strings.NewReplacer(
	"{TileMatrix}", "{z}", "{TileRow}", "{y}", "{TileCol}", "{x}",
	"{tilematrix}", "{z}", "{tilerow}", "{y}", "{tilecol}", "{x}",
)

// basemapTiles checks a basemap URL and returns it as an XYZ template.
func basemapTiles(raw string) (string, error) {
	tiles := wmtsPlaceholders.Replace(strings.TrimSpace(raw))
	u, err := url.Parse(tiles)
	if err != nil {
		return "", fmt.Errorf("basemap %q is not a URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("basemap %q is not an http or https URL", raw)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(tiles, p) {
			return "", fmt.Errorf("basemap %q has no %s placeholder (XYZ: {z}/{x}/{y}; WMTS: {TileMatrix}, {TileRow}, {TileCol})", raw, p)
		}
	}
	return tiles, nil
}

// SetDashboard hands the server what the web app is told at
// GET /api/v1/config; a basemap URL it cannot use is an error.
func (s *Server) SetDashboard(d Dashboard) error {
	var cfg dashboardConfig
	if d.Basemap != "" {
		tiles, err := basemapTiles(d.Basemap)
		if err != nil {
			return err
		}
		cfg.Basemap = &basemapConfig{Tiles: tiles}
	}
	cfg.csp = contentSecurityPolicy(cfg.Basemap)
	s.dashboard.Store(&cfg)
	return nil
}

// routeDashboard adds the routes the web app needs beyond the data
// routes: its configuration, an area's extent and the nearest workers.
func (s *Server) routeDashboard(e *echo.Echo, methods []string) {
	e.Match(methods, "/api/v1/config", s.getConfig)
	e.Match(methods, "/api/v1/areas/:code", s.getArea)
	e.Match(methods, "/api/v1/live/nearest", s.getNearest)
}

// getConfig answers GET /api/v1/config: the web app's settings.
func (s *Server) getConfig(c echo.Context) error {
	cfg := s.dashboard.Load()
	if cfg == nil {
		cfg = &dashboardConfig{}
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.JSON(http.StatusOK, cfg)
}
