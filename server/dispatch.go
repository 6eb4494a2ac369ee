package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Dispatch is the work-order dispatching the server fronts: the actions
// that move orders through their life cycle, suggestions of whom to send,
// the dispatcher's queue and the audit trail. Until the server has it,
// those routes answer 503.
type Dispatch struct {
	Service *dispatch.Service
	// Audit reads audit trails; nil answers the history route with 503.
	Audit *dispatch.Audit
}

// SetDispatch hands the server its dispatching.
func (s *Server) SetDispatch(d Dispatch) { s.dispatch.Store(&d) }

// dispatchReady is the dispatching once it is set and the live state has
// caught up with the stream, or the 503 to answer meanwhile.
func (s *Server) dispatchReady() (*Dispatch, error) {
	if _, err := s.liveReady(); err != nil {
		return nil, err
	}
	d := s.dispatch.Load()
	if d == nil || d.Service == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: "dispatching is starting"}
	}
	return d, nil
}

// CodeInvalidTransition is the error code of a step the state machine
// refuses (409).
const CodeInvalidTransition = "invalid_transition"

// routeDispatch adds the dispatching routes to e.
func (s *Server) routeDispatch(e *echo.Echo, methods []string) {
	e.Match(methods, "/api/v1/dispatch", s.getDispatchCatalogue)
	e.Match(methods, "/api/v1/orders", s.getOrderQueue)
	e.Match(methods, "/api/v1/orders/:id", s.getOrder)
	e.Match(methods, "/api/v1/orders/:id/suggestions", s.getSuggestions)
	e.Match(methods, "/api/v1/orders/:id/history", s.getOrderHistory)
	e.POST("/api/v1/orders/:id/:action", s.postOrderAction)
}

// actionTerm is an action with the state it leads to, named for screens.
type actionTerm struct {
	Action dispatch.Action `json:"action"`
	To     event.State     `json:"to"`
	ZH     string          `json:"zh"`
	EN     string          `json:"en"`
}

