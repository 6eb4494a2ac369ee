package event

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
)

// FieldError says which field of an event is wrong and why. Field is a
// JSON path inside the event ("location", "order.state"); batch callers
// prefix it with the item ("events[3].location").
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"` // "invalid_field" or "missing_field"
	Message string `json:"message"`
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func invalid(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Code: "invalid_field", Message: fmt.Sprintf(format, args...)}
}

func missing(field string) *FieldError {
	return &FieldError{Field: field, Code: "missing_field", Message: field + " is required"}
}

// Limits bounds what Validate accepts.
type Limits struct {
	// MaxAge is how far in the past an event's time may lie.
	MaxAge time.Duration
	// MaxSkew is how far in the future it may lie (clocks drift).
	MaxSkew time.Duration
}

// DefaultLimits accepts events up to 30 days old and 5 minutes ahead.
var DefaultLimits = Limits{MaxAge: 30 * 24 * time.Hour, MaxSkew: 5 * time.Minute}

const (
	maxIDLen    = 128
	maxTextLen  = 500
	maxSpeedMPS = 70 // a car on an expressway; a patrol report faster than this is a bad fix
)

// Validate checks an event as a sender posted it, before it is located. It
// returns the first problem found, in field order, or nil.
func (e *Event) Validate(now time.Time, lim Limits) *FieldError {
	if err := checkID("id", e.ID); err != nil {
		return err
	}
	switch e.Type {
	case "":
		return missing("type")
	case TypeOrder, TypePatrol, TypeAlarm:
	default:
		return invalid("type", "type %q is not one of order, patrol, alarm", e.Type)
	}
	if e.Time.IsZero() {
		return missing("time")
	}
	if e.Time.After(now.Add(lim.MaxSkew)) {
		return invalid("time", "time %s is more than %s in the future", e.Time.Format(TimeLayout), lim.MaxSkew)
	}
	if e.Time.Before(now.Add(-lim.MaxAge)) {
		return invalid("time", "time %s is older than the %s limit", e.Time.Format(TimeLayout), lim.MaxAge)
	}
	if err := checkPosition("location", e.Location); err != nil {
		return err
	}
	if e.Area != nil || !e.Received.IsZero() {
		return invalid("area", "area and received are set by the server, not by senders")
	}
	if e.Sender != "" {
		return invalid("sender", "sender is set by the server from the key or sign-in, not by senders")
	}
	payloads := 0
	for _, set := range []bool{e.Order != nil, e.Patrol != nil, e.Alarm != nil} {
		if set {
			payloads++
		}
	}
	if payloads > 1 {
		return invalid(string(e.Type), "an event carries exactly one of order, patrol, alarm")
	}
	switch e.Type {
	case TypeOrder:
		if e.Order == nil {
			return missing("order")
		}
		return e.Order.validate(now)
	case TypePatrol:
		if e.Patrol == nil {
			return missing("patrol")
		}
		return e.Patrol.validate()
	default:
		if e.Alarm == nil {
			return missing("alarm")
		}
		return e.Alarm.validate()
	}
}

func (o *Order) validate(now time.Time) *FieldError {
	if err := checkID("order.order_id", o.OrderID); err != nil {
		return err
	}
	if err := checkTerm("order.state", string(o.State), States, true); err != nil {
		return err
	}
	if err := checkTerm("order.channel", string(o.Channel), Channels, o.State == Received); err != nil {
		return err
	}
	if err := checkTerm("order.category", o.Category, Categories, o.State == Received); err != nil {
		return err
	}
	if err := checkTerm("order.priority", string(o.Priority), Priorities, false); err != nil {
		return err
	}
	if err := checkText("order.title", o.Title); err != nil {
		return err
	}
	if err := checkText("order.actor", o.Actor); err != nil {
		return err
	}
	if err := checkText("order.assignee", o.Assignee); err != nil {
		return err
	}
	if o.Escalations < 0 || o.Escalations > 10 {
		return invalid("order.escalations", "escalations %d is outside 0..10", o.Escalations)
	}
	if o.Satisfaction < 0 || o.Satisfaction > 5 {
		return invalid("order.satisfaction", "satisfaction %d is outside 1..5 (0 means not rated)", o.Satisfaction)
	}
	if o.Deadline != nil && o.Deadline.Before(now.Add(-DefaultLimits.MaxAge)) {
		return invalid("order.deadline", "deadline %s is implausibly far in the past", o.Deadline.Format(TimeLayout))
	}
	return nil
}

