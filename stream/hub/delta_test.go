package hub

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

func TestSnapshotThenDeltas(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	acks := h.publish(
		h.order("WO1", event.Received, posA, chainA),
		h.order("WO2", event.Received, posB, chainB),
		h.alarm("AL1", event.Raise, "major", posA, chainA),
	)
	c := h.dial(nil)
	c.subscribe("s1", map[string]any{"layers": []string{"orders", "alarms"}})
	snap := c.expect("snapshot")
	if snap.Sub != "s1" || *snap.Seq != acks[2].Seq || keys(snap.Orders) != "WO1,WO2" || keys(snap.Alarms) != "AL1" || snap.Patrols != nil {
		t.Fatalf("snapshot = %s", snap)
	}

	acks = h.publish(
		h.order("WO1", event.Dispatched, posA, chainA, func(o *event.Order) { o.Assignee = "GW-3" }),
		h.order("WO3", event.Received, posC, chainC),
		h.order("WO2", event.Closed, posB, chainB),
		h.alarm("AL1", event.Clear, "major", posA, chainA),
	)
	prev := *snap.Seq
	want := []struct {
		layer, key string
		removed    bool
	}{{"orders", "WO1", false}, {"orders", "WO3", false}, {"orders", "WO2", true}, {"alarms", "AL1", true}}
	for i, w := range want {
		d := c.expect("delta")
		if d.Sub != "s1" || d.Layer != w.layer || d.Key != w.key || d.Removed != w.removed ||
			*d.Seq != acks[i].Seq || *d.Prev != prev {
			t.Fatalf("delta %d = %s, want %s/%s removed=%v seq %d prev %d", i, d, w.layer, w.key, w.removed, acks[i].Seq, prev)
		}
		prev = *d.Seq
		if w.removed != (d.Data == nil) {
			t.Errorf("delta %d: data %s", i, d.Data)
		}
	}
	var wo1 live.Order
	c2 := h.dial(nil)
	c2.subscribe("all", map[string]any{"layers": []string{"orders"}})
	for _, o := range c2.expect("snapshot").Orders {
		if o.OrderID == "WO1" {
			wo1 = *o
		}
	}
	if wo1.State != event.Dispatched || wo1.Assignee != "GW-3" || wo1.Category != "environment.parking" {
		t.Errorf("WO1 in a later snapshot = %+v", wo1)
	}
}

// Each subscription gets what its box, area and filters select, and a
// removal when a thing leaves its selection.
func TestFilters(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{MaxSubscriptionsPerConn: 16}})
	tests := []struct {
		name   string
		fields map[string]any
		want   string // the deltas, in order: key or -key for removals
	}{
		{"everything", map[string]any{"layers": []string{"orders", "alarms"}},
			"[WO1 WO2 WO3 AL1 AL2 WO1 WO3 -AL1]"},
		{"bbox", map[string]any{"layers": []string{"orders", "alarms"}, "bbox": boxAB},
			"[WO1 WO2 AL1 WO1 -AL1]"},
		{"street", map[string]any{"layers": []string{"orders", "alarms"}, "area": "510116002"},
			"[WO3 AL2 WO3]"},
		{"community", map[string]any{"layers": []string{"orders"}, "area": "510116001002"},
			"[WO2]"},
		{"grid", map[string]any{"layers": []string{"orders"}, "area": "510116001001001"},
			"[WO1 WO1]"},
		{"district", map[string]any{"layers": []string{"alarms"}, "area": "510116"},
			"[AL1 AL2 -AL1]"},
		{"bbox and area", map[string]any{"layers": []string{"orders"}, "bbox": boxAB, "area": "510116001002"},
			"[WO2]"},
		// WO1 leaves the selection when dispatched; WO3 too.
		{"states", map[string]any{"layers": []string{"orders"}, "filters": map[string]any{"states": []string{"received"}}},
			"[WO1 WO2 WO3 -WO1 -WO3]"},
		{"category class", map[string]any{"layers": []string{"orders"}, "filters": map[string]any{"categories": []string{"safety"}}},
			"[WO2]"},
		{"severities", map[string]any{"layers": []string{"alarms"}, "filters": map[string]any{"severities": []string{"critical"}}},
			"[AL2]"},
	}
	c := h.dial(nil)
	for i, tt := range tests {
		c.subscribe(fmt.Sprint(i), tt.fields)
		if s := c.expect("snapshot"); len(s.Orders)+len(s.Alarms) != 0 {
			t.Fatalf("%s: snapshot of an empty state = %s", tt.name, s)
		}
	}
	h.publish(
		h.order("WO1", event.Received, posA, chainA),
		h.order("WO2", event.Received, posB, chainB, func(o *event.Order) { o.Category = "safety.fire_lane" }),
		h.order("WO3", event.Received, posC, chainC),
		h.alarm("AL1", event.Raise, "major", posA, chainA),
		h.alarm("AL2", event.Raise, "critical", posC, chainC),
		h.order("WO1", event.Dispatched, posA, chainA),
		h.order("WO3", event.Dispatched, posC, chainC),
		h.alarm("AL1", event.Clear, "major", posA, chainA),
	)
	// A marker every subscription sees ends each one's deltas.
	c.send(`{"op":"ping"}`)
	got := map[string][]string{}
	for {
		m := c.next()
		if m.Op == "pong" {
			break
		}
		if m.Op != "delta" {
			t.Fatalf("unexpected %s", m)
		}
		k := m.Key
		if m.Removed {
			k = "-" + k
		}
		got[m.Sub] = append(got[m.Sub], k)
	}
	for i, tt := range tests {
		if g := fmt.Sprint(got[fmt.Sprint(i)]); g != tt.want {
			t.Errorf("%s: deltas %s, want %s", tt.name, g, tt.want)
		}
	}
}

