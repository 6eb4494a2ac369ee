package hub

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// A client that stops reading has its queue overflow and is resynchronised
// with a snapshot, while a client reading on the same hub gets every delta
// in order.
func TestSlowClientIsResyncedFastClientIsNot(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{SendQueue: 8, WriteWait: time.Minute}, sockBuf: 4096})
	slow := h.dial(nil)
	fast := h.dial(nil)
	for _, c := range []*client{slow, fast} {
		c.subscribe("s", map[string]any{"layers": []string{"orders"}})
		c.expect("snapshot")
	}
	// The fast client mirrors the state from its deltas.
	mirror := map[string]bool{}
	var last uint64
	readFast := func(n int) {
		for range n {
			d := fast.expect("delta")
			if *d.Prev != last {
				t.Fatalf("fast client: gap, prev %d after %d", *d.Prev, last)
			}
			last = *d.Seq
			mirror[d.Key] = !d.Removed
		}
	}
	// Batches smaller than the queue, each read by the fast client before
	// the next, until the slow client's queue has overflowed.
	title := strings.Repeat("占道经营", 25) // fills the socket sooner
	for batch := 0; h.hub.metrics.dropped() == 0; batch++ {
		if batch == 2000 {
			t.Fatal("the slow client's queue never overflowed")
		}
		// Even batches open four orders, odd ones close them.
		var evs []*event.Event
		for i := range 4 {
			id := fmt.Sprintf("WO%d", batch/2*4+i)
			st := event.Received
			if batch%2 == 1 {
				st = event.Closed
			}
			evs = append(evs, h.order(id, st, posA, chainA, func(o *event.Order) { o.Title = title }))
		}
		h.publish(evs...)
		readFast(4)
	}
	h.publish(h.order("WO-last", event.Received, posB, chainB))
	readFast(1)

	h.publish(h.order("WO-after", event.Received, posA, chainA))
	readFast(1)

	// The slow client reads now: deltas up to the overflow, then a resync
	// and a snapshot, perhaps deltas again, which bring it to the same
	// state; its ping's pong comes after all of them.
	slow.send(`{"op":"ping"}`)
	held := map[string]bool{}
	var prev uint64
	resyncs := 0
	for {
		m := slow.next()
		if m.Op == "pong" {
			break
		}
		if m.Op == "resync" {
			if m.Sub != "s" || m.Reason != "slow_consumer" {
				t.Fatalf("resync = %s", m)
			}
			resyncs++
			snap := slow.expect("snapshot")
			clear(held)
			for _, o := range snap.Orders {
				held[o.OrderID] = true
			}
			prev = *snap.Seq
			continue
		}
		if m.Op != "delta" || *m.Prev != prev {
			t.Fatalf("slow client: %s after seq %d", m, prev)
		}
		prev = *m.Seq
		if m.Removed {
			delete(held, m.Key)
		} else {
			held[m.Key] = true
		}
	}
	want := map[string]bool{}
	for k, open := range mirror {
		if open {
			want[k] = true
		}
	}
	if fmt.Sprint(held) != fmt.Sprint(want) {
		t.Fatalf("slow client's state %v\nfast client's state %v", held, want)
	}
	if n := h.hub.metrics.resynced(); resyncs == 0 || float64(resyncs) != n {
		t.Errorf("the slow client saw %d resyncs, the metric says %v", resyncs, n)
	}
}

