package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Error is an API error: the HTTP status and the fields of the one error
// shape every route answers with,
//
//	{"error": {"code": "invalid_field", "field": "z", "message": "zoom 25 is out of range 0..18"}}
//
// Handlers return it; the server's error handler renders it.
type Error struct {
	Status  int
	Code    string
	Field   string // the request field at fault, when there is one
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Error codes of the error shape.
const (
	CodeInvalidField     = "invalid_field"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeTooLarge         = "payload_too_large"
	CodeNotReady         = "not_ready"
	CodeInternal         = "internal"
)

// statusClientClosed is logged when the client went away before the
// answer was ready (nginx's convention); the client never sees it.
const statusClientClosed = 499

// invalidField is a 400 naming the request field at fault.
func invalidField(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidField, Field: field, Message: fmt.Sprintf(format, args...)}
}

// errorBody is the JSON form of Error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// handleError is echo's HTTPErrorHandler: it renders every error — the
// handlers' own, echo's 404/405/413 and recovered panics — in the one
// error shape, and logs server-side failures.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := s.toAPIError(err, c)
	// Answers the handlers chose (such as 503 while loading) are not failures
	// of the server; anything else that reached here is.
	var apiErr *Error
	if !errors.As(err, &apiErr) && e.Status >= http.StatusInternalServerError {
		s.log.ErrorContext(c.Request().Context(), "request failed",
			"method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	var werr error
	if c.Request().Method == http.MethodHead || e.Status == statusClientClosed {
		werr = c.NoContent(e.Status)
	} else {
		werr = c.JSON(e.Status, errorBody{Error: errorDetail{Code: e.Code, Field: e.Field, Message: e.Message}})
	}
	if werr != nil {
		s.log.DebugContext(c.Request().Context(), "writing error response", "err", werr)
	}
}

// toAPIError turns any error a handler or middleware returned into an Error.
func (s *Server) toAPIError(err error, c echo.Context) *Error {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		return &Error{Status: statusClientClosed, Code: "client_closed", Message: "the client closed the request"}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return s.fromEchoError(he, c)
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal server error"}
}

// fromEchoError renders echo's own errors — routing, body limits — with
// a message that says what was asked.
func (s *Server) fromEchoError(he *echo.HTTPError, c echo.Context) *Error {
	r := c.Request()
	switch he.Code {
	case http.StatusNotFound:
		return &Error{Status: he.Code, Code: CodeNotFound, Message: fmt.Sprintf("nothing at %s", r.URL.Path)}
	case http.StatusMethodNotAllowed:
		return &Error{Status: he.Code, Code: CodeMethodNotAllowed, Message: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)}
	case http.StatusRequestEntityTooLarge:
		limit := s.cfg.MaxBodyBytes
		if c.Path() == eventsPath { // a batch may be larger than other bodies
			limit = s.cfg.MaxEventsBodyBytes
		}
		return &Error{Status: he.Code, Code: CodeTooLarge, Field: "body", Message: fmt.Sprintf("the request body is larger than %d bytes", limit)}
	}
	msg, ok := he.Message.(string)
	if !ok || msg == "" {
		msg = http.StatusText(he.Code)
	}
	code := CodeInternal
	if he.Code < http.StatusInternalServerError {
		code = "bad_request"
	}
	return &Error{Status: he.Code, Code: code, Message: msg}
}

// logPanic is the recover middleware's logger: the panic and its stack go
// to the log, the client gets the plain 500 of handleError.
func (s *Server) logPanic(c echo.Context, err error, stack []byte) error {
	s.log.ErrorContext(c.Request().Context(), "panic in handler",
		slog.String("method", c.Request().Method),
		slog.String("path", c.Request().URL.Path),
		slog.Any("err", err),
		slog.String("stack", string(stack)))
	return err
}
