package loadtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/event"
)

// kind is an event type as the generator counts it.
type kind uint8

const (
	kindPatrol kind = iota
	kindOrder
	kindAlarm
	kinds
)

var kindNames = [kinds]string{"patrol", "order", "alarm"}

// planned is one event the model chose; a sender stamps it with the time
// it is posted and encodes it.
type planned struct {
	kind kind
	n    uint64    // the generator's event number, for the event id
	pos  orb.Point // WGS-84, rounded to 1e-7
	// removal says the event closes its order or clears its alarm: the
	// delta it causes carries no data, so its latency is found by key.
	removal bool

	ord   *order
	state event.State
	al    *alarm
	act   event.Action
	w     *worker
	head  float64 // the worker's heading and speed when planned
	speed float64
}

// order is a work order of the open pool, moving through its life cycle
// one event at a time.
type order struct {
	id       string
	pos      orb.Point
	category event.Term
	channel  event.Channel
	priority event.Priority
	step     int
	// inflight is set while an event of the order is being posted: the
	// next step waits for the answer, so the steps reach the bus in
	// order.
	inflight atomic.Bool
}

// orderSteps is the life cycle each order goes through.
var orderSteps = []event.State{event.Received, event.Dispatched, event.InProgress, event.Closed}

// alarm is a sensor alarm of the active pool.
type alarm struct {
	id, device string
	pos        orb.Point
	kind       event.Term
	devType    event.DeviceType
	severity   event.Severity
	step       int
	inflight   atomic.Bool
}

var alarmSteps = []event.Action{event.Raise, event.Acknowledge, event.Clear}

// worker is a patrol worker walking its beat.
type worker struct {
	id      string
	role    event.Role
	beat    *shape
	pos     orb.Point
	heading float64
	speed   float64
	moved   time.Time
}

// model decides what happens next: which worker reports, which order or
// alarm takes its next step. Only the producing goroutine uses it.
type model struct {
	r        *rand.Rand
	d        *district
	mix      Mix
	prefix   string // starts every order and alarm id of this run
	n        uint64
	workers  []*worker
	next     int
	orders   []*order
	alarms   []*alarm
	nOrders  int
	nAlarms  int
	maxOpen  int
	maxAlarm int
}

func newModel(cfg *Config, d *district, prefix string) *model {
	r := rand.New(rand.NewPCG(cfg.Seed, 0x10ad7e57))
	m := &model{r: r, d: d, mix: cfg.Mix.normalised(), prefix: prefix, maxOpen: cfg.OpenOrders, maxAlarm: cfg.ActiveAlarms}
	m.workers = make([]*worker, cfg.Workers)
	for i := range m.workers {
		beat, p := d.beat(r)
		// Worker ids are the same in every run, so runs against one
		// server reuse its workers instead of piling up new ones.
		m.workers[i] = &worker{
			id: fmt.Sprintf("LT-GW-%05d", i), role: pickRole(r), beat: beat, pos: p,
			heading: math.Round(r.Float64()*3599) / 10, speed: 0.8 + math.Round(r.Float64()*80)/100,
		}
	}
	return m
}

func pickRole(r *rand.Rand) event.Role {
	switch x := r.Float64(); {
	case x < 0.7:
		return "grid_worker"
	case x < 0.85:
		return "micro_grid_leader"
	default:
		return "party_member"
	}
}

// plan appends n events happening at now.
func (m *model) plan(dst []planned, n int, now time.Time) []planned {
	for range n {
		m.n++
		var p planned
		switch x := m.r.Float64(); {
		case x < m.mix.Patrol:
			p = m.patrol(now)
		case x < m.mix.Patrol+m.mix.Order:
			p = m.orderStep()
		default:
			p = m.alarmStep()
		}
		p.n = m.n
		dst = append(dst, p)
	}
	return dst
}

