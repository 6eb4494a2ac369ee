package simulate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// alarmSpec is how one kind of alarm behaves: how often a device raises
// it, when, how fast it is acknowledged and cleared, and whether it opens
// a work order.
type alarmSpec struct {
	kind     event.AlarmKind
	perYear  float64 // alarms a device raises in a year
	severity event.Severity
	curve    curve
	ack      time.Duration // median time to acknowledge
	clear    time.Duration // median time from acknowledging to clearing
	// orderOdds is the chance the alarm opens a sensor-channel work
	// order, of category and priority.
	orderOdds float64
	category  string
	priority  event.Priority
}

// alarmSpecs give a few dozen alarms a day for Shuangliu's 1,158
// elevators and its compounds: e-bikes pushed into elevators and blocked
// fire lanes are common, elevator faults a few a day, people trapped in
// an elevator or a gas leak about one a day.
var alarmSpecs = []alarmSpec{
	{"elevator_fault", 0.9, "major", usageCurve, 4 * time.Minute, 150 * time.Minute, 0.9, "facility.elevator", "high"},
	{"trapped_person", 0.25, "critical", usageCurve, time.Minute, 25 * time.Minute, 1, "facility.elevator", "urgent"},
	{"ebike_in_elevator", 3.6, "minor", eveningCurve, 40 * time.Second, 3 * time.Minute, 0, "", ""},
	{"gas_leak", 0.025, "critical", mealsCurve, 2 * time.Minute, time.Hour, 1, "safety.gas", "urgent"},
	{"smoke", 0.13, "major", mealsCurve, 3 * time.Minute, 20 * time.Minute, 0, "", ""},
	{"ebike_charging", 1.9, "major", eveningCurve, 5 * time.Minute, 40 * time.Minute, 0.5, "safety.flying_wire", "high"},
	{"thrown_object", 0.18, "major", daylightCurve, 8 * time.Minute, time.Hour, 0.8, "safety.thrown_objects", "high"},
	{"fire_lane_blocked", 6.5, "minor", eveningCurve, 8 * time.Minute, 50 * time.Minute, 0.4, "safety.fire_lane", "normal"},
	{"flooding", 0.7, "major", flatCurve, 10 * time.Minute, 3 * time.Hour, 0.8, "safety.flooding", "high"},
	{"gate_anomaly", 5.4, "info", usageCurve, 5 * time.Minute, 30 * time.Minute, 0.1, "property.security", "normal"},
}

// device is one sensor in a compound.
type device struct {
	id        string
	typ       event.DeviceType
	loc       orb.Point
	place     string // for messages: "锦城花园3栋1单元1号电梯"
	k         *compound
	busyUntil time.Time // an alarm is running until then
}

// Minimum floors for a facade camera watching for thrown objects.
const facadeCameraFloors = 7

// devices lists the district's sensors by type, each in a stable order
// with a stable id: elevators from the facilities file; gas and smoke
// detectors per building, facade cameras on taller buildings; one e-bike
// shed camera, fire-lane camera, water-level sensor or gate per compound
// that has one.
func devices(d *district, facilities []*area.Facility, seed uint64) map[event.DeviceType][]*device {
	out := map[event.DeviceType][]*device{}
	byCode := map[string]*compound{}
	for _, k := range d.compounds {
		byCode[k.a.Code] = k
	}
	fs := append([]*area.Facility(nil), facilities...)
	sort.Slice(fs, func(i, j int) bool { return fs[i].ID < fs[j].ID })
	for _, f := range fs {
		k, ok := byCode[f.Compound]
		if f.Kind != "elevator" || !ok || f.ID == "" {
			continue
		}
		out["elevator"] = append(out["elevator"], &device{id: f.ID, typ: "elevator", loc: f.Point,
			place: k.a.Name + propString(f.Props, "name"), k: k})
	}
	for _, b := range d.buildings {
		place := b.k.a.Name + b.a.Name
		if b.k.typ != typeCommercial {
			out["gas"] = append(out["gas"], &device{id: "GS-" + b.a.Code, typ: "gas", loc: b.centre, place: place, k: b.k})
		}
		out["smoke"] = append(out["smoke"], &device{id: "SM-" + b.a.Code, typ: "smoke", loc: b.centre, place: place, k: b.k})
		if b.k.typ != typeOld && b.floors >= facadeCameraFloors {
			out["camera_height"] = append(out["camera_height"], &device{id: "HC-" + b.a.Code, typ: "camera_height", loc: b.centre, place: place, k: b.k})
		}
	}
	for _, k := range d.compounds {
		at := func(prefix string, typ event.DeviceType, what string) {
			id := prefix + "-" + k.a.Code + "-01"
			p, ok := k.shape.randomPoint(newRand(seed, "device/"+id), edgeMargin)
			if !ok {
				p = orb.Point{}
			}
			out[typ] = append(out[typ], &device{id: id, typ: typ, loc: k.shape.toLonLat(p), place: k.a.Name + what, k: k})
		}
		at("EB", "ebike", "电动车棚")
		if k.controlRm || k.typ == typeCommercial {
			at("FL", "fire_lane", "消防通道")
		}
		if k.typ == typeOld {
			at("WL", "water", "低洼处")
		}
		if k.typ != typeOld {
			at("GT", "gate", "大门")
		}
	}
	return out
}

// alarms raises, acknowledges and clears the devices' alarms, and opens
// work orders for those that need people on site.
type alarms struct {
	sch     *schedule
	ids     *ids
	orders  *orders
	r       *rand.Rand
	specs   []alarmSpec
	devices [][]*device // per spec
	proc    *process
	raised  int
}

