package bus

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"

	json "github.com/goccy/go-json"
	"github.com/nats-io/nats.go"

	"github.com/gridpulse/gridpulse/event"
)

// LiveSubject carries patrol positions to every live state, on core NATS
// and outside any stream. Positions are the bulk of the traffic (about
// nine in ten events) and only the latest per worker matters, so they are
// not stored one by one: ingest keeps a sample of them in the patrol
// stream for history and for rebuilding the live state after a restart,
// and sends all of them here. The subject is outside both streams'
// subjects, so JetStream never stores it.
const LiveSubject = "gp.live.patrol"

// PublishLive sends events to LiveSubject as one message, one JSON event
// a line. Core NATS keeps no copy: a subscriber that is not running when
// it is sent never sees it.
func (b *Bus) PublishLive(evs []*event.Event) error {
	if len(evs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range evs {
		// Encode ends each event with a newline.
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("bus: encode event %s: %w", e.ID, err)
		}
	}
	if err := b.nc.Publish(LiveSubject, buf.Bytes()); err != nil {
		return fmt.Errorf("bus: publish live: %w", err)
	}
	return nil
}

// FollowLive calls handle for every event published on LiveSubject until
// ctx ends; handle runs on one goroutine, in the order of arrival.
func (b *Bus) FollowLive(ctx context.Context, handle func(*event.Event)) error {
	stop, err := b.SubscribeLive(handle)
	if err != nil {
		return err
	}
	<-ctx.Done()
	stop()
	return ctx.Err()
}

// SubscribeLive starts calling handle for every event published on
// LiveSubject and returns once the server has the subscription, so
// anything published after it returns is seen; stop ends it.
func (b *Bus) SubscribeLive(handle func(*event.Event)) (stop func(), err error) {
	sub, err := b.nc.Subscribe(LiveSubject, func(m *nats.Msg) {
		for line := range bytes.Lines(m.Data) {
			var e event.Event
			if err := json.Unmarshal(line, &e); err != nil {
				slog.Error("bus: skipping undecodable live event", "err", err)
				continue
			}
			handle(&e)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("bus: follow live: %w", err)
	}
	// The default pending limits (65,536 messages, 64 MiB) hold minutes of
	// batched positions, so a burst does not cost the subscription any.
	if err := b.nc.Flush(); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("bus: follow live: %w", err)
	}
	return func() {
		if err := sub.Unsubscribe(); err != nil && b.nc.IsConnected() {
			slog.Warn("bus: unsubscribe live", "err", err)
		}
	}, nil
}
