package event

import (
	"math"
	"strings"
	"testing"
	"time"
)

func validOrder() *Event {
	return &Event{ID: "e1", Type: TypeOrder, Time: Time{testNow.Add(-time.Minute)}, Location: Position{103.92, 30.57},
		Order: &Order{OrderID: "WO1", State: Received, Channel: "hotline_12345", Category: "environment.parking", Priority: "normal"}}
}

func validPatrol() *Event {
	return &Event{ID: "e2", Type: TypePatrol, Time: Time{testNow}, Location: Position{103.92, 30.57},
		Patrol: &Patrol{WorkerID: "GW-1", Role: "grid_worker", OnDuty: true, Heading: 359.9, Speed: 1.4, Battery: 55}}
}

func validAlarm() *Event {
	return &Event{ID: "e3", Type: TypeAlarm, Time: Time{testNow}, Location: Position{103.92, 30.57},
		Alarm: &Alarm{AlarmID: "A1", DeviceID: "GS-1", DeviceType: "gas", Kind: "gas_leak", Severity: "critical", Action: Raise}}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		event  func() *Event
		mutate func(e *Event)
		field  string // "" means valid
	}{
		{"order", validOrder, func(*Event) {}, ""},
		{"patrol", validPatrol, func(*Event) {}, ""},
		{"alarm", validAlarm, func(*Event) {}, ""},
		{"later order state needs no category", validOrder, func(e *Event) { e.Order.State = Dispatched; e.Order.Category = "" }, ""},
		{"missing id", validOrder, func(e *Event) { e.ID = "" }, "id"},
		{"id with a space", validOrder, func(e *Event) { e.ID = "a b" }, "id"},
		{"id too long", validOrder, func(e *Event) { e.ID = strings.Repeat("x", 129) }, "id"},
		{"unknown type", validOrder, func(e *Event) { e.Type = "parade" }, "type"},
		{"missing type", validOrder, func(e *Event) { e.Type = "" }, "type"},
		{"missing time", validOrder, func(e *Event) { e.Time = Time{} }, "time"},
		{"far-future time", validOrder, func(e *Event) { e.Time = Time{testNow.Add(time.Hour)} }, "time"},
		{"ancient time", validOrder, func(e *Event) { e.Time = Time{testNow.AddDate(-1, 0, 0)} }, "time"},
		{"NaN longitude", validOrder, func(e *Event) { e.Location[0] = math.NaN() }, "location"},
		{"infinite latitude", validOrder, func(e *Event) { e.Location[1] = math.Inf(1) }, "location"},
		{"latitude 91.2", validOrder, func(e *Event) { e.Location[1] = 91.2 }, "location"},
		{"swapped far out of range", validOrder, func(e *Event) { e.Location = Position{30.57, 103.92} }, "location"},
		{"longitude 181", validOrder, func(e *Event) { e.Location[0] = 181 }, "location"},
		{"null island", validOrder, func(e *Event) { e.Location = Position{0, 0} }, "location"},
		{"server fields", validOrder, func(e *Event) { e.Area = &Chain{Street: "1"} }, "area"},
		{"sender claimed", validOrder, func(e *Event) { e.Sender = "user:command" }, "sender"},
		{"two payloads", validOrder, func(e *Event) { e.Patrol = validPatrol().Patrol }, "order"},
		{"missing payload", validOrder, func(e *Event) { e.Order = nil }, "order"},
		{"missing order id", validOrder, func(e *Event) { e.Order.OrderID = "" }, "order.order_id"},
		{"unknown state", validOrder, func(e *Event) { e.Order.State = "lost" }, "order.state"},
		{"received without channel", validOrder, func(e *Event) { e.Order.Channel = "" }, "order.channel"},
		{"unknown category", validOrder, func(e *Event) { e.Order.Category = "property.unicorns" }, "order.category"},
		{"unknown priority", validOrder, func(e *Event) { e.Order.Priority = "asap" }, "order.priority"},
		{"satisfaction 6", validOrder, func(e *Event) { e.Order.Satisfaction = 6 }, "order.satisfaction"},
		{"negative escalations", validOrder, func(e *Event) { e.Order.Escalations = -1 }, "order.escalations"},
		{"title too long", validOrder, func(e *Event) { e.Order.Title = strings.Repeat("长", 200) }, "order.title"},
		{"control character in title", validOrder, func(e *Event) { e.Order.Title = "a\x00b" }, "order.title"},
		{"unknown role", validPatrol, func(e *Event) { e.Patrol.Role = "mayor" }, "patrol.role"},
		{"heading 360", validPatrol, func(e *Event) { e.Patrol.Heading = 360 }, "patrol.heading"},
		{"supersonic", validPatrol, func(e *Event) { e.Patrol.Speed = 340 }, "patrol.speed"},
		{"battery 101", validPatrol, func(e *Event) { e.Patrol.Battery = 101 }, "patrol.battery"},
		{"missing worker", validPatrol, func(e *Event) { e.Patrol.WorkerID = "" }, "patrol.worker_id"},
		{"kind from another device", validAlarm, func(e *Event) { e.Alarm.Kind = "smoke" }, "alarm.kind"},
		{"unknown severity", validAlarm, func(e *Event) { e.Alarm.Severity = "apocalyptic" }, "alarm.severity"},
		{"unknown action", validAlarm, func(e *Event) { e.Alarm.Action = "snooze" }, "alarm.action"},
		{"missing device", validAlarm, func(e *Event) { e.Alarm.DeviceID = "" }, "alarm.device_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.event()
			tt.mutate(e)
			err := e.Validate(testNow, DefaultLimits)
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("valid event rejected: %v", err)
			case tt.field != "" && err == nil:
				t.Fatalf("accepted; want an error on %s", tt.field)
			case tt.field != "" && err.Field != tt.field:
				t.Fatalf("error on %q (%s), want %q", err.Field, err.Message, tt.field)
			}
		})
	}
}

func TestCataloguesAreWhole(t *testing.T) {
	property := 0
	for _, c := range Categories {
		if !Classes.Has(ClassOf(c.Code)) {
			t.Errorf("category %s has no class", c.Code)
		}
		if ClassOf(c.Code) != "city" {
			property++
		}
		if c.ZH == "" || c.EN == "" {
			t.Errorf("category %s lacks a name", c.Code)
		}
	}
	if property != 46 {
		t.Errorf("%d property-domain items, the district's catalogue has 46", property)
	}
	for _, k := range AlarmKinds {
		if d, ok := AlarmDevice[AlarmKind(k.Code)]; !ok || !DeviceTypes.Has(string(d)) {
			t.Errorf("alarm kind %s has no device type", k.Code)
		}
	}
	for _, c := range []Catalogue{States, Channels, Priorities, Categories, Roles, DeviceTypes, AlarmKinds, Severities, Actions} {
		seen := map[string]bool{}
		for _, term := range c {
			if seen[term.Code] {
				t.Errorf("code %s appears twice", term.Code)
			}
			seen[term.Code] = true
		}
	}
}
