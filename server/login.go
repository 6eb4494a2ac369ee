package server

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/auth"
)

// routeLogin adds signing in, renewing a token, the demo accounts and who
// the caller is.
func (s *Server) routeLogin(e *echo.Echo, methods []string) {
	e.POST("/api/v1/login", s.postLogin)
	e.POST("/api/v1/login/renew", s.postRenew)
	e.Match(methods, "/api/v1/login/demo", s.getDemoLogins)
	e.Match(methods, "/api/v1/me", s.getMe)
}

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// loginAnswer is a token and whom it speaks for.
type loginAnswer struct {
	auth.Token
	User auth.Principal `json:"user"`
}

// postLogin answers POST /api/v1/login with a token. It takes JSON only:
// a page on another site cannot send that without the browser asking this
// server first, and tokens travel in a header, never a cookie, so no other
// site can act with a user's rights.
func (s *Server) postLogin(c echo.Context) error {
	a, err := s.authority()
	if err != nil {
		return err
	}
	if mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); err != nil || mt != echo.MIMEApplicationJSON {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: CodeInvalidField, Field: "Content-Type",
			Message: "send the user and password as application/json"}
	}
	var req loginRequest
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return invalidField("body", "want {\"user\": ..., \"password\": ...}: %v", err)
	}
	switch {
	case req.User == "":
		return invalidField("user", "user is required")
	case req.Password == "":
		return invalidField("password", "password is required")
	case len(req.User) > 64 || len(req.Password) > 72:
		// bcrypt reads 72 bytes at most; longer is a mistake or an attack.
		return invalidField("password", "user name at most 64 bytes, password at most 72")
	}
	t, p, err := a.Login(req.User, req.Password)
	switch {
	case errors.Is(err, auth.ErrTooManyAttempts):
		c.Response().Header().Set("Retry-After", "12")
		return &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited, Field: "user", Message: err.Error()}
	case errors.Is(err, auth.ErrBadCredentials):
		s.log.InfoContext(c.Request().Context(), "sign-in refused", "user", req.User, "remote", c.RealIP())
		return unauthorized(c, "password", err.Error())
	case err != nil:
		return err
	}
	s.log.InfoContext(c.Request().Context(), "signed in", "user", p.Name, "role", p.Role, "area", p.Area)
	return uncachedJSON(c, loginAnswer{Token: t, User: p})
}

// postRenew answers POST /api/v1/login/renew: a fresh token for the bearer
// of a valid one, so a wall screen stays signed in shift after shift.
func (s *Server) postRenew(c echo.Context) error {
	a, err := s.authority()
	if err != nil {
		return err
	}
	t, p, err := a.Renew(bearerToken(c.Request()))
	if err != nil {
		return unauthorized(c, "Authorization", err.Error())
	}
	return uncachedJSON(c, loginAnswer{Token: t, User: p})
}

// demoLogin is one demo account as the login page lists it.
type demoLogin struct {
	User     string    `json:"user"`
	Password string    `json:"password"`
	Role     auth.Role `json:"role"`
	Area     string    `json:"area"`
	// AreaName names the area on the button; the areas route needs a
	// token the page does not have yet.
	AreaName string `json:"area_name,omitempty"`
}

// getDemoLogins answers GET /api/v1/login/demo: whether this is a demo
// server and, if so, its accounts with their passwords, for the login
// page's one-click buttons.
func (s *Server) getDemoLogins(c echo.Context) error {
	a, err := s.authority()
	if err != nil {
		return err
	}
	out := struct {
		Demo  bool        `json:"demo"`
		Users []demoLogin `json:"users"`
	}{Users: []demoLogin{}}
	for _, u := range a.DemoUsers() {
		out.Demo = true
		out.Users = append(out.Users, demoLogin{User: u.Name, Password: u.Password, Role: u.Role, Area: u.Area, AreaName: s.areaName(u.Area)})
	}
	return uncachedJSON(c, out)
}

// getMe answers GET /api/v1/me: whom the token speaks for and until when.
func (s *Server) getMe(c echo.Context) error {
	p := principal(c)
	var exp time.Time
	if a := s.auth.Load(); a != nil && !s.open {
		_, exp, _ = a.Verify(bearerToken(c.Request()))
	}
	return uncachedJSON(c, struct {
		User    auth.Principal `json:"user"`
		Expires *time.Time     `json:"expires,omitempty"`
		CanAct  bool           `json:"can_act"`
	}{p, nonZero(exp), p.CanAct()})
}

func nonZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// authority is the access control, or 503 while it is starting. An open
// server has none, so signing in is not possible there.
func (s *Server) authority() (*auth.Authority, error) {
	if s.open {
		return nil, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "this server is open: there is nothing to sign in to"}
	}
	a := s.auth.Load()
	if a == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: "access control is starting"}
	}
	return a, nil
}

// areaName is the name of the area with code, of whatever layer, or ""
// before the areas are loaded.
func (s *Server) areaName(code string) string {
	st, err := s.loaded()
	if err != nil {
		return ""
	}
	set := st.index.Areas()
	for _, l := range area.Layers {
		if a, ok := set.Get(l, code); ok {
			return a.Name
		}
	}
	return ""
}
