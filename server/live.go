package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/ingest"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Live is the live pipeline the server fronts: ingest behind
// POST /api/v1/events, the live state's counters, and the WebSocket hub at
// /ws. Until the server has it, those routes and /readyz answer 503.
type Live struct {
	Ingest *ingest.Ingest
	State  *live.State
	Hub    http.Handler
	// Check reports whether the bus answers; for /readyz.
	Check func(context.Context) error
}

// SetLive hands the server its live pipeline.
func (s *Server) SetLive(l Live) {
	s.live.Store(&l)
	s.liveOnce.Do(func() { close(s.liveSet) })
}

// liveReady is the live pipeline once it is set and has caught up with
// the stream, or the 503 to answer meanwhile.
func (s *Server) liveReady() (*Live, error) {
	l := s.live.Load()
	if l == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: "the event bus is starting"}
	}
	if !l.State.Ready() {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: "the live state is replaying the event stream"}
	}
	return l, nil
}

// awaitLive is liveReady, waiting up to wait (or until ctx ends) for a
// pipeline that is starting: for the server to be handed it, then for its
// state to catch up with the stream.
func (s *Server) awaitLive(ctx context.Context, wait time.Duration) (*Live, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	select {
	case <-s.liveSet:
		_ = s.live.Load().State.WaitReady(ctx) // on timeout, liveReady says why
	case <-ctx.Done():
	}
	return s.liveReady()
}

// ingestContentTypes are the media types POST /api/v1/events reads.
var ingestContentTypes = map[string]bool{"application/json": true, "application/x-ndjson": true, "application/jsonl": true}

// postEvents answers POST /api/v1/events: a JSON array or NDJSON of events,
// each answered on its own. 200 when any event was stored, 400 when every
// one was rejected (the first rejection names the item and field), 503
// when the bus stored none of the valid ones.
func (s *Server) postEvents(c echo.Context) error {
	l, err := s.liveReady()
	if err != nil {
		return err
	}
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, perr := mime.ParseMediaType(ct)
		if perr != nil || !ingestContentTypes[mt] {
			return &Error{Status: http.StatusUnsupportedMediaType, Code: CodeInvalidField, Field: "Content-Type",
				Message: fmt.Sprintf("content type %q is not application/json or application/x-ndjson", ct)}
		}
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err // the body limit's 413, or the client went away
	}
	resp, err := l.Ingest.SubmitAdmitted(c.Request().Context(), principal(c).Sender(), body, func(n int) error { return chargeIntegrator(c, n) })
	var batchErr *event.BatchError
	if errors.As(err, &batchErr) {
		return invalidField(batchErr.Field, "%s", batchErr.Message)
	}
	if err != nil {
		return err
	}
	status := resp.HTTPStatus()
	if status == http.StatusOK {
		return c.JSON(status, resp)
	}
	first := resp.FirstError()
	detail := errorDetail{Code: "unavailable", Message: "the event bus stored nothing; retry with the same ids"}
	if status == http.StatusBadRequest && first != nil {
		detail = errorDetail{Code: first.Code, Field: first.Field, Message: first.Message}
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "1")
	}
	return c.JSON(status, struct {
		Error errorDetail `json:"error"`
		*ingest.Response
	}{detail, resp})
}

// getCounts answers GET /api/v1/live/counts?area=CODE: the headline
// numbers (open and overdue orders, active alarms, workers on duty) for
// the caller's area (by default) or one of the areas inside it.
func (s *Server) getCounts(c echo.Context) error {
	l, err := s.liveReady()
	if err != nil {
		return err
	}
	code := c.QueryParam("area")
	if code != "" {
		if err := live.CheckAreaCode(code); err != nil {
			return invalidField("area", "%v", err)
		}
	}
	code, err = scopedArea(principal(c), "area", code)
	if err != nil {
		return err
	}
	return uncachedJSON(c, struct {
		Area string     `json:"area,omitempty"`
		At   event.Time `json:"at"`
		live.Counts
	}{code, event.Time{Time: time.Now()}, l.State.Counts(code)})
}

// getCatalogue answers GET /api/v1/catalogue: every code an event may
// carry, with its Chinese and English names.
func (s *Server) getCatalogue(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(http.StatusOK, map[string]event.Catalogue{
		"states": event.States, "channels": event.Channels, "priorities": event.Priorities,
		"categories": event.Categories, "classes": event.Classes, "roles": event.Roles,
		"device_types": event.DeviceTypes, "alarm_kinds": event.AlarmKinds,
		"severities": event.Severities, "alarm_actions": event.Actions,
	})
}

// serveWS hands /ws to the hub once the live pipeline is ready, within the
// user's share of connections. The hub cuts what the connection sees to
// the principal's area (see WSScope).
func (s *Server) serveWS(c echo.Context) error {
	l, err := s.awaitLive(c.Request().Context(), s.cfg.WSReadyWait)
	if err != nil {
		return err
	}
	p := principal(c)
	if !s.wsConns.take(p.Name) {
		return &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited, Field: "user",
			Message: fmt.Sprintf("user %s already has %d live connections open", p.Name, s.cfg.MaxWSConnsPerUser)}
	}
	defer s.wsConns.give(p.Name)
	l.Hub.ServeHTTP(c.Response(), c.Request())
	return nil
}
