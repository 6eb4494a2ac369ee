package dispatch

import (
	"fmt"
	"strings"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Every read and step of the service takes a scope: the area code of the
// caller's access (a district, street or community; "" for everywhere).
// An order outside it is answered as if it did not exist, so a street's
// users cannot learn the ids of another street's orders.

// visible reports whether order o lies in scope, judged as the live state
// and the WebSocket judge it (live.InArea).
func visible(o *live.Order, scope string) bool {
	return scope == "" || live.InArea(&o.Area, scope)
}

// scopedOrder is the live order with this id when it lies in scope, or
// ErrNotFound.
func (s *Service) scopedOrder(id, scope string) (*live.Order, error) {
	o, ok := s.state.Order(id)
	if !ok || !visible(o, scope) {
		return nil, ErrNotFound
	}
	return o, nil
}

// scopeCheck refuses, with ErrNotFound, a step on an order outside scope.
func scopeCheck(scope string) func(*live.Order) error {
	return func(o *live.Order) error {
		if !visible(o, scope) {
			return ErrNotFound
		}
		return nil
	}
}

// checkAssignee refuses a worker the caller may not send: one the live
// state knows who neither stands in scope (as the suggestions find them)
// nor belongs to a grid of it. Departments serve the whole district (镇街吹哨、
// 部门报到), and a worker the state does not know, silent for long, is
// taken as given. The refusal reads the same whether the worker is
// elsewhere or nowhere, like an order outside scope.
func (s *Service) checkAssignee(scope, assignee string) *event.FieldError {
	if scope == "" || assignee == "" || strings.HasPrefix(assignee, DepartmentPrefix) {
		return nil
	}
	w, ok := s.state.Worker(assignee)
	if !ok || live.InArea(&w.Area, scope) || w.HomeGrid != "" && strings.HasPrefix(w.HomeGrid, scope) {
		return nil
	}
	return &event.FieldError{Field: "assignee", Code: "invalid_field",
		Message: fmt.Sprintf("worker %s is not among the workers of your area %s: send one of them or a department", assignee, scope)}
}
