package simulate

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/seed"
)

func TestAlarmSpecsAreWhole(t *testing.T) {
	seen := map[event.AlarmKind]bool{}
	for _, s := range alarmSpecs {
		seen[s.kind] = true
		if _, ok := event.AlarmDevice[s.kind]; !ok {
			t.Errorf("%s: no device type raises it", s.kind)
		}
		if !event.Severities.Has(string(s.severity)) {
			t.Errorf("%s: unknown severity %q", s.kind, s.severity)
		}
		if s.orderOdds > 0 && (!event.Categories.Has(s.category) || !event.Priorities.Has(string(s.priority))) {
			t.Errorf("%s opens orders of unknown category %q or priority %q", s.kind, s.category, s.priority)
		}
	}
	for _, k := range event.AlarmKinds {
		if !seen[event.AlarmKind(k.Code)] {
			t.Errorf("alarm kind %s is never simulated", k.Code)
		}
	}
}

func TestDevicesAreStable(t *testing.T) {
	td := tinyDistrict(t)
	d, err := newDistrict(td.Areas)
	if err != nil {
		t.Fatal(err)
	}
	a, b := devices(d, td.Facilities, 1), devices(d, td.Facilities, 1)
	elevators := 0
	for _, f := range td.Facilities {
		if f.Kind == "elevator" {
			elevators++
		}
	}
	prefix := map[event.DeviceType]string{"elevator": "EL-", "gas": "GS-", "smoke": "SM-", "ebike": "EB-",
		"camera_height": "HC-", "fire_lane": "FL-", "water": "WL-", "gate": "GT-"}
	for _, typ := range event.DeviceTypes {
		devs := a[event.DeviceType(typ.Code)]
		if len(devs) == 0 {
			t.Errorf("no %s devices in the tiny district", typ.Code)
			continue
		}
		ids := map[string]bool{}
		for i, dev := range devs {
			if dev.id != b[dev.typ][i].id || dev.loc != b[dev.typ][i].loc {
				t.Fatalf("%s device %d differs between two builds", typ.Code, i)
			}
			if !strings.HasPrefix(dev.id, prefix[dev.typ]) || ids[dev.id] {
				t.Fatalf("device id %q: wrong prefix or repeated", dev.id)
			}
			ids[dev.id] = true
			if !dev.k.a.Contains(dev.loc) {
				t.Fatalf("device %s at %v is outside its compound %s", dev.id, dev.loc, dev.k.a.Code)
			}
		}
	}
	if got := len(a["elevator"]); got != elevators {
		t.Errorf("%d elevator devices for %d sensor-fitted elevators", got, elevators)
	}
}

func TestAlarmsRaiseAcknowledgeClear(t *testing.T) {
	const days = 365
	p := newParts(t, 13, false, true, false)
	evs := p.run(testStart.Add(days * day))
	alarms := map[string][]*event.Event{}
	var order []string // alarm ids as raised
	var sensorOrders []*event.Event
	for _, e := range evs {
		switch {
		case e.Alarm != nil:
			if alarms[e.Alarm.AlarmID] == nil {
				order = append(order, e.Alarm.AlarmID)
			}
			alarms[e.Alarm.AlarmID] = append(alarms[e.Alarm.AlarmID], e)
		case e.Order != nil && e.Order.State == event.Received:
			sensorOrders = append(sensorOrders, e)
		}
	}
	// Alarms raised in the last day may still be running.
	raised := 0
	busy := map[string]time.Time{} // device → when its last alarm cleared
	raises := map[event.Position][]time.Time{}
	for _, id := range order {
		a := alarms[id]
		if a[0].Time.Sub(testStart) > (days-1)*day {
			continue
		}
		raised++
		if len(a) != 3 || a[0].Alarm.Action != event.Raise || a[1].Alarm.Action != event.Acknowledge || a[2].Alarm.Action != event.Clear {
			t.Fatalf("alarm %s: %d events, want raise, acknowledge, clear", id, len(a))
		}
		for _, e := range a[1:] {
			if e.Alarm.DeviceID != a[0].Alarm.DeviceID || e.Alarm.Kind != a[0].Alarm.Kind || e.Location != a[0].Location {
				t.Fatalf("alarm %s changes device, kind or place", id)
			}
		}
		if ack := a[1].Time.Sub(a[0].Time.Time); ack <= 0 || ack > 30*time.Minute {
			t.Fatalf("alarm %s acknowledged after %s", id, ack)
		}
		if !a[2].Time.After(a[1].Time.Time) {
			t.Fatalf("alarm %s cleared before it was acknowledged", id)
		}
		if until, ok := busy[a[0].Alarm.DeviceID]; ok && a[0].Time.Before(until) {
			t.Fatalf("device %s raised %s while its last alarm ran", a[0].Alarm.DeviceID, id)
		}
		busy[a[0].Alarm.DeviceID] = a[2].Time.Time
		if k := a[0].Alarm.Kind; k == "trapped_person" || k == "gas_leak" {
			if a[0].Alarm.Severity != "critical" {
				t.Errorf("alarm %s (%s) is %s, want critical", id, k, a[0].Alarm.Severity)
			}
			raises[a[0].Location] = append(raises[a[0].Location], a[0].Time.Time)
		}
	}
	if want := p.alarms.perDay() * (days - 1); math.Abs(float64(raised)-want) > 0.2*want {
		t.Errorf("%d alarms in %d days, want about %.0f", raised, days-1, want)
	}
	// Every critical alarm opens a sensor-channel order at its place,
	// minutes later.
	opened := 0
	for _, o := range sensorOrders {
		if o.Order.Channel != channelSensor {
			t.Fatalf("order %s from alarms only, but its channel is %s", o.Order.OrderID, o.Order.Channel)
		}
		for _, at := range raises[o.Location] {
			if d := o.Time.Sub(at); d > 0 && d <= 3*time.Minute {
				opened++
				break
			}
		}
	}
	critical := 0
	for _, ts := range raises {
		critical += len(ts)
	}
	if critical == 0 || opened < critical {
		t.Errorf("%d critical alarms opened %d work orders, want one each", critical, opened)
	}
}

func TestShuangliuAlarmRates(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the full district")
	}
	sl, err := seed.Generate(context.Background(), seed.Shuangliu(), nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := newDistrict(sl.Areas)
	if err != nil {
		t.Fatal(err)
	}
	a := newAlarms(&schedule{}, newIDs(1, testStart), devices(d, sl.Facilities, 1), 1)
	if n := len(a.devices[0]); n != 1158 {
		t.Errorf("%d elevators with sensors, Shuangliu has 1,158", n)
	}
	if perDay := a.perDay(); perDay < 24 || perDay > 100 {
		t.Errorf("%.0f alarms a day, want a few dozen", perDay)
	}
	if orders := a.ordersPerDay(); orders <= 0 || orders > channelSpecs[len(channelSpecs)-1].share*DefaultAppealsPerDay {
		t.Errorf("alarms open %.0f orders a day, more than the sensor channel's share", orders)
	}
}
