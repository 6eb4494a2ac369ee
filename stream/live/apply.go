package live

import (
	"slices"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// Apply applies one bus message and notifies the OnChange handlers of the
// changes it made, if any. It is idempotent and safe against disorder: an
// order or alarm takes a message only when its stream sequence is higher
// than the one its view reflects and its event id has not been applied
// before; a worker takes a position only when it is newer, by event time,
// than the one held.
func (s *State) Apply(m bus.Message) {
	if m.Event == nil {
		return
	}
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	s.mu.Lock()
	s.changes = s.changes[:0]
	now := s.cfg.Clock()
	if m.Stream == bus.EventsStream && m.Seq > s.seq {
		s.seq = m.Seq
	}
	e := m.Event
	switch {
	case e.Order != nil && m.Stream == bus.EventsStream:
		s.applyOrder(m.Seq, e, now)
	case e.Alarm != nil && m.Stream == bus.EventsStream:
		s.applyAlarm(m.Seq, e)
	case e.Patrol != nil:
		s.applyPatrol(e, now)
	}
	s.mu.Unlock()
	if m.Stream == bus.EventsStream {
		s.appliedEvents.Inc()
	} else {
		s.appliedPatrol.Inc()
	}
	s.notify()
}

func (s *State) applyOrder(seq uint64, e *event.Event, now time.Time) {
	o := e.Order
	ent := s.orders[o.OrderID]
	if ent != nil && (slices.Contains(ent.events, e.ID) || seq <= ent.view.Seq) {
		return
	}
	var v *Order
	if ent == nil {
		v = &Order{OrderID: o.OrderID, Opened: e.Time}
	} else {
		c := *ent.view
		v = &c
	}
	v.State, v.Updated, v.Seq = o.State, e.Time, seq
	v.Location = e.Location
	if e.Area != nil {
		v.Area = *e.Area
	}
	// Later steps of the life cycle often carry only what changed.
	if o.Channel != "" {
		v.Channel = o.Channel
	}
	if o.Category != "" {
		v.Category = o.Category
	}
	if o.Priority != "" {
		v.Priority = o.Priority
	}
	if o.Title != "" {
		v.Title = o.Title
	}
	if o.Deadline != nil {
		d := *o.Deadline
		v.Deadline = &d
	}
	if o.Assignee != "" {
		v.Assignee = o.Assignee
	}
	if o.Escalations > v.Escalations {
		v.Escalations = o.Escalations
	}
	v.Overdue = overdue(v, now)

	if ent == nil {
		ent = &orderEntry{}
		s.orders[o.OrderID] = ent
	}
	ent.events = append(ent.events, e.ID)
	old, wasOpen := ent.view, ent.view != nil && !ent.closed
	ent.view = v
	closing := o.State == event.Closed
	ent.closed, ent.closedAt = closing, e.Time.Time

	switch {
	case closing && wasOpen:
		s.orderIx.remove(v.OrderID, old.Location, &old.Area)
		s.countOrder(old, -1)
		s.emit(Change{Seq: seq, Layer: Orders, Key: v.OrderID, Removed: true, View: v, Old: old})
	case closing:
		// Closed before the state saw it open (or a repeat of the close):
		// remembered, nothing to show.
	case wasOpen:
		s.orderIx.move(v.OrderID, old.Location, &old.Area, v.Location, &v.Area)
		s.countOrder(old, -1)
		s.countOrder(v, 1)
		s.emit(Change{Seq: seq, Layer: Orders, Key: v.OrderID, View: v, Old: old})
	default:
		// New, or reopened after closing: clients hold nothing for it.
		s.orderIx.add(v.OrderID, v.Location, &v.Area)
		s.countOrder(v, 1)
		s.emit(Change{Seq: seq, Layer: Orders, Key: v.OrderID, View: v})
	}
}

func overdue(o *Order, now time.Time) bool {
	return o.State.Open() && o.Deadline != nil && now.After(o.Deadline.Time)
}

func (s *State) countOrder(o *Order, d int) {
	s.tally.openOrders += d
	if o.Overdue {
		s.tally.overdue += d
	}
}

func (s *State) applyAlarm(seq uint64, e *event.Event) {
	a := e.Alarm
	ent := s.alarms[a.AlarmID]
	if ent != nil && (slices.Contains(ent.events, e.ID) || seq <= ent.view.Seq) {
		return
	}
	var v *Alarm
	if ent == nil {
		v = &Alarm{AlarmID: a.AlarmID, Raised: e.Time}
	} else {
		c := *ent.view
		v = &c
	}
	v.DeviceID, v.DeviceType, v.Kind, v.Severity = a.DeviceID, a.DeviceType, a.Kind, a.Severity
	v.Updated, v.Seq, v.Location = e.Time, seq, e.Location
	if e.Area != nil {
		v.Area = *e.Area
	}
	if a.Message != "" {
		v.Message = a.Message
	}
	switch a.Action {
	case event.Raise:
		v.Status = AlarmRaised
		if ent == nil || ent.cleared {
			v.Raised = e.Time
		}
	case event.Acknowledge:
		v.Status = AlarmAcknowledged
	case event.Clear:
		v.Status = AlarmCleared
	}

	if ent == nil {
		ent = &alarmEntry{}
		s.alarms[a.AlarmID] = ent
	}
	ent.events = append(ent.events, e.ID)
	old, wasActive := ent.view, ent.view != nil && !ent.cleared
	ent.view = v
	clearing := a.Action == event.Clear
	ent.cleared, ent.clearedAt = clearing, e.Time.Time

	switch {
	case clearing && wasActive:
		s.alarmIx.remove(v.AlarmID, old.Location, &old.Area)
		s.tally.alarms--
		s.emit(Change{Seq: seq, Layer: Alarms, Key: v.AlarmID, Removed: true, View: v, Old: old})
	case clearing:
	case wasActive:
		s.alarmIx.move(v.AlarmID, old.Location, &old.Area, v.Location, &v.Area)
		s.emit(Change{Seq: seq, Layer: Alarms, Key: v.AlarmID, View: v, Old: old})
	default:
		s.alarmIx.add(v.AlarmID, v.Location, &v.Area)
		s.tally.alarms++
		s.emit(Change{Seq: seq, Layer: Alarms, Key: v.AlarmID, View: v})
	}
}

func (s *State) applyPatrol(e *event.Event, now time.Time) {
	p := e.Patrol
	old := s.workers[p.WorkerID]
	if old != nil && !e.Time.After(old.Updated.Time) {
		return
	}
	status := s.status(now, e.Time.Time)
	if status == "" {
		// Older than ForgetAfter: a worker the state would forget at once.
		return
	}
	v := &Worker{
		WorkerID: p.WorkerID, Name: p.Name, Role: p.Role, OnDuty: p.OnDuty,
		Heading: p.Heading, Speed: p.Speed, Battery: p.Battery, HomeGrid: p.Grid,
		Location: e.Location, Updated: e.Time, Status: status,
	}
	if e.Area != nil {
		v.Area = *e.Area
	}
	s.workers[p.WorkerID] = v
	// Positions were validated by ingest; an error here cannot happen.
	_ = s.points.Upsert(p.WorkerID, point(v.Location))
	if old != nil {
		s.workerIx.move(v.WorkerID, old.Location, &old.Area, v.Location, &v.Area)
		s.countWorker(old, -1)
	} else {
		s.workerIx.add(v.WorkerID, v.Location, &v.Area)
	}
	s.countWorker(v, 1)
	s.emit(Change{Layer: Patrols, Key: v.WorkerID, View: v, Old: viewOrNil(old)})
}

// status is a worker's status after the silence since its report, or ""
// when the silence is past ForgetAfter.
func (s *State) status(now, reported time.Time) WorkerStatus {
	silence := now.Sub(reported)
	switch {
	case silence > s.cfg.ForgetAfter:
		return ""
	case silence > s.cfg.OfflineAfter:
		return WorkerOffline
	case silence > s.cfg.StaleAfter:
		return WorkerStale
	}
	return WorkerActive
}

func (s *State) countWorker(w *Worker, d int) {
	s.tally.workers[w.Status] += d
	if w.OnDuty && w.Status != WorkerOffline {
		s.tally.onDuty += d
	}
}

// viewOrNil keeps a nil *Worker from becoming a non-nil View.
func viewOrNil(w *Worker) View {
	if w == nil {
		return nil
	}
	return w
}