// A client reconnecting with its last sequence number gets exactly what
// it missed, then the live deltas.
func TestResumeReplaysExactlyTheMissedDeltas(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	c := h.dial(nil)
	sub := map[string]any{"layers": []string{"orders", "alarms", "patrols"}, "bbox": boxAB}
	c.subscribe("r", sub)
	c.expect("snapshot")
	h.publish(h.order("WO1", event.Received, posA, chainA), h.order("WO2", event.Received, posB, chainB))
	c.expect("delta")
	last := *c.expect("delta").Seq
	c.ws.Close()

	// While away: some in the box, some not, a worker moving.
	acks := h.publish(
		h.order("WO1", event.Dispatched, posA, chainA),
		h.order("WO3", event.Received, posC, chainC),
		h.alarm("AL1", event.Raise, "minor", posB, chainB),
		h.order("WO2", event.Closed, posB, chainB),
		h.patrol("GW-1", time.Now(), posA, chainA),
	)
	c = h.dial(nil)
	sub["resume"] = last
	c.subscribe("r", sub)
	if m := c.expect("resumed"); *m.Seq != last {
		t.Fatalf("resumed = %s", m)
	}
	wantKeys := []string{"WO1", "AL1", "-WO2"}
	wantSeqs := []uint64{acks[0].Seq, acks[2].Seq, acks[3].Seq}
	prev := last
	for i, k := range wantKeys {
		d := c.expect("delta")
		key := d.Key
		if d.Removed {
			key = "-" + key
		}
		if key != k || *d.Seq != wantSeqs[i] || *d.Prev != prev {
			t.Fatalf("replayed delta %d = %s, want %s at %d after %d", i, d, k, wantSeqs[i], prev)
		}
		prev = *d.Seq
	}
	if p := c.expect("patrols"); !p.Full || keys(p.Workers) != "GW-1" {
		t.Fatalf("patrols after resume = %s", p)
	}
	// The live stream joins on.
	acks = h.publish(h.order("WO4", event.Received, posA, chainA))
	if d := c.expect("delta"); d.Key != "WO4" || *d.Prev != prev || *d.Seq != acks[0].Seq {
		t.Fatalf("live delta after replay = %s, want WO4 after %d", d, prev)
	}

	// Resuming from where it is now replays nothing.
	c2 := h.dial(nil)
	sub["resume"] = acks[0].Seq
	c2.subscribe("r", sub)
	c2.expect("resumed")
	c2.expect("patrols")
	c2.send(`{"op":"ping"}`)
	c2.expect("pong")
}

func TestResumeTooOldGetsASnapshot(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{ResumeEntries: 4}})
	c := h.dial(nil)
	c.subscribe("r", map[string]any{"layers": []string{"orders"}})
	last := *c.expect("snapshot").Seq
	for i := range 6 {
		h.publish(h.order(fmt.Sprintf("WO%d", i), event.Received, posA, chainA))
	}
	tests := []struct {
		name   string
		resume uint64
		op     string
	}{
		{"older than the ring", last, "snapshot"},
		{"newer than the stream", 1000, "snapshot"},
		{"still in the ring", last + 3, "resumed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := h.dial(nil)
			c.subscribe("r", map[string]any{"layers": []string{"orders"}, "resume": tt.resume})
			m := c.expect(tt.op)
			if tt.op == "snapshot" && len(m.Orders) != 6 {
				t.Errorf("snapshot holds %d orders", len(m.Orders))
			}
			if tt.op == "resumed" {
				for range 3 {
					c.expect("delta")
				}
			}
		})
	}
}

