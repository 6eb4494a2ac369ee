// Package server is the Gridpulse HTTP app (echo): routes, middleware and
// handlers that translate between HTTP and the geo, tile and frontend
// packages. It holds no business logic of its own.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/tile"
	"github.com/gridpulse/gridpulse/open311"
)

// eventsPath is where senders post events.
const eventsPath = "/api/v1/events"

// Deps are the parts the server is built from that are not configuration.
type Deps struct {
	// Frontend is the built web app served at /; nil serves no page.
	Frontend fs.FS
	// Logger receives one line per request and every server-side error.
	// Default slog.Default().
	Logger *slog.Logger
	// Registry holds the server's metrics, served at /metrics. Default a
	// fresh registry with the Go runtime and process collectors.
	Registry *prometheus.Registry
	// Open serves every request as the command centre, with no sign-in.
	// It is for tests of the other parts; a deployment hands the server
	// its access control with SetAuth instead.
	Open bool
}

// Areas are the indexed areas and their tile renderer. The server answers
// the area routes (tiles, layers, locate) once it has them; until then
// those routes and /readyz answer 503.
type Areas struct {
	Index *geo.Index
	Tiles *tile.Renderer
}

// Server is the Gridpulse HTTP server.
type Server struct {
	cfg       Config
	log       *slog.Logger
	echo      *echo.Echo
	metrics   *metrics
	static    *staticFiles
	areas     atomic.Pointer[areaState]
	live      atomic.Pointer[Live]
	liveSet   chan struct{} // closed once the live pipeline is set
	liveOnce  sync.Once
	analytics atomic.Pointer[Analytics]
	dispatch  atomic.Pointer[Dispatch]
	open311   atomic.Pointer[open311.API]
	dashboard atomic.Pointer[dashboardConfig]
	auth      atomic.Pointer[auth.Authority]
	open      bool
	wsConns   *connCounter

	bound     chan struct{} // closed once Run listens
	boundAddr string
}

// New builds the server and its routes. It starts nothing: call Run.
func New(cfg Config, deps Deps) (*Server, error) {
	cfg = cfg.withDefaults()
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	s := &Server{cfg: cfg, log: deps.Logger, metrics: newMetrics(deps.Registry), bound: make(chan struct{}), liveSet: make(chan struct{}),
		open: deps.Open, wsConns: newConnCounter(cfg.MaxWSConnsPerUser)}
	if deps.Frontend != nil {
		st, err := loadStatic(deps.Frontend)
		if err != nil {
			return nil, err
		}
		s.static = st
	}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Use(
		s.observe,
		middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: s.logPanic}),
		s.secureHeaders,
		s.authenticate,
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
			Limit:   strconv.FormatInt(cfg.MaxBodyBytes, 10) + "B",
			Skipper: func(c echo.Context) bool { return c.Path() == eventsPath },
		}),
	)
	getHead := []string{http.MethodGet, http.MethodHead}
	e.Match(getHead, "/healthz", s.getHealthz)
	e.Match(getHead, "/readyz", s.getReadyz)
	e.Match(getHead, metricsPath, echo.WrapHandler(promhttp.HandlerFor(deps.Registry, promhttp.HandlerOpts{})))
	e.Match(getHead, "/tiles/:z/:x/:y", s.getTile)
	e.Match(getHead, "/api/v1/layers", s.getLayers)
	e.Match(getHead, "/api/v1/labels", s.getLabels)
	e.Match(getHead, "/api/v1/locate", s.getLocate)
	e.Match(getHead, "/api/v1/catalogue", s.getCatalogue)
	e.Match(getHead, "/api/v1/live/counts", s.getCounts)
	s.routeLogin(e, getHead)
	s.routeAnalytics(e, getHead)
	s.routeDispatch(e, getHead)
	s.routeOpen311(e, getHead)
	s.routeDashboard(e, getHead)
	e.POST(eventsPath, s.postEvents, middleware.BodyLimit(strconv.FormatInt(cfg.MaxEventsBodyBytes, 10)+"B"))
	e.GET("/ws", s.serveWS)
	e.Match(getHead, "/*", s.getStatic)
	s.echo = e
	return s, nil
}

// SetAreas hands the server its indexed areas; from then on it is ready.
// Calling it again swaps in a new index, e.g. after an import.
func (s *Server) SetAreas(a Areas) error {
	st, err := newAreaState(a)
	if err != nil {
		return fmt.Errorf("serve areas: %w", err)
	}
	s.areas.Store(st)
	s.metrics.setAreas(a.Index.Areas())
	return nil
}

// Addr waits until Run listens and returns the address it listens on,
// which differs from the configured one when that asked for port 0.
func (s *Server) Addr(ctx context.Context) (string, error) {
	select {
	case <-s.bound:
		return s.boundAddr, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Handler is the server's HTTP handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.echo }

// Run listens on the configured address and serves until ctx is
// cancelled, then lets requests in flight finish within the shutdown
// timeout.
func (s *Server) Run(ctx context.Context) error {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	addr := ln.Addr().String()
	s.boundAddr = addr
	close(s.bound)
	s.log.Info("listening", "addr", addr, "url", "http://"+addr+"/")
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", addr, err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve on %s: %w", addr, err)
	}
	s.log.Info("stopped")
	return nil
}
