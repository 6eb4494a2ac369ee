package live

// Order is the view of the order with this id: an open order, or a closed
// one the state still remembers (for KeepClosed after its closing event),
// whose State is event.Closed. ok is false for an order the state does not
// know. Dispatching reads it to check a transition against the order's
// current state. The view is shared: do not modify it.
func (s *State) Order(id string) (o *Order, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ent := s.orders[id]
	if ent == nil {
		return nil, false
	}
	return ent.view, true
}
