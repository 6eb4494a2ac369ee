package live

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// t0 is the fixtures' "now".
var t0 = time.Date(2026, 5, 12, 9, 30, 0, 0, time.UTC)

// clock is a settable clock for the state's Config.Clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Two streets of district 510116, two communities in the first.
var (
	chainA = event.Chain{Street: "510116001", Community: "510116001001", GeneralGrid: "510116001001001",
		MicroGrid: "510116001001001002", Compound: "5101160010010003", Building: "5101160010010003004"}
	chainB = event.Chain{Street: "510116001", Community: "510116001002", GeneralGrid: "510116001002001"}
	chainC = event.Chain{Street: "510116002", Community: "510116002001", GeneralGrid: "510116002001001",
		DedicatedGrid: "510116002001501"}
	posA = event.Position{103.920, 30.570}
	posB = event.Position{103.930, 30.575}
	posC = event.Position{103.960, 30.590}
)

func at(d time.Duration) event.Time { return event.Time{Time: t0.Add(d)} }

// orderMsg is an events-stream message moving an order into a state.
func orderMsg(seq uint64, id, orderID string, st event.State, t time.Duration, pos event.Position, c event.Chain, mut ...func(*event.Order)) bus.Message {
	o := &event.Order{OrderID: orderID, State: st}
	if st == event.Received {
		o.Channel, o.Category, o.Priority, o.Title = "hotline_12345", "environment.parking", "normal", "车辆占道"
	}
	for _, m := range mut {
		m(o)
	}
	c2 := c
	return bus.Message{Stream: bus.EventsStream, Seq: seq, Event: &event.Event{
		ID: id, Type: event.TypeOrder, Time: at(t), Location: pos, Area: &c2, Order: o}}
}

func alarmMsg(seq uint64, id, alarmID string, act event.Action, t time.Duration, pos event.Position, c event.Chain) bus.Message {
	c2 := c
	return bus.Message{Stream: bus.EventsStream, Seq: seq, Event: &event.Event{
		ID: id, Type: event.TypeAlarm, Time: at(t), Location: pos, Area: &c2,
		Alarm: &event.Alarm{AlarmID: alarmID, DeviceID: "dev-" + alarmID, DeviceType: "elevator",
			Kind: "trapped_person", Severity: "critical", Action: act}}}
}

func patrolMsg(seq uint64, id, worker string, t time.Duration, pos event.Position, c event.Chain, onDuty bool) bus.Message {
	c2 := c
	return bus.Message{Stream: bus.PatrolStream, Seq: seq, Event: &event.Event{
		ID: id, Type: event.TypePatrol, Time: at(t), Location: pos, Area: &c2,
		Patrol: &event.Patrol{WorkerID: worker, Role: "grid_worker", OnDuty: onDuty, Heading: 90, Speed: 1.2}}}
}

// recorder keeps every change the state notifies.
type recorder struct {
	mu      sync.Mutex
	changes []Change
}

func record(s *State) *recorder {
	r := &recorder{}
	s.OnChange(func(c Change) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.changes = append(r.changes, c)
	})
	return r
}

// summary is the changes as "layer/key[-]@seq" strings, "-" for removals.
func (r *recorder) summary() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.changes {
		s := fmt.Sprintf("%s/%s", c.Layer, c.Key)
		if c.Removed {
			s += "-"
		}
		out = append(out, fmt.Sprintf("%s@%d", s, c.Seq))
	}
	return out
}

// ids lists a snapshot's keys per layer, sorted.
func ids(snap Snapshot) string {
	var o, a, w []string
	for _, v := range snap.Orders {
		o = append(o, v.OrderID+":"+string(v.State))
	}
	for _, v := range snap.Alarms {
		a = append(a, v.AlarmID+":"+string(v.Status))
	}
	for _, v := range snap.Patrols {
		w = append(w, v.WorkerID+":"+string(v.Status))
	}
	sort.Strings(o)
	sort.Strings(a)
	sort.Strings(w)
	return fmt.Sprintf("orders%v alarms%v patrols%v", o, a, w)
}

func newState(t *testing.T, c *clock) *State {
	t.Helper()
	return New(Config{Clock: c.Now})
}
