// Package event is the shape of everything that happens in a district:
// work-order life-cycle steps, patrol positions and sensor alarms. Senders
// post events, the bus carries them, the live state, the WebSocket hub and
// the analytics writer consume them. It is a leaf package: types,
// catalogues and validation, no I/O.
package event

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Type tells which payload an event carries.
type Type string

// The event types.
const (
	TypeOrder  Type = "order"  // a work order entered a life-cycle state
	TypePatrol Type = "patrol" // a grid worker's position
	TypeAlarm  Type = "alarm"  // a sensor alarm was raised, acknowledged or cleared
)

// Event is one thing that happened at one place and time. Exactly one of
// Order, Patrol and Alarm is set, matching Type.
type Event struct {
	// ID is the sender's unique id for this event; a repeat of an id is a
	// duplicate and is stored once.
	ID   string `json:"id"`
	Type Type   `json:"type"`
	// Time is when it happened (RFC 3339, UTC, milliseconds on output).
	Time Time `json:"time"`
	// Location is [lon, lat]; in CRS when the sender names one, and always
	// WGS-84 once ingested.
	Location Position `json:"location"`
	CRS      string   `json:"crs,omitempty"`

	Order  *Order  `json:"order,omitempty"`
	Patrol *Patrol `json:"patrol,omitempty"`
	Alarm  *Alarm  `json:"alarm,omitempty"`

	// Set by ingest, never by senders.
	Area     *Chain `json:"area,omitempty"`    // the areas holding Location
	Received Time   `json:"received,omitzero"` // when ingest accepted it
	// Sender is who handed the event in, as the server knows them: the
	// integrator whose key posted it ("integrator:hotline"), the
	// signed-in user whose action made it ("user:dispatcher-a") or the
	// server's own scheduler ("system:deadline"). Unlike an order's Actor,
	// which the sender names, it cannot be claimed.
	Sender string `json:"sender,omitempty"`
}

// Chain is the codes of the areas holding an event's location; empty where
// no area of that layer holds it.
type Chain struct {
	Street        string `json:"street"`
	Community     string `json:"community"`
	Compound      string `json:"compound,omitempty"`
	Building      string `json:"building,omitempty"`
	GeneralGrid   string `json:"grid,omitempty"`
	MicroGrid     string `json:"micro_grid,omitempty"`
	DedicatedGrid string `json:"dedicated_grid,omitempty"`
}

// Order is a work order (工单) entering a state of its life cycle.
type Order struct {
	OrderID  string   `json:"order_id"`
	State    State    `json:"state"`
	Channel  Channel  `json:"channel,omitempty"`
	Category string   `json:"category,omitempty"` // a code from Categories
	Priority Priority `json:"priority,omitempty"`
	Deadline *Time    `json:"deadline,omitempty"`
	Title    string   `json:"title,omitempty"`
	// Actor is who moved the order into State: a worker id, a department,
	// "resident", "system".
	Actor string `json:"actor,omitempty"`
	// Assignee is the worker or department holding the order.
	Assignee string `json:"assignee,omitempty"`
	// Escalations counts how often the order has been escalated so far.
	Escalations int `json:"escalations,omitempty"`
	// Satisfaction is the resident's rating 1–5, set when closing.
	Satisfaction int `json:"satisfaction,omitempty"`
}

// Patrol is a grid worker's position report.
type Patrol struct {
	WorkerID string  `json:"worker_id"`
	Name     string  `json:"name,omitempty"`
	Role     Role    `json:"role"`
	OnDuty   bool    `json:"on_duty"`
	Heading  float64 `json:"heading"`           // degrees clockwise from north, [0, 360)
	Speed    float64 `json:"speed"`             // metres per second
	Battery  float64 `json:"battery,omitempty"` // percent
	Grid     string  `json:"home_grid,omitempty"`
}

// Alarm is a step in a sensor alarm's life: raised, acknowledged, cleared.
type Alarm struct {
	AlarmID    string     `json:"alarm_id"`
	DeviceID   string     `json:"device_id"`
	DeviceType DeviceType `json:"device_type"`
	Kind       AlarmKind  `json:"kind"`
	Severity   Severity   `json:"severity"`
	Action     Action     `json:"action"`
	Message    string     `json:"message,omitempty"`
}

// Key is what identifies the thing an event is about: the order, the
// alarm or the worker. Later events with the same key supersede earlier ones
// in the live state.
func (e *Event) Key() string {
	switch {
	case e.Order != nil:
		return "order/" + e.Order.OrderID
	case e.Alarm != nil:
		return "alarm/" + e.Alarm.AlarmID
	case e.Patrol != nil:
		return "patrol/" + e.Patrol.WorkerID
	}
	return ""
}

// Time is a UTC instant that marshals as RFC 3339 with milliseconds.
type Time struct{ time.Time }

// TimeLayout is how Time marshals.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// MarshalJSON writes RFC 3339 in UTC with milliseconds.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`null`), nil
	}
	return []byte(`"` + t.UTC().Format(TimeLayout) + `"`), nil
}

// UnmarshalJSON reads RFC 3339 with any fraction and any offset.
func (t *Time) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		t.Time = time.Time{}
		return nil
	}
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return &json.UnmarshalTypeError{Value: describeValue(b), Type: timeType}
	}
	v, err := time.Parse(time.RFC3339Nano, s[1:len(s)-1])
	if err != nil {
		return &json.UnmarshalTypeError{Value: describeValue(b), Type: timeType}
	}
	t.Time = v.UTC()
	return nil
}

// Position is [lon, lat] in GeoJSON order.
type Position [2]float64

// Lon and Lat name the two halves.
func (p Position) Lon() float64 { return p[0] }
func (p Position) Lat() float64 { return p[1] }

// String is "lon,lat" for logs.
func (p Position) String() string {
	return strings.TrimRight(fmt.Sprintf("%.7f", p[0]), "0") + "," + strings.TrimRight(fmt.Sprintf("%.7f", p[1]), "0")
}

// Valid reports whether t is one of the event types.
func (t Type) Valid() bool { return t == TypeOrder || t == TypePatrol || t == TypeAlarm }
