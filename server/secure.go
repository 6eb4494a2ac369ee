package server

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// secureHeaders sets the headers that keep the page from being framed,
// sniffed or made to load scripts from elsewhere.
func (s *Server) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		csp := defaultCSP
		if d := s.dashboard.Load(); d != nil && d.csp != "" {
			csp = d.csp
		}
		h.Set("Content-Security-Policy", csp)
		if c.IsTLS() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// defaultCSP is the policy without a basemap.
var defaultCSP = contentSecurityPolicy(nil)

// contentSecurityPolicy lets the page load only its own scripts, styles,
// tiles and socket, plus a configured basemap's tiles. MapLibre runs its
// workers from blob: URLs and draws sprites from data: and blob: images.
func contentSecurityPolicy(b *basemapConfig) string {
	extra := ""
	if b != nil {
		if u, err := url.Parse(b.Tiles); err == nil {
			extra = " " + u.Scheme + "://" + u.Host
		}
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:" + extra,
		"connect-src 'self'" + extra,
		"worker-src 'self' blob:",
		"font-src 'self' data:",
		"object-src 'none'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
		"form-action 'self'",
	}, "; ")
}
