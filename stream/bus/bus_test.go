package bus

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

func openTest(t *testing.T, dir string) *Bus {
	t.Helper()
	b, err := Open(context.Background(), DefaultConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func orderEvent(i int) *event.Event {
	return &event.Event{ID: fmt.Sprintf("ev-%d", i), Type: event.TypeOrder,
		Time: event.Time{Time: time.Now().UTC()}, Location: event.Position{103.92, 30.57},
		Area:  &event.Chain{Street: "510116001", Community: "510116001001"},
		Order: &event.Order{OrderID: fmt.Sprintf("WO%d", i), State: event.Received, Channel: "hotline_12345", Category: "environment.parking"}}
}

func patrolEvent(i int) *event.Event {
	return &event.Event{ID: fmt.Sprintf("pt-%d", i), Type: event.TypePatrol,
		Time: event.Time{Time: time.Now().UTC()}, Location: event.Position{103.92, 30.57},
		Area:   &event.Chain{Street: "510116002"},
		Patrol: &event.Patrol{WorkerID: "GW-1", Role: "grid_worker", OnDuty: true}}
}

func TestPublishAcksWithSequencesAndDropsDuplicates(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	ctx := context.Background()
	acks := b.Publish(ctx, []*event.Event{orderEvent(1), orderEvent(2), patrolEvent(1)})
	want := []Ack{{Stream: EventsStream, Seq: 1}, {Stream: EventsStream, Seq: 2}, {Stream: PatrolStream, Seq: 1}}
	for i, a := range acks {
		if a != want[i] {
			t.Errorf("ack %d = %+v, want %+v", i, a, want[i])
		}
	}
	again := b.Publish(ctx, []*event.Event{orderEvent(2), orderEvent(3)})
	if !again[0].Duplicate || again[0].Seq != 2 || again[0].Err != nil {
		t.Errorf("repeat of ev-2: %+v, want a duplicate of seq 2", again[0])
	}
	if again[1].Duplicate || again[1].Seq != 3 {
		t.Errorf("ev-3: %+v, want seq 3", again[1])
	}
	if got := Subject(orderEvent(1)); got != "gp.order.510116001" {
		t.Errorf("Subject = %q", got)
	}
}

// A durable consumer resumes after the bus (and its embedded server) is
// closed and reopened on the same directory, and a failing handler gets the
// same batch again rather than losing it.
func TestConsumeResumesAndRetries(t *testing.T) {
	dir := t.TempDir()
	b := openTest(t, dir)
	ctx := context.Background()
	var evs []*event.Event
	for i := 1; i <= 10; i++ {
		evs = append(evs, orderEvent(i))
	}
	for _, a := range b.Publish(ctx, evs) {
		if a.Err != nil {
			t.Fatal(a.Err)
		}
	}
	cfg := ConsumerConfig{Stream: EventsStream, Durable: "test", Batch: 4, MaxWait: 50 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}
	var got []uint64
	failures := 2
	runUntil(t, b, cfg, func(batch []Message) error {
		if failures > 0 {
			failures--
			return fmt.Errorf("sink down")
		}
		for _, m := range batch {
			got = append(got, m.Seq)
		}
		return nil
	}, func() bool { return len(got) >= 10 })
	b.Close()
	if fmt.Sprint(got) != "[1 2 3 4 5 6 7 8 9 10]" {
		t.Fatalf("first run consumed %v", got)
	}

	b = openTest(t, dir)
	defer b.Close()
	if acks := b.Publish(ctx, []*event.Event{orderEvent(11), orderEvent(12)}); acks[1].Seq != 12 {
		t.Fatalf("after reopen: %+v", acks)
	}
	got = nil
	runUntil(t, b, cfg, func(batch []Message) error {
		for _, m := range batch {
			got = append(got, m.Seq)
		}
		return nil
	}, func() bool { return len(got) >= 2 })
	if fmt.Sprint(got) != "[11 12]" {
		t.Fatalf("resumed consumer got %v, want [11 12]", got)
	}
}

func runUntil(t *testing.T, b *Bus, cfg ConsumerConfig, handle func([]Message) error, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		_ = b.Consume(ctx, cfg, func(_ context.Context, batch []Message) error {
			mu.Lock()
			defer mu.Unlock()
			err := handle(batch)
			if err == nil && done() {
				cancel()
			}
			return err
		})
	}()
	<-finished
	mu.Lock()
	defer mu.Unlock()
	if !done() {
		t.Fatal("consumer stopped before it got every message")
	}
}

func TestFollowReplaysThenFollows(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b.Publish(ctx, []*event.Event{orderEvent(1), orderEvent(2), orderEvent(3)})

	msgs := make(chan Message, 10)
	go b.Follow(ctx, EventsStream, Start{Seq: 2}, func(m Message) { msgs <- m })
	first := <-msgs
	if first.Seq != 2 || first.Event.Order.OrderID != "WO2" || first.Pending != 1 {
		t.Fatalf("first = seq %d %+v pending %d", first.Seq, first.Event.Order, first.Pending)
	}
	if m := <-msgs; m.Seq != 3 || m.Pending != 0 {
		t.Fatalf("second = seq %d pending %d, want 3 and caught up", m.Seq, m.Pending)
	}
	b.Publish(ctx, []*event.Event{orderEvent(4)})
	if m := <-msgs; m.Seq != 4 || m.Event.ID != "ev-4" {
		t.Fatalf("live message = seq %d id %s", m.Seq, m.Event.ID)
	}
}

func TestConfigRejects(t *testing.T) {
	base := DefaultConfig("x")
	tests := []struct {
		name string
		mut  func(*Config)
	}{
		{"nowhere", func(c *Config) { c.Dir = "" }},
		{"no max bytes", func(c *Config) { c.EventsMaxBytes = 0 }},
		{"no max age", func(c *Config) { c.PatrolMaxAge = 0 }},
		{"window too long", func(c *Config) { c.DuplicateWindow = 7 * time.Hour }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.mut(&c)
			if _, err := Open(context.Background(), c); err == nil {
				t.Fatal("Open accepted a bad config")
			}
		})
	}
}

func TestFirstIsTheOldestMessageHeld(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if f, err := b.First(ctx, EventsStream); err != nil || f != (First{}) {
		t.Fatalf("empty stream: First = %+v, %v; want the zero First", f, err)
	}
	before := time.Now()
	b.Publish(ctx, []*event.Event{orderEvent(1), orderEvent(2), orderEvent(3)})
	f, err := b.First(ctx, EventsStream)
	if err != nil || f.Seq != 1 || f.Stored.Before(before.Add(-time.Second)) {
		t.Fatalf("First = %+v, %v; want seq 1 stored after %v", f, err, before)
	}
	// A message leaving the stream moves First on, as retention does.
	s, err := b.js.Stream(ctx, EventsStream)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMsg(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if f, err := b.First(ctx, EventsStream); err != nil || f.Seq != 2 {
		t.Fatalf("after deleting seq 1: First = %+v, %v; want seq 2", f, err)
	}
}
