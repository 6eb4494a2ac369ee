package live

import (
	"slices"
	"time"
)

// Sweep re-evaluates what depends on the clock alone: it marks orders
// whose deadline has passed as overdue, moves silent workers to stale and
// off-line and forgets them after ForgetAfter, and drops closed orders and
// cleared alarms kept longer than KeepClosed or beyond MaxKeptClosed.
// Each change is notified like one made by an event (with Seq 0). Run
// calls it every SweepInterval; callers driving the state with their own
// clock call it themselves.
func (s *State) Sweep() {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	s.mu.Lock()
	s.changes = s.changes[:0]
	now := s.cfg.Clock()
	for id, ent := range s.orders {
		if ent.closed {
			if now.Sub(ent.closedAt) > s.cfg.KeepClosed {
				delete(s.orders, id)
			}
			continue
		}
		if old := ent.view; !old.Overdue && overdue(old, now) {
			v := *old
			v.Overdue = true
			ent.view = &v
			s.countOrder(old, -1)
			s.countOrder(&v, 1)
			s.emit(Change{Layer: Orders, Key: id, View: &v, Old: old})
		}
	}
	for id, ent := range s.alarms {
		if ent.cleared && now.Sub(ent.clearedAt) > s.cfg.KeepClosed {
			delete(s.alarms, id)
		}
	}
	forgetOldest(s.orders, len(s.orders)-s.tally.openOrders, s.cfg.MaxKeptClosed,
		func(e *orderEntry) (time.Time, bool) { return e.closedAt, e.closed })
	forgetOldest(s.alarms, len(s.alarms)-s.tally.alarms, s.cfg.MaxKeptClosed,
		func(e *alarmEntry) (time.Time, bool) { return e.clearedAt, e.cleared })
	for id, old := range s.workers {
		status := s.status(now, old.Updated.Time)
		if status == old.Status {
			continue
		}
		v := *old
		s.countWorker(old, -1)
		if status == "" {
			delete(s.workers, id)
			s.points.Remove(id)
			s.workerIx.remove(id, old.Location, &old.Area)
			v.Status = WorkerOffline
			s.emit(Change{Layer: Patrols, Key: id, Removed: true, View: &v, Old: old})
			continue
		}
		v.Status = status
		s.workers[id] = &v
		s.countWorker(&v, 1)
		s.emit(Change{Layer: Patrols, Key: id, View: &v, Old: old})
	}
	s.mu.Unlock()
	s.notify()
}

// forgetOldest drops the closed entries of m closed longest ago once more
// than max of them are kept, down to nine tenths of max: the walk and sort
// (some 10 ms for 20,000 entries, with ingest waiting on the lock) then
// come once per tenth of max closures, not at every sweep. kept, their
// count by the state's tally, spares the walk while within the bound.
func forgetOldest[E any](m map[string]E, kept, max int, closed func(E) (time.Time, bool)) {
	if kept <= max {
		return
	}
	keep := max - max/10
	type aged struct {
		id string
		at time.Time
	}
	all := make([]aged, 0, kept)
	for id, e := range m {
		if at, ok := closed(e); ok {
			all = append(all, aged{id, at})
		}
	}
	if len(all) <= max {
		return
	}
	slices.SortFunc(all, func(a, b aged) int { return a.at.Compare(b.at) })
	for _, a := range all[:len(all)-keep] {
		delete(m, a.id)
	}
}