// patrol moves the next worker in turn along its beat: about walking pace
// since its last report, turning back at the beat's edge.
func (m *model) patrol(now time.Time) planned {
	w := m.workers[m.next]
	m.next = (m.next + 1) % len(m.workers)
	h := w.heading + m.r.NormFloat64()*20
	if !w.moved.IsZero() {
		dist := min(w.speed*now.Sub(w.moved).Seconds(), 50)
		rad := h * math.Pi / 180
		np := roundPoint(orb.Point{
			w.pos[0] + dist*math.Sin(rad)/(metresPerDegLon*math.Cos(w.pos[1]*math.Pi/180)),
			w.pos[1] + dist*math.Cos(rad)/metresPerDegLat,
		})
		if w.beat.contains(np) {
			w.pos = np
		} else {
			h += 180 + m.r.NormFloat64()*30
		}
	}
	w.heading = heading(h)
	w.moved = now
	return planned{kind: kindPatrol, pos: w.pos, w: w, head: w.heading, speed: w.speed}
}

// heading brings degrees into [0, 360) at a tenth of a degree.
func heading(h float64) float64 {
	h = math.Round(math.Mod(math.Mod(h, 360)+360, 360)*10) / 10
	if h >= 360 {
		h = 0
	}
	return h
}

// orderStep takes the next step of an open order whose last step has been
// answered, or opens a new order while the pool is below its size (or
// every open order is waiting for an answer).
func (m *model) orderStep() planned {
	if len(m.orders) >= m.maxOpen {
		for range 8 {
			i := m.r.IntN(len(m.orders))
			o := m.orders[i]
			if o.inflight.Load() {
				continue
			}
			o.step++
			o.inflight.Store(true)
			closing := o.step == len(orderSteps)-1
			if closing {
				m.orders[i] = m.orders[len(m.orders)-1]
				m.orders = m.orders[:len(m.orders)-1]
			}
			return planned{kind: kindOrder, pos: o.pos, ord: o, state: orderSteps[o.step], removal: closing}
		}
	}
	m.nOrders++
	o := &order{
		id:       m.prefix + "O" + strconv.Itoa(m.nOrders),
		pos:      m.d.incidentPoint(m.r),
		category: event.Categories[m.r.IntN(len(event.Categories))],
		channel:  event.Channel(event.Channels[m.r.IntN(len(event.Channels))].Code),
		priority: event.Priority(event.Priorities[m.r.IntN(len(event.Priorities))].Code),
	}
	o.inflight.Store(true)
	m.orders = append(m.orders, o)
	return planned{kind: kindOrder, pos: o.pos, ord: o, state: orderSteps[0]}
}

// alarmStep is orderStep for alarms: raise, acknowledge, clear.
func (m *model) alarmStep() planned {
	if len(m.alarms) >= m.maxAlarm {
		for range 8 {
			i := m.r.IntN(len(m.alarms))
			a := m.alarms[i]
			if a.inflight.Load() {
				continue
			}
			a.step++
			a.inflight.Store(true)
			clearing := a.step == len(alarmSteps)-1
			if clearing {
				m.alarms[i] = m.alarms[len(m.alarms)-1]
				m.alarms = m.alarms[:len(m.alarms)-1]
			}
			return planned{kind: kindAlarm, pos: a.pos, al: a, act: alarmSteps[a.step], removal: clearing}
		}
	}
	m.nAlarms++
	k := event.AlarmKinds[m.r.IntN(len(event.AlarmKinds))]
	a := &alarm{
		id:       m.prefix + "A" + strconv.Itoa(m.nAlarms),
		device:   m.prefix + "D" + strconv.Itoa(m.nAlarms),
		pos:      m.d.incidentPoint(m.r),
		kind:     k,
		devType:  event.AlarmDevice[event.AlarmKind(k.Code)],
		severity: event.Severity(event.Severities[m.r.IntN(len(event.Severities))].Code),
	}
	a.inflight.Store(true)
	m.alarms = append(m.alarms, a)
	return planned{kind: kindAlarm, pos: a.pos, al: a, act: alarmSteps[0]}
}

// key is the order or alarm id an event is about.
func (p *planned) key() string {
	switch p.kind {
	case kindOrder:
		return p.ord.id
	case kindAlarm:
		return p.al.id
	}
	return p.w.id
}

// answered frees the order or alarm for its next step.
func (p *planned) answered() {
	switch p.kind {
	case kindOrder:
		p.ord.inflight.Store(false)
	case kindAlarm:
		p.al.inflight.Store(false)
	}
}
