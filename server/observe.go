package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// routeUnmatched labels requests that matched no route.
const routeUnmatched = "unmatched"

// observe is the outermost middleware: it renders a handler's error at
// once, so the status is final, then writes one log line and the metrics
// for the request.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		d := time.Since(start)
		req, res := c.Request(), c.Response()
		route := c.Path()
		if route == "" {
			route = routeUnmatched
		}
		method := methodLabel(req.Method)
		s.metrics.observeRequest(method, route, res.Status, d)
		s.log.LogAttrs(req.Context(), requestLogLevel(res.Status), "request",
			slog.String("method", method),
			slog.String("route", route),
			slog.String("path", req.URL.Path),
			slog.Int("status", res.Status),
			slog.Duration("duration", d),
			slog.Int64("bytes", res.Size))
		return nil
	}
}

// requestLogLevel keeps the log for what needs a person: the map's tile
// requests and the senders' posts come by the hundred a second, and the
// metrics count them, so successful requests are logged at debug level,
// client errors and 503s (not ready yet, retry) as warnings, other
// server errors as errors.
func requestLogLevel(status int) slog.Level {
	switch {
	case status >= http.StatusInternalServerError && status != http.StatusServiceUnavailable:
		return slog.LevelError
	case status >= http.StatusBadRequest:
		return slog.LevelWarn
	}
	return slog.LevelDebug
}

// methodLabel keeps the method label to the standard methods, so a
// client inventing methods cannot grow the metrics without bound.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}
