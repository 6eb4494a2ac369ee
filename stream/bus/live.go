package bus

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"

	json "github.com/goccy/go-json"
	"github.com/nats-io/nats.go"

	"github.com/gridpulse/gridpulse/event"
)

// LiveSubject carries patrol positions between Gridpulse processes on core
// NATS, outside any stream. Positions are the bulk of the traffic (about
// nine in ten events) and only the latest per worker matters, so they are
// not stored one by one: ingest keeps a sample of them in the patrol
// stream, for history and for rebuilding the live state after a restart,
// and sends all of them live. Within one process they are handed over
// directly; other processes sharing the bus (an external cluster, or an
// embedded server others connect to) get them on this subject, whose name
// is outside both streams' subjects, so JetStream never stores it.
const LiveSubject = "gp.live.patrol"

// liveSubscribers are the live-position handlers of this process.
type liveSubscribers struct {
	mu       sync.RWMutex
	next     int
	handlers map[int]func(*event.Event)
}

// shared says whether other processes may be on the bus, so positions
// must also go out on LiveSubject.
func (b *Bus) shared() bool { return b.cfg.URL != "" || b.cfg.Listen != "" }

// PublishLive hands positions to every live subscriber: those of this
// process directly, on the caller's goroutine, and those of other
// processes as one core NATS message, one JSON event a line. Nothing keeps
// a copy: a subscriber that is not running misses them.
func (b *Bus) PublishLive(evs []*event.Event) error {
	if len(evs) == 0 {
		return nil
	}
	b.live.mu.RLock()
	for _, handle := range b.live.handlers {
		for _, e := range evs {
			handle(e)
		}
	}
	b.live.mu.RUnlock()
	if !b.shared() {
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

// FollowLive calls handle for every live position until ctx ends. handle
// may be called from several goroutines at once (each posting request
// hands over its own positions), and must not keep the events.
func (b *Bus) FollowLive(ctx context.Context, handle func(*event.Event)) error {
	stop, err := b.SubscribeLive(handle)
	if err != nil {
		return err
	}
	<-ctx.Done()
	stop()
	return ctx.Err()
}

// SubscribeLive starts calling handle for every live position and returns
// once positions published after it returns, by this process or others,
// reach handle; stop ends it.
func (b *Bus) SubscribeLive(handle func(*event.Event)) (stop func(), err error) {
	var sub *nats.Subscription
	if b.shared() {
		// The connection does not echo its own messages (nats.NoEcho), so
		// this process's positions are not handled twice.
		sub, err = b.nc.Subscribe(LiveSubject, func(m *nats.Msg) {
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
		// The default pending limits (65,536 messages, 64 MiB) hold
		// minutes of batched positions, so a burst does not cost the
		// subscription any.
		if err := b.nc.Flush(); err != nil {
			_ = sub.Unsubscribe()
			return nil, fmt.Errorf("bus: follow live: %w", err)
		}
	}
	b.live.mu.Lock()
	id := b.live.next
	b.live.next++
	if b.live.handlers == nil {
		b.live.handlers = map[int]func(*event.Event){}
	}
	b.live.handlers[id] = handle
	b.live.mu.Unlock()
	return func() {
		b.live.mu.Lock()
		delete(b.live.handlers, id)
		b.live.mu.Unlock()
		if sub != nil {
			if err := sub.Unsubscribe(); err != nil && b.nc.IsConnected() {
				slog.Warn("bus: unsubscribe live", "err", err)
			}
		}
	}, nil
}
