package dispatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// NewOrder is an appeal reported to the district, to become a work order
// in state received.
type NewOrder struct {
	Channel  event.Channel
	Category string
	// Priority defaults to normal.
	Priority event.Priority
	Title    string
	// Location is [lon, lat] in CRS (default WGS-84).
	Location event.Position
	CRS      string
	// Actor is who reported it; default "resident".
	Actor string
	// Sender is who handed the report in, as the server knows them (the
	// integrator's key, auth.Principal.Sender).
	Sender string
}

// Report opens a new work order: a received event with a fresh order id
// and the deadline of the table, through the same door as every event. It
// returns the order as the live state shows it, or an *event.FieldError
// naming the field at fault (such as a location outside the district),
// or ErrUnavailable.
func (s *Service) Report(ctx context.Context, n NewOrder) (*live.Order, error) {
	if n.Priority == "" {
		n.Priority = "normal"
	}
	if n.Actor == "" {
		n.Actor = "resident"
	}
	now := s.cfg.Clock.Now().UTC().Truncate(time.Millisecond)
	id, err := newOrderID(now)
	if err != nil {
		return nil, err
	}
	deadline := event.Time{Time: now.Add(s.cfg.Deadlines.Period(n.Category, n.Priority))}
	e := &event.Event{ID: id + ":received", Type: event.TypeOrder, Time: event.Time{Time: now},
		Location: n.Location, CRS: n.CRS,
		Order: &event.Order{OrderID: id, State: event.Received, Channel: n.Channel, Category: n.Category,
			Priority: n.Priority, Deadline: &deadline, Title: n.Title, Actor: n.Actor}}
	seq, err := s.submit(ctx, n.Sender, e)
	if err != nil {
		return nil, err
	}
	s.seen.wait(ctx, s.state, id, seq, s.cfg.ApplyWait)
	if o, ok := s.state.Order(id); ok {
		return o, nil
	}
	// Stored but not applied yet: the order as it will be, without the
	// areas ingest found.
	return &live.Order{OrderID: id, State: event.Received, Channel: n.Channel, Category: n.Category,
		Priority: n.Priority, Title: n.Title, Location: n.Location, Opened: e.Time, Updated: e.Time,
		Deadline: &deadline, Seq: seq}, nil
}

// newOrderID is a fresh order id: the day and 48 random bits, like
// OR-20261121-3f9a1c02b7e4.
func newOrderID(now time.Time) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("dispatch: order id: %w", err)
	}
	return "OR-" + now.Format("20060102") + "-" + hex.EncodeToString(b[:]), nil
}