// getDispatchCatalogue answers GET /api/v1/dispatch: the actions and the
// states they lead to, the transitions, the deadline table, the
// departments, and when an order is flagged.
func (s *Server) getDispatchCatalogue(c echo.Context) error {
	d, err := s.dispatchReady()
	if err != nil {
		return err
	}
	actions := make([]actionTerm, 0, len(dispatch.Actions))
	for _, a := range dispatch.Actions {
		to, _ := a.Target()
		term, _ := event.States.Find(string(to))
		actions = append(actions, actionTerm{Action: a, To: to, ZH: term.ZH, EN: term.EN})
	}
	next := map[event.State][]event.State{}
	for _, t := range event.States {
		next[event.State(t.Code)] = dispatch.Next(event.State(t.Code))
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(http.StatusOK, map[string]any{
		"actions": actions, "next": next, "deadlines": d.Service.Config().Deadlines,
		"departments": dispatch.Departments, "flag_after": dispatch.FlagAfter,
		"levels": []dispatch.Level{dispatch.LevelCommunity, dispatch.LevelStreet, dispatch.LevelDistrict},
	})
}

// getOrderQueue answers GET /api/v1/orders: open orders for a dispatcher's
// queue, the earliest deadline first, of the caller's area only.
//
//	area      a street, community, compound or grid code inside the caller's area; default the caller's area
//	state     states, comma-separated; default all open states
//	overdue   true: only orders past their deadline
//	flagged   true: only orders flagged for the efficiency office
//	assignee  only orders this worker or department holds
//	limit     1..1000, default 100
func (s *Server) getOrderQueue(c echo.Context) error {
	q, err := queryParams(c, "area", "state", "overdue", "flagged", "assignee", "limit")
	if err != nil {
		return err
	}
	p := principal(c)
	qq := dispatch.QueueQuery{Area: q.Get("area"), Scope: p.Area, Assignee: q.Get("assignee")}
	if qq.Area != "" {
		if err := live.CheckAreaCode(qq.Area); err != nil {
			return invalidField("area", "%v", err)
		}
		if _, err := scopedArea(p, "area", qq.Area); err != nil {
			return err
		}
	}
	if v := q.Get("state"); v != "" {
		for _, st := range strings.Split(v, ",") {
			if !event.States.Has(st) {
				return invalidField("state", "%q is not one of %s", st, strings.Join(event.States.Codes(), ", "))
			}
			qq.States = append(qq.States, event.State(st))
		}
	}
	if qq.Overdue, err = boolParam(q, "overdue"); err != nil {
		return err
	}
	if qq.Flagged, err = boolParam(q, "flagged"); err != nil {
		return err
	}
	if qq.Limit, err = intParam(q, "limit"); err != nil {
		return err
	}
	if q.Has("limit") && (qq.Limit < 1 || qq.Limit > dispatch.MaxQueueLimit) {
		return invalidField("limit", "limit %d is outside 1..%d", qq.Limit, dispatch.MaxQueueLimit)
	}
	d, err := s.dispatchReady()
	if err != nil {
		return err
	}
	items, total := d.Service.Queue(qq)
	if items == nil {
		items = []dispatch.QueueItem{}
	}
	return uncachedJSON(c, struct {
		Total  int                  `json:"total"`
		Orders []dispatch.QueueItem `json:"orders"`
	}{total, items})
}

// getOrder answers GET /api/v1/orders/{id}: the order as the live state
// shows it, where it is routed, and the actions allowed on it. An order
// outside the caller's area is not found, as if it did not exist.
func (s *Server) getOrder(c echo.Context) error {
	id, err := orderIDParam(c)
	if err != nil {
		return err
	}
	d, err := s.dispatchReady()
	if err != nil {
		return err
	}
	info, err := d.Service.Order(principal(c).Area, id)
	if err != nil {
		return dispatchError(c, id, err)
	}
	return uncachedJSON(c, info)
}

// getSuggestions answers GET /api/v1/orders/{id}/suggestions?k=5: the
// grid workers on duty inside the caller's area best placed to take the
// order, and the departments whose remit covers it.
func (s *Server) getSuggestions(c echo.Context) error {
	id, err := orderIDParam(c)
	if err != nil {
		return err
	}
	q, err := queryParams(c, "k")
	if err != nil {
		return err
	}
	k, err := intParam(q, "k")
	if err != nil {
		return err
	}
	if !q.Has("k") {
		k = 5
	} else if k < 1 || k > dispatch.MaxSuggestions {
		return invalidField("k", "k %d is outside 1..%d", k, dispatch.MaxSuggestions)
	}
	d, err := s.dispatchReady()
	if err != nil {
		return err
	}
	sug, err := d.Service.Suggest(principal(c).Area, id, k)
	if err != nil {
		return dispatchError(c, id, err)
	}
	return uncachedJSON(c, sug)
}

// getOrderHistory answers GET /api/v1/orders/{id}/history: the audit
// trail, every step with who took it, when, and from which state to
// which, from ClickHouse (a step of the last second or so may not be
// there yet). An order outside the caller's area has no steps to show.
func (s *Server) getOrderHistory(c echo.Context) error {
	id, err := orderIDParam(c)
	if err != nil {
		return err
	}
	d, err := s.dispatchReady()
	if err != nil {
		return err
	}
	if d.Audit == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: "the analytics store is starting"}
	}
	scope := principal(c).Area
	street, live := "", false
	if o, err := d.Service.Order(scope, id); err == nil {
		street, live = o.Order.Area.Street, true
	}
	trail, err := d.Audit.Trail(c.Request().Context(), scope, id, street)
	if err != nil {
		return err
	}
	if trail == nil {
		trail = []dispatch.AuditRecord{}
	}
	// An order the live state knows may have no steps stored yet.
	if len(trail) == 0 && !live {
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Field: "id", Message: notFoundIn(scope, "no steps of order %s are stored", id)}
	}
	return uncachedJSON(c, struct {
		OrderID string                 `json:"order_id"`
		Steps   []dispatch.AuditRecord `json:"steps"`
	}{id, trail})
}

