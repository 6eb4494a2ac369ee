package live

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
)

func benchMessages(n int, patrols bool) []bus.Message {
	r := rand.New(rand.NewPCG(5, 6))
	now := time.Now()
	msgs := make([]bus.Message, n)
	for i := range msgs {
		pos := event.Position{103.80 + r.Float64()*0.25, 30.45 + r.Float64()*0.25}
		chain := event.Chain{Street: fmt.Sprintf("510116%03d", 1+r.IntN(9))}
		chain.Community = chain.Street + "001"
		e := &event.Event{ID: fmt.Sprint(i), Time: event.Time{Time: now.Add(time.Duration(i) * time.Millisecond)},
			Location: pos, Area: &chain}
		if patrols {
			e.Type, e.Patrol = event.TypePatrol, &event.Patrol{WorkerID: fmt.Sprintf("GW%d", i%3000), Role: "grid_worker", OnDuty: true}
			msgs[i] = bus.Message{Stream: bus.PatrolStream, Seq: uint64(i + 1), Event: e}
			continue
		}
		st := []event.State{event.Received, event.Dispatched, event.InProgress, event.Closed}[i/5000%4]
		e.Type, e.Order = event.TypeOrder, &event.Order{OrderID: fmt.Sprintf("WO%d", i%5000), State: st,
			Channel: "hotline_12345", Category: "environment.parking", Priority: "normal"}
		msgs[i] = bus.Message{Stream: bus.EventsStream, Seq: uint64(i + 1), Event: e}
	}
	return msgs
}

// BenchmarkApply measures applying one message to the state, indexes and
// all, with no one listening.
func BenchmarkApply(b *testing.B) {
	for _, layer := range []string{"orders", "patrols"} {
		b.Run(layer, func(b *testing.B) {
			msgs := benchMessages(b.N, layer == "patrols")
			s := New(Config{})
			b.ReportAllocs()
			b.ResetTimer()
			for _, m := range msgs {
				s.Apply(m)
			}
		})
	}
}

// BenchmarkRebuild measures Run replaying b.N patrol positions from the
// bus until ready: the start-up cost of the ForgetAfter window.
func BenchmarkRebuild(b *testing.B) {
	bs, err := bus.Open(context.Background(), bus.DefaultConfig(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer bs.Close()
	msgs := benchMessages(b.N, true)
	for i := 0; i < len(msgs); i += 1000 {
		evs := make([]*event.Event, 0, 1000)
		for _, m := range msgs[i:min(i+1000, len(msgs))] {
			evs = append(evs, m.Event)
		}
		for _, a := range bs.Publish(context.Background(), evs) {
			if a.Err != nil {
				b.Fatal(a.Err)
			}
		}
	}
	b.ResetTimer()
	s := New(Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.Run(ctx, bs) }()
	if err := s.WaitReady(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if got := s.Counts("").WorkersOnDuty; got != min(b.N, 3000) {
		b.Fatalf("%d workers after the rebuild", got)
	}
}

// BenchmarkCounts measures the live counts of a district of 3,000 workers
// and 5,000 open orders, as /api/v1/live/counts asks for them: a
// command-centre user's whole district and a street leader's street
// (walked under the state's read lock), and the running total of
// everything.
func BenchmarkCounts(b *testing.B) {
	s := New(Config{})
	for _, m := range append(benchMessages(5000, false), benchMessages(20000, true)...) {
		s.Apply(m)
	}
	for _, code := range []string{"", "510116", "510116003"} {
		name := map[string]string{"": "everything", "510116": "district", "510116003": "street"}[code]
		b.Run(name, func(b *testing.B) {
			var c Counts
			for b.Loop() {
				c = s.Counts(code)
			}
			if c.OpenOrders == 0 || c.WorkersOnDuty == 0 {
				b.Fatalf("counts %+v: the district is empty", c)
			}
		})
	}
}
