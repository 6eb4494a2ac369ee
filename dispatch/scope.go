package dispatch

import "github.com/gridpulse/gridpulse/stream/live"

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
