package query

import (
	"encoding/json"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// Windows are the named windows a request may ask for, ending at the end
// of the current hour.
var Windows = map[string]time.Duration{
	"24h":  24 * time.Hour,
	"7d":   7 * 24 * time.Hour,
	"30d":  30 * 24 * time.Hour,
	"90d":  90 * 24 * time.Hour,
	"365d": 365 * 24 * time.Hour,
}

// Window defaults and bounds.
const (
	DefaultWindow = "7d"
	// MaxSpan bounds a from/to window: a little over a year, the history
	// the rollups keep at hand.
	MaxSpan = 400 * 24 * time.Hour
)

// WindowSpec is the time range a request asks for: a named Window, or From
// and To in RFC 3339 (both or neither), never both forms.
type WindowSpec struct {
	Window string
	From   string
	To     string
}

// Span is a resolved window: whole hours, From inclusive, To exclusive.
type Span struct {
	From time.Time
	To   time.Time
}

// Duration is the span's length.
func (s Span) Duration() time.Duration { return s.To.Sub(s.From) }

// Previous is the span of the same length just before s.
func (s Span) Previous() Span { return Span{From: s.From.Add(-s.Duration()), To: s.From} }

// resolve turns the spec into hour-aligned UTC bounds, DefaultWindow when
// it names none.
func (w WindowSpec) resolve(now time.Time) (Span, error) {
	return w.resolveDefault(now, DefaultWindow)
}

// resolveDefault turns the spec into hour-aligned UTC bounds, the window
// named def when it names none. From is rounded down and To up to the
// hour, as the rollups count whole hours.
func (w WindowSpec) resolveDefault(now time.Time, def string) (Span, error) {
	if w.From == "" && w.To == "" {
		name := w.Window
		if name == "" {
			name = def
		}
		d, ok := Windows[name]
		if !ok {
			return Span{}, fieldErr("window", "window %q is not one of 24h, 7d, 30d, 90d, 365d", name)
		}
		to := ceilHour(now)
		return Span{From: to.Add(-d), To: to}, nil
	}
	if w.Window != "" {
		return Span{}, fieldErr("window", "give either window or from and to, not both")
	}
	if w.From == "" {
		return Span{}, fieldErr("from", "from is required with to")
	}
	if w.To == "" {
		return Span{}, fieldErr("to", "to is required with from")
	}
	from, err := time.Parse(time.RFC3339, w.From)
	if err != nil {
		return Span{}, fieldErr("from", "from %q is not an RFC 3339 time", w.From)
	}
	to, err := time.Parse(time.RFC3339, w.To)
	if err != nil {
		return Span{}, fieldErr("to", "to %q is not an RFC 3339 time", w.To)
	}
	s := Span{From: from.UTC().Truncate(time.Hour), To: ceilHour(to.UTC())}
	if !s.To.After(s.From) {
		return Span{}, fieldErr("to", "to must be after from")
	}
	if s.Duration() > MaxSpan {
		return Span{}, fieldErr("to", "the window from %s to %s is longer than 400 days", w.From, w.To)
	}
	return s, nil
}

// ceilHour is t rounded up to a whole hour.
func ceilHour(t time.Time) time.Time {
	h := t.UTC().Truncate(time.Hour)
	if h.Before(t) {
		h = h.Add(time.Hour)
	}
	return h
}

// MarshalJSON writes the span's bounds as the API's times: RFC 3339 in UTC
// with milliseconds.
func (s Span) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		From event.Time `json:"from"`
		To   event.Time `json:"to"`
	}{event.Time{Time: s.From}, event.Time{Time: s.To}})
}
