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
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, statusBody{Status: "ok"})
}

// getReadyz answers GET /readyz: 200 once the areas are loaded and
// indexed, 503 before.
func (s *Server) getReadyz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if _, err := s.loaded(); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, statusBody{Status: "ready"})
}