// The snapshot's seq and the deltas after it join exactly while events
// keep arriving during the subscribe.
func TestSubscribeWhileEventsFlow(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var evs []*event.Event
	for i := range 200 {
		st := []event.State{event.Received, event.Dispatched, event.Closed}[i%3]
		evs = append(evs, h.order(fmt.Sprintf("WO%d", i/3), st, posA, chainA))
	}
	done := make(chan uint64)
	go func() {
		var last uint64
		for _, e := range evs {
			last = h.bus.Publish(t.Context(), []*event.Event{e})[0].Seq
		}
		done <- last
	}()
	c := h.dial(nil)
	c.subscribe("s", map[string]any{"layers": []string{"orders"}})
	snap := c.expect("snapshot")
	last := <-done
	h.waitFor("the state to apply every event", func() bool { return h.state.Seq() >= last })
	h.caughtUp()
	held := map[string]bool{}
	for _, o := range snap.Orders {
		held[o.OrderID] = true
	}
	c.send(`{"op":"ping"}`)
	prev := *snap.Seq
	for {
		m := c.next()
		if m.Op == "pong" {
			break
		}
		if *m.Prev != prev || *m.Seq <= prev {
			t.Fatalf("delta %s after %d", m, prev)
		}
		prev = *m.Seq
		if m.Removed {
			delete(held, m.Key)
		} else {
			held[m.Key] = true
		}
	}
	want := map[string]bool{}
	for _, o := range h.state.Snapshot(live.Query{Layers: live.AllLayers}).Orders {
		want[o.OrderID] = true
	}
	if fmt.Sprint(held) != fmt.Sprint(want) {
		t.Errorf("snapshot plus deltas = %v\nstate = %v", held, want)
	}
}

// Sequence numbers are the event stream's, so a client resumes across a
// restart of the whole process: the rebuilt state refills the hub's ring.
func TestResumeAcrossRestart(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	c := h.dial(nil)
	sub := map[string]any{"layers": []string{"orders"}}
	c.subscribe("r", sub)
	c.expect("snapshot")
	h.publish(h.order("WO1", event.Received, posA, chainA))
	last := *c.expect("delta").Seq

	h.close()
	h.start()
	acks := h.publish(h.order("WO1", event.Closed, posA, chainA), h.order("WO2", event.Received, posC, chainC))

	c = h.dial(nil)
	sub["resume"] = last
	c.subscribe("r", sub)
	c.expect("resumed")
	for i, want := range []string{"-WO1", "WO2"} {
		d := c.expect("delta")
		key := d.Key
		if d.Removed {
			key = "-" + key
		}
		if key != want || *d.Seq != acks[i].Seq {
			t.Fatalf("replayed after restart: %s, want %s at %d", d, want, acks[i].Seq)
		}
	}
}

// An order whose deadline passes comes again with overdue set, as a delta
// without sequence numbers that leaves the chain of the others alone.
func TestOverdueDeltaHasNoSequence(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	c := h.dial(nil)
	c.subscribe("o", map[string]any{"layers": []string{"orders"}})
	c.expect("snapshot")
	soon := event.Time{Time: time.Now().Add(50 * time.Millisecond)}
	acks := h.publish(h.order("WO1", event.Received, posA, chainA, func(o *event.Order) { o.Deadline = &soon }))
	if d := c.expect("delta"); *d.Seq != acks[0].Seq {
		t.Fatalf("delta = %s", d)
	}
	// The state's sweep (every second) notices the deadline.
	d := c.expect("delta")
	var o live.Order
	if err := json.Unmarshal(d.Data, &o); err != nil {
		t.Fatal(err)
	}
	if d.Seq != nil || d.Prev != nil || !o.Overdue || o.Seq != acks[0].Seq {
		t.Fatalf("overdue delta = %s", d)
	}
	acks2 := h.publish(h.order("WO1", event.Dispatched, posA, chainA))
	if d := c.expect("delta"); *d.Prev != acks[0].Seq || *d.Seq != acks2[0].Seq {
		t.Fatalf("next delta = %s, want prev %d", d, acks[0].Seq)
	}
	// A resume from before the deadline replays the overdue change too.
	c2 := h.dial(nil)
	c2.subscribe("o", map[string]any{"layers": []string{"orders"}, "resume": acks[0].Seq - 1})
	c2.expect("resumed")
	if d := c2.expect("delta"); *d.Seq != acks[0].Seq {
		t.Fatalf("replay 1 = %s", d)
	}
	if d := c2.expect("delta"); d.Seq != nil {
		t.Fatalf("replay 2 = %s, want the overdue change", d)
	}
	if d := c2.expect("delta"); *d.Seq != acks2[0].Seq {
		t.Fatalf("replay 3 = %s", d)
	}
}
