package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/open311"
)

// Error codes of access control.
const (
	CodeUnauthorized = "unauthorized"
	CodeForbidden    = "forbidden"
	CodeRateLimited  = "rate_limited"
)

// wsBearerPrefix marks the token a browser offers as a second WebSocket
// subprotocol, beside hub.Protocol, since it cannot set headers on a
// WebSocket.
const wsBearerPrefix = "gridpulse.bearer."

// access is who may call a route.
type access int

const (
	accessUser       access = iota // any signed-in user, answers cut to their area
	accessPublic                   // anyone: health, the page, the login
	accessIntegrator               // a source of events, by key
	accessActor                    // a user who may move orders (command, dispatcher)
	accessMetrics                  // a scraper by key, or a user who sees the whole district
)

// metricsPath is where the server's metrics are read.
const metricsPath = "/metrics"

// publicRoutes hold nothing about residents or the district's state:
// health, the page itself, signing in, and catalogues of codes.
var publicRoutes = map[string]bool{
	"/healthz": true, "/readyz": true, "/*": true,
	"/api/v1/login": true, "/api/v1/login/demo": true, "/api/v1/login/renew": true,
	"/api/v1/config": true, "/api/v1/catalogue": true, "/api/v1/dispatch": true,
	open311Base + "/services.:format": true, open311Base + "/services/:file": true,
}

// routeAccess is who may call the route c matched. Anything not listed
// needs a signed-in user, so a new route is closed until said otherwise.
func routeAccess(c echo.Context) access {
	path, method := c.Path(), c.Request().Method
	switch {
	case publicRoutes[path] || path == "":
		return accessPublic
	case method == http.MethodPost && (path == eventsPath || path == open311Base+"/requests.:format"):
		return accessIntegrator
	case method == http.MethodPost && path == "/api/v1/orders/:id/:action":
		return accessActor
	case path == metricsPath:
		// The district's totals: open orders, alarms, connections, lag.
		return accessMetrics
	}
	return accessUser
}

// SetAuth hands the server its access control. Until it has it, every
// route but the public ones answers 503, unless the server is open.
func (s *Server) SetAuth(a *auth.Authority) { s.auth.Store(a) }

// authenticate puts the request's principal in its context, or refuses
// the request: 401 without a valid token or key, 403 for a role that may
// not call the route, 429 for an integrator over its rate.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		acc := routeAccess(c)
		if acc == accessPublic {
			return next(c)
		}
		if s.open {
			setPrincipal(c, auth.Principal{Name: "open", Role: auth.RoleCommand})
			return next(c)
		}
		err := s.admit(c, acc)
		if err == nil {
			return next(c)
		}
		if strings.HasPrefix(c.Path(), open311Base) {
			return open311Refusal(c, err)
		}
		return err
	}
}

// admit checks the request's credentials for access acc and, when they
// pass, puts the principal in its context.
func (s *Server) admit(c echo.Context, acc access) error {
	a := s.auth.Load()
	if a == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: "access control is starting"}
	}
	if acc == accessIntegrator {
		k, err := a.Integrator(integratorKey(c))
		if err != nil {
			return unauthorized(c, "Authorization", "a known integrator key is needed: Authorization: Bearer <key> (Open311 also takes api_key)")
		}
		setPrincipal(c, k.Principal)
		c.Set(keyHolderKey, k)
		return nil
	}
	if acc == accessMetrics {
		return admitMetrics(c, a)
	}
	p, exp, err := a.Verify(bearerToken(c.Request()))
	if err != nil {
		return unauthorized(c, "Authorization", "sign in first: "+err.Error())
	}
	if acc == accessActor && !p.CanAct() {
		return &Error{Status: http.StatusForbidden, Code: CodeForbidden, Field: "role",
			Message: fmt.Sprintf("a %s user may watch orders but not act on them", p.Role)}
	}
	setPrincipal(c, p)
	c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), expiryKey{}, exp)))
	return nil
}

