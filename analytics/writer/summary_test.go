package writer_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/event"
)

// summary is what a set of events adds up to in every table the writer
// feeds. expect works it out from the events; read asks ClickHouse.
type summary struct {
	Events  map[string]uint64     // events per community (FINAL)
	Orders  map[string]orderState // by order id
	Hourly  map[string]hourly     // orders_hourly per community
	Alarms  map[string]alarmState // by alarm id
	Raised  map[string]uint64     // alarms_hourly raised per community
	Samples uint64                // patrol_samples (FINAL)
	Patrol  patrolTotals          // patrol_hourly
}

type orderState struct {
	ID           string `ch:"order_id"`
	State        string `ch:"state"`
	Closed       bool   `ch:"closed"`
	Satisfaction uint8  `ch:"satisfaction"`
	Escalations  uint8  `ch:"escalations"`
	Title        string `ch:"title"`
	Community    string `ch:"community"`
}

type hourly struct {
	Community       string `ch:"community"`
	Opened          uint64 `ch:"opened"`
	Closed          uint64 `ch:"closed"`
	Escalated       uint64 `ch:"escalated"`
	SatisfactionSum uint64 `ch:"satisfaction_sum"`
	Rated           uint64 `ch:"rated"`
	Steps           uint64 `ch:"steps"`
}

type alarmState struct {
	ID      string `ch:"alarm_id"`
	Action  string `ch:"action"`
	Cleared bool   `ch:"cleared"`
}

type patrolTotals struct {
	Minutes       uint64 `ch:"minutes"`
	OnDutyMinutes uint64 `ch:"on_duty_minutes"`
	Workers       uint64 `ch:"workers"`
}

// expect is the summary of evs worked out without ClickHouse: every event
// once, the last state of each order and alarm, and one patrol sample per
// worker, minute and duty status.
func expect(evs []*event.Event) summary {
	s := summary{Events: map[string]uint64{}, Orders: map[string]orderState{}, Hourly: map[string]hourly{},
		Alarms: map[string]alarmState{}, Raised: map[string]uint64{}}
	type sampleKey struct {
		worker string
		minute int64
		onDuty bool
	}
	samples := map[sampleKey]bool{}
	workers := map[string]bool{}
	for _, e := range evs {
		c := e.Area.Community
		switch e.Type {
		case event.TypeOrder:
			s.Events[c]++
			o := s.Orders[e.Order.OrderID]
			o.ID, o.State, o.Community = e.Order.OrderID, string(e.Order.State), c
			o.Closed = o.Closed || e.Order.State == event.Closed
			o.Satisfaction = max(o.Satisfaction, uint8(e.Order.Satisfaction))
			o.Escalations = max(o.Escalations, uint8(e.Order.Escalations))
			if e.Order.Title != "" {
				o.Title = e.Order.Title
			}
			s.Orders[e.Order.OrderID] = o
			h := s.Hourly[c]
			h.Community = c
			h.Steps++
			switch e.Order.State {
			case event.Received:
				h.Opened++
			case event.Escalated:
				h.Escalated++
			case event.Closed:
				h.Closed++
				h.SatisfactionSum += uint64(e.Order.Satisfaction)
				h.Rated++
			}
			s.Hourly[c] = h
		case event.TypeAlarm:
			s.Events[c]++
			a := s.Alarms[e.Alarm.AlarmID]
			a.ID = e.Alarm.AlarmID
			a.Action = string(e.Alarm.Action)
			a.Cleared = a.Cleared || e.Alarm.Action == event.Clear
			s.Alarms[e.Alarm.AlarmID] = a
			if e.Alarm.Action == event.Raise {
				s.Raised[c]++
			}
		case event.TypePatrol:
			samples[sampleKey{e.Patrol.WorkerID, e.Time.Unix() / 60, e.Patrol.OnDuty}] = true
			workers[e.Patrol.WorkerID] = true
		}
	}
	s.Samples = uint64(len(samples))
	s.Patrol.Minutes = s.Samples
	for k := range samples {
		if k.onDuty {
			s.Patrol.OnDutyMinutes++
		}
	}
	s.Patrol.Workers = uint64(len(workers))
	return s
}

