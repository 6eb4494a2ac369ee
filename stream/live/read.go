package live

import (
	"github.com/paulmach/orb"
)

// Snapshot returns the views q selects and the point of the state's
// history they were taken at. The views are shared: do not modify them.
func (s *State) Snapshot(q Query) Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := Snapshot{Seq: s.seq, Version: s.version}
	if q.Layers.Has(Orders) {
		s.orderIx.candidates(&q, s.allOrders, func(id string) bool {
			if v := s.orders[id].view; q.Match(v) {
				snap.Orders = append(snap.Orders, v)
			}
			return true
		})
	}
	if q.Layers.Has(Alarms) {
		s.alarmIx.candidates(&q, s.allAlarms, func(id string) bool {
			if v := s.alarms[id].view; q.Match(v) {
				snap.Alarms = append(snap.Alarms, v)
			}
			return true
		})
	}
	if q.Layers.Has(Patrols) {
		s.workerIx.candidates(&q, s.allWorkers, func(id string) bool {
			if v := s.workers[id]; q.Match(v) {
				snap.Patrols = append(snap.Patrols, v)
			}
			return true
		})
	}
	return snap
}

func (s *State) allOrders(fn func(id string) bool) {
	for id, ent := range s.orders {
		if !ent.closed && !fn(id) {
			return
		}
	}
}

func (s *State) allAlarms(fn func(id string) bool) {
	for id, ent := range s.alarms {
		if !ent.cleared && !fn(id) {
			return
		}
	}
}

func (s *State) allWorkers(fn func(id string) bool) {
	for id := range s.workers {
		if !fn(id) {
			return
		}
	}
}

// Counts are the dashboard's headline numbers for one area.
type Counts struct {
	OpenOrders    int `json:"open_orders"`
	Overdue       int `json:"overdue"`
	ActiveAlarms  int `json:"active_alarms"`
	WorkersOnDuty int `json:"workers_on_duty"` // on duty and not off-line
}

// Counts counts open orders, overdue ones, active alarms and workers on
// duty in the area with this code (see InArea), or in the whole state when
// code is empty.
func (s *State) Counts(code string) Counts {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if code == "" {
		return Counts{OpenOrders: s.tally.openOrders, Overdue: s.tally.overdue,
			ActiveAlarms: s.tally.alarms, WorkersOnDuty: s.tally.onDuty}
	}
	var c Counts
	q := Query{Layers: AllLayers, Area: code}
	s.orderIx.candidates(&q, s.allOrders, func(id string) bool {
		if v := s.orders[id].view; InArea(&v.Area, code) {
			c.OpenOrders++
			if v.Overdue {
				c.Overdue++
			}
		}
		return true
	})
	s.alarmIx.candidates(&q, s.allAlarms, func(id string) bool {
		if InArea(&s.alarms[id].view.Area, code) {
			c.ActiveAlarms++
		}
		return true
	})
	s.workerIx.candidates(&q, s.allWorkers, func(id string) bool {
		if w := s.workers[id]; InArea(&w.Area, code) && w.OnDuty && w.Status != WorkerOffline {
			c.WorkersOnDuty++
		}
		return true
	})
	return c
}

// Nearby is a worker found by NearestWorkers and its distance.
type Nearby struct {
	Worker *Worker `json:"worker"`
	Meters float64 `json:"meters"`
}

// NearestWorkers finds up to k workers nearest to p (WGS-84), nearest
// first, for dispatch: off-line workers never, workers off duty only when
// onDutyOnly is false, and only workers inside the area scope (see
// InArea; "" is everywhere), the caller's access limit.
func (s *State) NearestWorkers(p orb.Point, k int, onDutyOnly bool, scope string) []Nearby {
	s.mu.RLock()
	defer s.mu.RUnlock()
	found := s.points.Nearest(p, k, func(id string) bool {
		w := s.workers[id]
		return w != nil && w.Status != WorkerOffline && (w.OnDuty || !onDutyOnly) &&
			(scope == "" || InArea(&w.Area, scope))
	})
	out := make([]Nearby, len(found))
	for i, n := range found {
		out[i] = Nearby{Worker: s.workers[n.ID], Meters: n.Meters}
	}
	return out
}

// Worker is the latest view of the worker with this id; ok is false for
// a worker the state does not know (never reported, or forgotten after a
// long silence). The view is shared: do not modify it.
func (s *State) Worker(id string) (w *Worker, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	w = s.workers[id]
	return w, w != nil
}