// admitMetrics lets a scraper's key or the token of a user whose area is
// the whole district read the metrics.
func admitMetrics(c echo.Context, a *auth.Authority) error {
	credential := bearerToken(c.Request())
	if _, err := a.Scraper(credential); err == nil {
		return nil
	}
	p, _, err := a.Verify(credential)
	if err != nil {
		return unauthorized(c, "Authorization", "a scraper's key or a district user's token is needed: Authorization: Bearer <key>")
	}
	if len(p.Area) > area.CodeLen(area.District) {
		return &Error{Status: http.StatusForbidden, Code: CodeForbidden, Field: "area",
			Message: fmt.Sprintf("the metrics are the whole district's; a user of area %s may not read them", p.Area)}
	}
	setPrincipal(c, p)
	return nil
}

// expiryKey holds, in a request's context, when its token expires.
type expiryKey struct{}

// WSUntil is the hub's end of a connection the server admitted: its
// token's expiry, after which the page reconnects with a renewed token.
func WSUntil(r *http.Request) time.Time {
	exp, _ := r.Context().Value(expiryKey{}).(time.Time)
	return exp
}

// keyHolderKey is where admit leaves an integrator's key holder, whose
// rate limit the route charges once it knows how many events it got.
const keyHolderKey = "gridpulse.keyholder"

// chargeIntegrator spends n events of the calling integrator's rate, or
// answers 429 with when to retry. An open server charges nothing.
func chargeIntegrator(c echo.Context, n int) error {
	k, ok := c.Get(keyHolderKey).(*auth.KeyHolder)
	if !ok {
		return nil
	}
	now := time.Now()
	if n > k.Limiter.Burst() {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge, Field: "events",
			Message: fmt.Sprintf("%d events is more than the %d this key may post at once", n, k.Limiter.Burst())}
	}
	r := k.Limiter.ReserveN(now, n)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		c.Response().Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(d.Seconds()))))
		return &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited, Field: "Authorization",
			Message: fmt.Sprintf("key %s is over its rate of %.0f events a second; retry in %s", k.Principal.Name, float64(k.Limiter.Limit()), d.Round(time.Millisecond))}
	}
	return nil
}

func setPrincipal(c echo.Context, p auth.Principal) {
	c.SetRequest(c.Request().WithContext(auth.WithPrincipal(c.Request().Context(), p)))
}

// principal is the request's principal; authenticate has put it there for
// every route that is not public.
func principal(c echo.Context) auth.Principal {
	p, _ := auth.FromContext(c.Request().Context())
	return p
}

func unauthorized(c echo.Context, field, msg string) *Error {
	c.Response().Header().Set("WWW-Authenticate", `Bearer realm="gridpulse"`)
	return &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Field: field, Message: msg}
}

// bearerToken is the token of the Authorization header or, on a WebSocket
// upgrade, of the offered subprotocols.
func bearerToken(r *http.Request) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(t)
	}
	for _, p := range websocketProtocols(r) {
		if t, ok := strings.CutPrefix(p, wsBearerPrefix); ok {
			return t
		}
	}
	return ""
}

func websocketProtocols(r *http.Request) []string {
	var out []string
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(h, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// integratorKey is the key of an Authorization: Bearer header, or Open311's
// api_key parameter.
func integratorKey(c echo.Context) string {
	if t := bearerToken(c.Request()); t != "" {
		return t
	}
	return c.FormValue("api_key")
}

// open311Refusal answers an access refusal in Open311's error shape.
func open311Refusal(c echo.Context, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	_, f, ok := open311.SplitFormat("resource." + c.Param("format"))
	if !ok {
		f = open311.JSON
	}
	if e.Status == http.StatusUnauthorized {
		e.Message = "api_key: " + e.Message
	}
	return writeOpen311(c, f, &open311.Error{Code: e.Status, Description: e.Message})
}

// WSScope is the hub's scope for a connection the server admitted: the
// area of the principal authenticate put in the request.
func WSScope(r *http.Request) (string, error) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		return "", errors.New("the connection has no signed-in user")
	}
	return p.Area, nil
}
