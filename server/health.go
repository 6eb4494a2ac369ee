package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// statusBody is the answer of the health routes when all is well.
type statusBody struct {
	Status string `json:"status"`
}

// getHealthz answers GET /healthz: the process is alive and serving.
func (s *Server) getHealthz(c echo.Context) error {
	return uncachedJSON(c, statusBody{Status: "ok"})
}

// getReadyz answers GET /readyz: 200 once the areas are indexed, the bus
// answers and the live state has caught up with the stream; 503 before.
func (s *Server) getReadyz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if _, err := s.loaded(); err != nil {
		return err
	}
	if !s.open && s.auth.Load() == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: "access control is starting"}
	}
	l, err := s.liveReady()
	if err != nil {
		return err
	}
	if err := l.Check(c.Request().Context()); err != nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: err.Error()}
	}
	return c.JSON(http.StatusOK, statusBody{Status: "ready"})
}

// uncachedJSON answers 200 with v, marked not to be cached: live answers
// change with every event.
func uncachedJSON(c echo.Context, v any) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, v)
}
