package live

// Restore adds orders and alarms known from elsewhere than the stream (the
// analytics store keeps those whose events have left the stream's
// retention). Call it before Run, so the stream's own events come after:
// a restored view gets Seq 0, and any stream event for the same order or
// alarm supersedes it as Apply would any older event. An order or alarm
// the state already holds, open or closed, is left as it is, as are closed
// orders and cleared alarms given here. It returns how many of each it
// added, and notifies the OnChange handlers of every addition.
func (s *State) Restore(orders []*Order, alarms []*Alarm) (addedOrders, addedAlarms int) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	s.mu.Lock()
	s.changes = s.changes[:0]
	now := s.cfg.Clock()
	for _, o := range orders {
		if _, held := s.orders[o.OrderID]; held || !o.State.Open() {
			continue
		}
		v := *o // the caller's value is not the state's to share
		v.Seq = 0
		if v.Deadline != nil {
			d := *v.Deadline
			v.Deadline = &d
		}
		v.Overdue = overdue(&v, now)
		s.orders[v.OrderID] = &orderEntry{view: &v}
		s.orderIx.add(v.OrderID, v.Location, &v.Area)
		s.countOrder(&v, 1)
		s.emit(Change{Layer: Orders, Key: v.OrderID, View: &v})
		addedOrders++
	}
	for _, a := range alarms {
		if _, held := s.alarms[a.AlarmID]; held || a.Status == AlarmCleared {
			continue
		}
		v := *a
		v.Seq = 0
		s.alarms[v.AlarmID] = &alarmEntry{view: &v}
		s.alarmIx.add(v.AlarmID, v.Location, &v.Area)
		s.tally.alarms++
		s.emit(Change{Layer: Alarms, Key: v.AlarmID, View: &v})
		addedAlarms++
	}
	s.mu.Unlock()
	s.notify()
	return addedOrders, addedAlarms
}