func TestPatrolsAreCoalesced(t *testing.T) {
	// The flush is driven by the test, not the clock.
	h := newHarness(t, harnessOpts{cfg: Config{FlushInterval: time.Hour}})
	c := h.dial(nil)
	c.subscribe("p", map[string]any{"layers": []string{"patrols"}, "bbox": boxAB})
	if s := c.expect("snapshot"); s.Patrols == nil || len(s.Patrols) != 0 || s.Orders != nil {
		t.Fatalf("snapshot = %s", s)
	}
	start := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	var evs []*event.Event
	for i := range 50 {
		pos := event.Position{posA[0] + float64(i)*1e-4, posA[1]}
		evs = append(evs, h.patrol("GW-1", start.Add(time.Duration(i)*time.Second), pos, chainA))
	}
	evs = append(evs, h.patrol("GW-2", start, posB, chainB), h.patrol("GW-3", start, posC, chainC))
	h.publish(evs...)
	h.hub.flush()
	m := c.expect("patrols")
	if len(m.Workers) != 2 || len(m.Gone) != 0 {
		t.Fatalf("patrols = %s, want GW-1 and GW-2 once each", m)
	}
	for _, w := range m.Workers {
		if w.WorkerID == "GW-1" && (w.Location != evs[49].Location || !w.Updated.Equal(evs[49].Time.Time)) {
			t.Errorf("GW-1 = %+v, want its last position %v", w, evs[49].Location)
		}
	}

	// GW-2 walks out of the box, GW-3 into it.
	h.publish(h.patrol("GW-2", start.Add(time.Minute), posC, chainC), h.patrol("GW-3", start.Add(time.Minute), posB, chainB))
	h.hub.flush()
	m = c.expect("patrols")
	if fmt.Sprintf("%s %v", keys(m.Workers), m.Gone) != "GW-3 [GW-2]" {
		t.Errorf("patrols = %s, want GW-3 in and GW-2 gone", m)
	}
	// Nothing changed, nothing sent: the next message is the pong.
	h.hub.flush()
	c.send(`{"op":"ping"}`)
	c.expect("pong")
}

func TestUnsubscribe(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	c := h.dial(nil)
	c.subscribe("a", map[string]any{"layers": []string{"orders"}})
	c.subscribe("b", map[string]any{"layers": []string{"orders"}})
	c.expect("snapshot")
	c.expect("snapshot")
	c.send(map[string]any{"op": "unsubscribe", "id": "a"})
	if m := c.expect("unsubscribed"); m.Sub != "a" {
		t.Fatalf("unsubscribed %s", m)
	}
	h.publish(h.order("WO1", event.Received, posA, chainA))
	if m := c.expect("delta"); m.Sub != "b" {
		t.Fatalf("delta for %s after unsubscribing a", m.Sub)
	}
	// Subscribing again with an id in use replaces the subscription.
	c.subscribe("b", map[string]any{"layers": []string{"orders"}, "area": "510116002"})
	if m := c.expect("snapshot"); m.Sub != "b" || len(m.Orders) != 0 {
		t.Fatalf("replacing snapshot = %s", m)
	}
	h.publish(h.order("WO2", event.Received, posA, chainA), h.order("WO3", event.Received, posC, chainC))
	if m := c.expect("delta"); m.Key != "WO3" {
		t.Fatalf("delta after replacing = %s", m)
	}
}

// Over many ticks of workers walking in and out of a box, a client's
// workers, built from its snapshot and patrol batches, are always exactly
// those in the box: whichever way the hub works a batch out (searching the
// box, or reading the tick's changes when the client holds many workers).
func TestPatrolBatchesTrackTheBox(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{FlushInterval: time.Hour}})
	c := h.dial(nil)
	c.subscribe("p", map[string]any{"layers": []string{"patrols"}, "bbox": boxAB})
	c.expect("snapshot")
	places := []struct {
		pos   event.Position
		chain event.Chain
		in    bool
	}{{posA, chainA, true}, {posB, chainB, true}, {posC, chainC, false}}
	rng := rand.New(rand.NewPCG(7, 11))
	start := time.Now().Add(-10 * time.Minute).Truncate(time.Millisecond)
	const workers = 40
	want := map[string]bool{} // workers in the box
	held := map[string]bool{} // workers the client holds
	for tick := range 30 {
		// Some ticks move most workers (the changes are few next to what
		// the client holds), some only a couple.
		moving := 2 + rng.IntN(workers-2)
		if tick%3 == 0 {
			moving = 2
		}
		var evs []*event.Event
		for range moving {
			w := rng.IntN(workers)
			p := places[rng.IntN(len(places))]
			id := fmt.Sprintf("GW-%d", w)
			evs = append(evs, h.patrol(id, start.Add(time.Duration(tick)*time.Second+time.Duration(len(evs))*time.Millisecond), p.pos, p.chain))
			want[id] = p.in
		}
		h.publish(evs...)
		h.hub.flush()
		m := c.expect("patrols")
		for _, w := range m.Workers {
			held[w.WorkerID] = true
		}
		for _, g := range m.Gone {
			if !held[g] {
				t.Fatalf("tick %d: %s gone but not held", tick, g)
			}
			delete(held, g)
		}
		for id, in := range want {
			if in != held[id] {
				t.Fatalf("tick %d: %s in the box %v, held by the client %v (%s)", tick, id, in, held[id], m)
			}
		}
	}
}
