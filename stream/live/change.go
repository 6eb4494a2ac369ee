package live

import "github.com/gridpulse/gridpulse/event"

// Change is one change of the live state, as handed to OnChange handlers.
type Change struct {
	// Version numbers every change of the state 1, 2, 3… in the order
	// made. A snapshot taken at Version V already holds every change up to
	// V.
	Version uint64
	// Seq is the events-stream sequence of the event that made the change;
	// 0 for patrol changes and for changes made by the clock (an order
	// became overdue, a worker went stale).
	Seq uint64
	// At is the events-stream sequence the state had applied when the
	// change was made: Seq for changes made by events, and the position
	// after which a clock-made change happened otherwise.
	At    uint64
	Layer Layer
	// Key is the order, alarm or worker id.
	Key string
	// Removed says the thing left the state: an order closed, an alarm
	// cleared, a worker forgotten after ForgetAfter of silence.
	Removed bool
	// View is the new view; for a removal, the last one (a closed order,
	// a cleared alarm, an off-line worker).
	View View
	// Old is the view before the change, nil when the thing is new to the
	// state. Consumers that filter use it to tell when a thing leaves
	// their selection.
	Old View
	// Area and Location are where View is.
	Area     event.Chain
	Location event.Position
}

// OnChange registers fn to be called with every later change. Calls come
// from the goroutine applying the change, after the state's read lock is
// free (fn may query the state), one at a time and in Version order. fn
// must be quick and must not call Apply or Sweep. Register before Run so
// that no change is missed.
func (s *State) OnChange(fn func(Change)) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	s.handlers = append(s.handlers, fn)
}

// emit records a change made under s.mu; notify hands the recorded
// changes out once s.mu is released.
func (s *State) emit(c Change) {
	s.version++
	c.Version, c.At = s.version, s.seq
	pos, chain := c.View.Where()
	c.Location, c.Area = pos, *chain
	s.changes = append(s.changes, c)
}

// notify runs under applyMu, which keeps the handlers' calls in order.
func (s *State) notify() {
	for i := range s.changes {
		for _, fn := range s.handlers {
			fn(s.changes[i])
		}
	}
	clear(s.changes) // drop the views for the collector
}