// read asks ClickHouse for the summary, through the same queries the
// panels will use: FINAL on the raw tables, -Merge and sum() on the folded
// and rolled-up ones.
func read(t *testing.T, eng engine.Engine) summary {
	t.Helper()
	ctx := context.Background()
	s := summary{Events: map[string]uint64{}, Orders: map[string]orderState{}, Hourly: map[string]hourly{},
		Alarms: map[string]alarmState{}, Raised: map[string]uint64{}}
	sel := func(dest any, q string) {
		t.Helper()
		if err := eng.Select(ctx, dest, q); err != nil {
			t.Fatal(err)
		}
	}

	var events []struct {
		Community string `ch:"community"`
		N         uint64 `ch:"n"`
	}
	sel(&events, "SELECT community, count() AS n FROM events FINAL GROUP BY community")
	for _, r := range events {
		s.Events[r.Community] = r.N
	}

	var orders []orderState
	sel(&orders, `SELECT order_id, argMaxMerge(state) AS state, toBool(max(closed_at) IS NOT NULL) AS closed,
		max(satisfaction) AS satisfaction, max(escalations) AS escalations,
		argMaxMerge(title) AS title, argMaxMerge(community) AS community
		FROM orders GROUP BY order_id`)
	for _, r := range orders {
		s.Orders[r.ID] = r
	}

	var hours []hourly
	sel(&hours, `SELECT community, sum(opened) AS opened, sum(closed) AS closed, sum(escalated) AS escalated,
		sum(satisfaction_sum) AS satisfaction_sum, sum(rated) AS rated, sum(steps) AS steps
		FROM orders_hourly GROUP BY community`)
	for _, r := range hours {
		s.Hourly[r.Community] = r
	}

	var alarms []alarmState
	sel(&alarms, "SELECT alarm_id, argMaxMerge(action) AS action, toBool(max(cleared_at) IS NOT NULL) AS cleared FROM alarms GROUP BY alarm_id")
	for _, r := range alarms {
		s.Alarms[r.ID] = r
	}

	var raised []struct {
		Community string `ch:"community"`
		N         uint64 `ch:"n"`
	}
	sel(&raised, "SELECT community, sum(raised) AS n FROM alarms_hourly GROUP BY community")
	for _, r := range raised {
		s.Raised[r.Community] = r.N
	}

	var samples []struct {
		N uint64 `ch:"n"`
	}
	sel(&samples, "SELECT count() AS n FROM patrol_samples FINAL")
	s.Samples = samples[0].N

	var patrol []patrolTotals
	sel(&patrol, "SELECT sum(minutes) AS minutes, sum(on_duty_minutes) AS on_duty_minutes, uniqMerge(workers) AS workers FROM patrol_hourly")
	s.Patrol = patrol[0]
	return s
}

// diff lists the differences between two summaries, field by field and key
// by key.
func diff(got, want summary) []string {
	var out []string
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i), wv.Field(i)
		if g.Kind() != reflect.Map {
			if !reflect.DeepEqual(g.Interface(), w.Interface()) {
				out = append(out, fmt.Sprintf("%s: got %+v, want %+v", name, g.Interface(), w.Interface()))
			}
			continue
		}
		keys := map[string]bool{}
		for _, k := range g.MapKeys() {
			keys[k.String()] = true
		}
		for _, k := range w.MapKeys() {
			keys[k.String()] = true
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			kv := reflect.ValueOf(k)
			gi, wi := g.MapIndex(kv), w.MapIndex(kv)
			switch {
			case !gi.IsValid():
				out = append(out, fmt.Sprintf("%s[%s]: missing, want %+v", name, k, wi.Interface()))
			case !wi.IsValid():
				out = append(out, fmt.Sprintf("%s[%s]: got %+v, want none", name, k, gi.Interface()))
			case !reflect.DeepEqual(gi.Interface(), wi.Interface()):
				out = append(out, fmt.Sprintf("%s[%s]: got %+v, want %+v", name, k, gi.Interface(), wi.Interface()))
			}
		}
	}
	return out
}