func newAlarms(sch *schedule, ids *ids, byType map[event.DeviceType][]*device, seed uint64) *alarms {
	a := &alarms{sch: sch, ids: ids, r: newRand(seed, "alarms")}
	var streams []stream
	for _, s := range alarmSpecs {
		devs := byType[event.AlarmDevice[s.kind]]
		a.specs = append(a.specs, s)
		a.devices = append(a.devices, devs)
		streams = append(streams, stream{perDay: float64(len(devs)) * s.perYear / 365, curve: s.curve})
	}
	a.proc = newProcess(streams)
	return a
}

// ordersPerDay is how many work orders a day the alarms open on average.
func (a *alarms) ordersPerDay() float64 {
	n := 0.0
	for i, s := range a.specs {
		n += float64(len(a.devices[i])) * s.perYear / 365 * s.orderOdds
	}
	return n
}

// perDay is how many alarms a day the devices raise on average.
func (a *alarms) perDay() float64 {
	n := 0.0
	for i, s := range a.specs {
		n += float64(len(a.devices[i])) * s.perYear / 365
	}
	return n
}

// start schedules the first alarm after from.
func (a *alarms) start(from time.Time) { a.scheduleNext(from) }

func (a *alarms) scheduleNext(after time.Time) {
	at, i, ok := a.proc.next(a.r, after)
	if !ok {
		return
	}
	at = at.Truncate(time.Millisecond)
	a.sch.at(at, func(at time.Time) {
		a.raise(at, i)
		a.scheduleNext(at)
	})
}

// raise picks a device free of alarms and plays one alarm of spec i on it.
func (a *alarms) raise(at time.Time, i int) {
	s, devs := a.specs[i], a.devices[i]
	var dev *device
	for range 5 {
		if d := devs[a.r.IntN(len(devs))]; !d.busyUntil.After(at) {
			dev = d
			break
		}
	}
	if dev == nil {
		return // every device tried is already alarming
	}
	a.raised++
	r := a.r
	id := a.ids.alarm(at, a.raised)
	acked := at.Add(clampDur(lognormal(r, s.ack, 0.6), 20*time.Second, 30*time.Minute)).Truncate(time.Millisecond)
	cleared := acked.Add(clampDur(lognormal(r, s.clear, 0.7), time.Minute, 24*time.Hour)).Truncate(time.Millisecond)
	dev.busyUntil = cleared
	term, _ := event.AlarmKinds.Find(string(s.kind))
	msg := dev.place + "：" + term.ZH
	for n, step := range []struct {
		at     time.Time
		action event.Action
	}{{at, event.Raise}, {acked, event.Acknowledge}, {cleared, event.Clear}} {
		a.sch.emit(&event.Event{
			ID: id + "." + string(rune('1'+n)), Type: event.TypeAlarm, Time: event.Time{Time: step.at},
			Location: event.Position(dev.loc),
			Alarm: &event.Alarm{AlarmID: id, DeviceID: dev.id, DeviceType: dev.typ, Kind: s.kind,
				Severity: s.severity, Action: step.action, Message: msg},
		})
	}
	if a.orders != nil && s.orderOdds > 0 && chance(r, s.orderOdds) {
		openAt := at.Add(uniformDur(r, 30*time.Second, 3*time.Minute)).Truncate(time.Millisecond)
		sp := orderSpec{channel: channelSensor, kind: kindOf(s.category), priority: s.priority,
			loc: dev.loc, place: dev.place, title: msg, grid: dev.k.grid, compound: dev.k}
		a.sch.at(openAt, func(at time.Time) {
			sp.at = at
			a.orders.open(sp)
		})
	}
}

// kindOf finds the appeal kind of a category.
func kindOf(category string) *appealKind {
	for i := range appealKinds {
		if appealKinds[i].category == category {
			return &appealKinds[i]
		}
	}
	panic("simulate: alarm spec names unknown category " + category)
}

// adopt takes over an active alarm that no running simulator will clear:
// one restored from the seeded history, or left raised by an earlier run.
// It is acknowledged, if it is not yet, and cleared, timed as its kind's
// are, from at (or just after its last event, if later) on, and its device
// raises nothing new meanwhile. An alarm of a kind the simulator does not
// raise is left alone.
func (a *alarms) adopt(v *live.Alarm, at time.Time, tag string) bool {
	i := slices.IndexFunc(a.specs, func(s alarmSpec) bool { return s.kind == v.Kind })
	if i < 0 {
		return false
	}
	s, r := a.specs[i], a.r
	actions := []event.Action{event.Clear}
	if v.Status == live.AlarmRaised {
		actions = []event.Action{event.Acknowledge, event.Clear}
	}
	t := maxTime(at, v.Updated.Add(time.Second))
	for n, action := range actions {
		if action == event.Acknowledge {
			t = t.Add(clampDur(lognormal(r, s.ack, 0.6), 20*time.Second, 30*time.Minute))
		} else {
			t = t.Add(clampDur(lognormal(r, s.clear, 0.7), time.Minute, 24*time.Hour))
		}
		t = t.Truncate(time.Millisecond)
		a.sch.emit(&event.Event{
			ID: fmt.Sprintf("%s.%s%d", v.AlarmID, tag, n+1), Type: event.TypeAlarm, Time: event.Time{Time: t},
			Location: v.Location,
			Alarm: &event.Alarm{AlarmID: v.AlarmID, DeviceID: v.DeviceID, DeviceType: v.DeviceType, Kind: v.Kind,
				Severity: v.Severity, Action: action, Message: v.Message},
		})
	}
	for _, d := range a.devices[i] {
		if d.id == v.DeviceID {
			d.busyUntil = maxTime(d.busyUntil, t)
		}
	}
	return true
}
