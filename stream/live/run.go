package live

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// probeWait bounds the wait for the last message of a stream when telling
// whether anything is left to replay; the embedded bus answers in
// milliseconds, and a message that does not come has left the stream.
const probeWait = 3 * time.Second

// Run fills the state from the bus and keeps it current until ctx ends:
// it replays the orders-and-alarms stream from its start and the patrol
// stream (the sampled positions) from ForgetAfter ago, then follows both
// and the live patrol subject, and sweeps every
// SweepInterval. Ready turns true once both replays have caught up with
// the streams as they stood when Run started. It returns ctx's error, or
// the bus's when following a stream fails.
func (s *State) Run(ctx context.Context, b *bus.Bus) error {
	lastEvents, err := b.LastSeq(ctx, bus.EventsStream)
	if err != nil {
		return fmt.Errorf("live: %w", err)
	}
	lastPatrol, err := b.LastSeq(ctx, bus.PatrolStream)
	if err != nil {
		return fmt.Errorf("live: %w", err)
	}
	from := s.cfg.Clock().Add(-s.cfg.ForgetAfter)
	events := newCatchUp(lastEvents, time.Time{})
	patrols := newCatchUp(lastPatrol, from)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		for _, c := range []*catchUp{events, patrols} {
			select {
			case <-c.done:
			case <-gctx.Done():
				return nil
			}
		}
		s.ready.set()
		return nil
	})
	g.Go(func() error {
		return b.Follow(gctx, bus.EventsStream, bus.Start{}, func(m bus.Message) {
			s.Apply(m)
			events.saw(m)
		})
	})
	g.Go(func() error {
		return b.Follow(gctx, bus.PatrolStream, bus.Start{Time: from}, func(m bus.Message) {
			s.Apply(m)
			patrols.saw(m)
		})
	})
	g.Go(func() error {
		// Positions that travel live only; the stored samples above
		// replay the recent past, these bring every worker up to date.
		return b.FollowLive(gctx, func(e *event.Event) { s.Apply(bus.Message{Event: e}) })
	})
	g.Go(func() error { return events.probe(gctx, b, bus.EventsStream) })
	g.Go(func() error { return patrols.probe(gctx, b, bus.PatrolStream) })
	g.Go(func() error {
		t := time.NewTicker(s.cfg.SweepInterval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				s.Sweep()
			case <-gctx.Done():
				return gctx.Err()
			}
		}
	})
	err = g.Wait()
	if ctx.Err() != nil {
		// Stopping may interrupt a follower mid-call; that is no failure.
		return ctx.Err()
	}
	return err
}

// Ready reports whether Run has replayed the streams up to where they
// stood when it started.
func (s *State) Ready() bool { return s.ready.is() }

// WaitReady waits until Ready or ctx ends.
func (s *State) WaitReady(ctx context.Context) error {
	select {
	case <-s.ready.ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readiness is a flag that can be waited for.
type readiness struct {
	once sync.Once
	ch   chan struct{}
}

func (r *readiness) init() { r.ch = make(chan struct{}) }
func (r *readiness) set()  { r.once.Do(func() { close(r.ch) }) }
func (r *readiness) is() bool {
	select {
	case <-r.ch:
		return true
	default:
	}
	return false
}

// catchUp tells when the replay of one stream has reached the stream's
// last message as of the start. A follower cannot see an empty replay
// (nothing is delivered), so probe looks at that last message itself: if
// it has left the stream, or was stored before the replay's start time,
// there is nothing to wait for.
type catchUp struct {
	last uint64    // the stream's last sequence at the start; 0: empty
	from time.Time // the replay's start time; zero: from the beginning
	once sync.Once
	done chan struct{}
}

func newCatchUp(last uint64, from time.Time) *catchUp {
	c := &catchUp{last: last, from: from, done: make(chan struct{})}
	if last == 0 {
		c.finish()
	}
	return c
}

func (c *catchUp) finish() { c.once.Do(func() { close(c.done) }) }

func (c *catchUp) saw(m bus.Message) {
	if m.Pending == 0 || m.Seq >= c.last {
		c.finish()
	}
}

func (c *catchUp) probe(ctx context.Context, b *bus.Bus, stream string) error {
	if c.last == 0 {
		return nil
	}
	pctx, cancel := context.WithTimeout(ctx, probeWait)
	defer cancel()
	err := b.Follow(pctx, stream, bus.Start{Seq: c.last}, func(m bus.Message) {
		if m.Seq >= c.last && m.Stored.Before(c.from) {
			c.finish()
		}
		cancel()
	})
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case pctx.Err() == context.DeadlineExceeded:
		c.finish() // the last message has expired: nothing to replay
		return nil
	case err != nil && pctx.Err() == nil:
		return fmt.Errorf("live: probe %s: %w", stream, err)
	}
	return nil
}