func (p *Patrol) validate() *FieldError {
	if err := checkID("patrol.worker_id", p.WorkerID); err != nil {
		return err
	}
	if err := checkTerm("patrol.role", string(p.Role), Roles, true); err != nil {
		return err
	}
	if err := checkText("patrol.name", p.Name); err != nil {
		return err
	}
	if !finite(p.Heading) || p.Heading < 0 || p.Heading >= 360 {
		return invalid("patrol.heading", "heading %v is outside [0, 360) degrees", p.Heading)
	}
	if !finite(p.Speed) || p.Speed < 0 || p.Speed > maxSpeedMPS {
		return invalid("patrol.speed", "speed %v m/s is outside 0..%d", p.Speed, maxSpeedMPS)
	}
	if !finite(p.Battery) || p.Battery < 0 || p.Battery > 100 {
		return invalid("patrol.battery", "battery %v%% is outside 0..100", p.Battery)
	}
	return nil
}

func (a *Alarm) validate() *FieldError {
	if err := checkID("alarm.alarm_id", a.AlarmID); err != nil {
		return err
	}
	if err := checkID("alarm.device_id", a.DeviceID); err != nil {
		return err
	}
	if err := checkTerm("alarm.device_type", string(a.DeviceType), DeviceTypes, true); err != nil {
		return err
	}
	if err := checkTerm("alarm.kind", string(a.Kind), AlarmKinds, true); err != nil {
		return err
	}
	if want := AlarmDevice[a.Kind]; want != a.DeviceType {
		return invalid("alarm.kind", "kind %q comes from a %s device, not %s", a.Kind, want, a.DeviceType)
	}
	if err := checkTerm("alarm.severity", string(a.Severity), Severities, true); err != nil {
		return err
	}
	if err := checkTerm("alarm.action", string(a.Action), Actions, true); err != nil {
		return err
	}
	return checkText("alarm.message", a.Message)
}

func checkID(field, id string) *FieldError {
	if id == "" {
		return missing(field)
	}
	if len(id) > maxIDLen {
		return invalid(field, "%s is %d bytes long, the limit is %d", field, len(id), maxIDLen)
	}
	for _, r := range id {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == unicode.ReplacementChar {
			return invalid(field, "%s may not contain spaces or control characters", field)
		}
	}
	return nil
}

func checkText(field, s string) *FieldError {
	if len(s) > maxTextLen {
		return invalid(field, "%s is %d bytes long, the limit is %d", field, len(s), maxTextLen)
	}
	if strings.ContainsRune(s, unicode.ReplacementChar) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' }) {
		return invalid(field, "%s has invalid UTF-8 or control characters", field)
	}
	return nil
}

func checkTerm(field, code string, c Catalogue, required bool) *FieldError {
	if code == "" {
		if required {
			return missing(field)
		}
		return nil
	}
	if !c.Has(code) {
		if len(c) <= 12 {
			return invalid(field, "%q is not one of %s", code, strings.Join(c.Codes(), ", "))
		}
		return invalid(field, "%q is not a known code (GET /api/v1/catalogue lists them)", code)
	}
	return nil
}

func checkPosition(field string, p Position) *FieldError {
	lon, lat := p[0], p[1]
	if !finite(lon) || !finite(lat) {
		return invalid(field, "coordinates must be finite numbers")
	}
	if lat < -90 || lat > 90 {
		if lon >= -90 && lon <= 90 {
			return invalid(field, "latitude %v is out of range -90..90; [%v, %v] looks swapped: send [lon, lat]", lat, lon, lat)
		}
		return invalid(field, "latitude %v is out of range -90..90", lat)
	}
	if lon < -180 || lon > 180 {
		return invalid(field, "longitude %v is out of range -180..180", lon)
	}
	if lon == 0 && lat == 0 {
		return invalid(field, "[0, 0] is not a real position (a missing GPS fix?)")
	}
	return nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
