package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	json "github.com/goccy/go-json"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/gridpulse/gridpulse/event"
)

// subjectPrefix starts every Gridpulse subject: gp.<type>.<street code>.
const subjectPrefix = "gp."

// Subject is where an event is published: by type, then by street, so a
// consumer can follow one street with a subject filter.
func Subject(e *event.Event) string {
	street := "none"
	if e.Area != nil && e.Area.Street != "" {
		street = e.Area.Street
	}
	return subjectPrefix + string(e.Type) + "." + street
}

// StreamOf is the stream an event type is stored in.
func StreamOf(t event.Type) string {
	if t == event.TypePatrol {
		return PatrolStream
	}
	return EventsStream
}

// Ack is JetStream's answer for one published event.
type Ack struct {
	Stream    string
	Seq       uint64
	Duplicate bool // JetStream already had an event with this id
	Err       error
}

// Publish stores events in JetStream and waits until it has acknowledged
// each one (or ctx ends). Answers are in the order of evs; an event whose
// Err is nil is durably stored and may be acknowledged to its sender.
func (b *Bus) Publish(ctx context.Context, evs []*event.Event) []Ack {
	acks := make([]Ack, len(evs))
	futures := make([]jetstream.PubAckFuture, len(evs))
	for i, e := range evs {
		data, err := json.Marshal(e)
		if err != nil {
			acks[i].Err = fmt.Errorf("bus: encode event %s: %w", e.ID, err)
			continue
		}
		msg := &nats.Msg{Subject: Subject(e), Data: data, Header: nats.Header{}}
		futures[i], acks[i].Err = b.js.PublishMsgAsync(msg,
			jetstream.WithMsgID(string(e.Type)+"/"+e.ID),
			jetstream.WithExpectStream(StreamOf(e.Type)))
		if acks[i].Err != nil {
			acks[i].Err = fmt.Errorf("bus: publish event %s: %w", e.ID, acks[i].Err)
		}
	}
	timeout := time.NewTimer(b.cfg.PublishTimeout)
	defer timeout.Stop()
	for i, f := range futures {
		if f == nil {
			continue
		}
		select {
		case pa := <-f.Ok():
			acks[i] = Ack{Stream: pa.Stream, Seq: pa.Sequence, Duplicate: pa.Duplicate}
		case err := <-f.Err():
			acks[i].Err = fmt.Errorf("bus: store event %s: %w", evs[i].ID, err)
		case <-ctx.Done():
			acks[i].Err = fmt.Errorf("bus: store event %s: %w", evs[i].ID, ctx.Err())
		case <-timeout.C:
			acks[i].Err = fmt.Errorf("bus: store event %s: %w", evs[i].ID, ErrTimeout)
			// Every later future shares the same expired deadline.
			for j := i + 1; j < len(futures); j++ {
				if futures[j] != nil {
					select {
					case pa := <-futures[j].Ok():
						acks[j] = Ack{Stream: pa.Stream, Seq: pa.Sequence, Duplicate: pa.Duplicate}
					default:
						acks[j].Err = fmt.Errorf("bus: store event %s: %w", evs[j].ID, ErrTimeout)
					}
				}
			}
			return acks
		}
	}
	return acks
}

// ErrTimeout says JetStream did not acknowledge in time; the event may or
// may not be stored, so the sender should retry with the same id.
var ErrTimeout = errors.New("no acknowledgement from JetStream in time")