// postOrderAction answers POST /api/v1/orders/{id}/{action} with a JSON
// body ({"actor": …, "assignee": …, "deadline": …, "satisfaction": …,
// "seq": …}): the step is stored as an order event on the bus and shown
// by the live state, the WebSocket and ClickHouse. 200 with the order
// after the step (202 when stored but not yet shown), 409 naming the
// allowed next states when the order's state does not lead there, 404 for
// an order outside the caller's area, as if it did not exist.
func (s *Server) postOrderAction(c echo.Context) error {
	id, err := orderIDParam(c)
	if err != nil {
		return err
	}
	action := dispatch.Action(c.Param("action"))
	if _, ok := action.Target(); !ok {
		names := make([]string, len(dispatch.Actions))
		for i, a := range dispatch.Actions {
			names[i] = string(a)
		}
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Field: "action",
			Message: fmt.Sprintf("%q is not an action; actions: %s", action, strings.Join(names, ", "))}
	}
	req, err := actionRequest(c)
	if err != nil {
		return err
	}
	d, err := s.dispatchReady()
	if err != nil {
		return err
	}
	p := principal(c)
	req.Sender = p.Sender()
	res, err := d.Service.Do(c.Request().Context(), p.Area, id, action, req)
	if err != nil {
		return dispatchError(c, id, err)
	}
	// The stored step names both the actor the body gives (a worker, a
	// desk) and the signed-in user who sent it.
	s.log.InfoContext(c.Request().Context(), "order action", "order", id, "action", action,
		"actor", req.Actor, "user", p.Name, "role", p.Role, "applied", res.Applied)
	status := http.StatusOK
	if !res.Applied {
		status = http.StatusAccepted
	}
	return c.JSON(status, res)
}

// actionRequest reads an action's JSON body, naming the field at fault.
func actionRequest(c echo.Context) (dispatch.Request, error) {
	var req dispatch.Request
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return req, &Error{Status: http.StatusUnsupportedMediaType, Code: CodeInvalidField, Field: "Content-Type",
				Message: fmt.Sprintf("content type %q is not application/json", ct)}
		}
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return req, err // the body limit's 413, or the client went away
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return req, &Error{Status: http.StatusBadRequest, Code: "missing_field", Field: "actor",
			Message: `the body is empty: send at least {"actor": "who takes this step"}`}
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, bodyError(err)
	}
	if dec.More() {
		return req, invalidField("body", "the body holds more than one JSON value")
	}
	return req, nil
}

// bodyError names the field a JSON body's decoding failed on.
func bodyError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return invalidField(typeErr.Field, "%s must be %s, not %s", typeErr.Field, jsonKind(typeErr.Type), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return invalidField("body", "the body is not JSON: %v (at byte %d)", syntaxErr, syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json quotes the key as Go does: "\x7f", not the byte.
		quoted := strings.TrimPrefix(err.Error(), "json: unknown field ")
		name, uerr := strconv.Unquote(quoted)
		if uerr != nil {
			name = strings.Trim(quoted, `"`)
		}
		return invalidField(name, "%q is not a field of an action; fields: actor, assignee, deadline, satisfaction, seq", name)
	}
	return invalidField("body", "the body is not a JSON object: %v", err)
}

// jsonKind names what a field of type t holds, as JSON would.
func jsonKind(t reflect.Type) string {
	if t == reflect.TypeFor[event.Time]() {
		return "an RFC 3339 time such as 2026-11-21T08:30:00.000Z"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a JSON " + t.Kind().String()
}

// orderIDParam is the {id} of an order route.
func orderIDParam(c echo.Context) (string, error) {
	id, err := url.PathUnescape(c.Param("id"))
	if err != nil || id == "" || len(id) > 128 || strings.ContainsAny(id, " \t\r\n") {
		return "", invalidField("id", "%q is not an order id", c.Param("id"))
	}
	return id, nil
}

// boolParam reads an optional true/false parameter.
func boolParam(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalidField(name, "%s %q is not true or false", name, v)
	}
	return b, nil
}

// dispatchError answers the service's refusals: 404 for an unknown order,
// 409 naming the allowed next states for a refused step, 400 naming the
// request field, 503 when the bus did not store the step.
func dispatchError(c echo.Context, id string, err error) error {
	var te *dispatch.TransitionError
	var fe *event.FieldError
	switch {
	case errors.Is(err, dispatch.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Field: "id",
			Message: notFoundIn(principal(c).Area, "order %s is not open, nor closed within the last day", id)}
	case errors.As(err, &te):
		allowed := te.Allowed
		if allowed == nil {
			allowed = []event.State{}
		}
		field := te.Field
		if field == "" {
			field = "action"
		}
		return c.JSON(http.StatusConflict, struct {
			Error   errorDetail   `json:"error"`
			State   event.State   `json:"state"`
			Allowed []event.State `json:"allowed"`
		}{errorDetail{Code: CodeInvalidTransition, Field: field, Message: te.Error()}, te.From, allowed})
	case errors.As(err, &fe):
		return &Error{Status: http.StatusBadRequest, Code: fe.Code, Field: fe.Field, Message: fe.Message}
	case errors.Is(err, dispatch.ErrUnavailable):
		c.Response().Header().Set("Retry-After", "1")
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: err.Error()}
	}
	return err
}
