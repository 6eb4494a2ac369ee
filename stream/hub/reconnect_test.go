package hub

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/live"
)

// burstPlace is where a burst's order or alarm happens.
type burstPlace struct {
	pos   event.Position
	chain event.Chain
}

// burstPlaces: A and B inside boxAB, C outside it.
var burstPlaces = []burstPlace{{posA, chainA}, {posB, chainB}, {posC, chainC}}

// published is one event of the burst as the bus stored it.
type published struct {
	seq   uint64
	inBox bool // its place is inside boxAB
}

// Real clients on loopback follow a burst of work-order and alarm changes
// and drop their connections in the middle of it, some with a close frame
// and some by cutting the TCP connection, stay away while more changes
// arrive, and come back with the last sequence number they applied. Every
// client must see every change of its subscription exactly once and in
// stream order, across all its connections: no gap, no repeat, no
// snapshot in place of a replay.
func TestReconnectMidBurstMissesNothing(t *testing.T) {
	// The queue is deep enough that no client is resynchronised for being
	// slow: this test is about lost connections, backpressure has its own.
	h := newHarness(t, harnessOpts{cfg: Config{SendQueue: 8192}})
	const (
		clients   = 8
		orders    = 300 // each received, dispatched, closed
		alarms    = 150 // each raised, cleared
		drops     = 3   // per client
		awayFor   = 40  // events published while a client is away
		batchSize = 5
		tail      = 200 // events held back until every client's last drop
	)

	// Every client subscribes before the burst; half watch boxAB, half
	// the whole district.
	subs := make([]map[string]any, clients)
	conns := make([]*client, clients)
	from := make([]uint64, clients)
	for i := range clients {
		subs[i] = map[string]any{"layers": []string{"orders", "alarms"}}
		if i%2 == 1 {
			subs[i]["bbox"] = boxAB
		}
		conns[i] = h.dial(nil)
		conns[i].subscribe("b", subs[i])
		from[i] = *conns[i].expect("snapshot").Seq
	}

	var (
		mu   sync.Mutex
		pub  []published
		sent atomic.Int64 // events published so far
	)
	burst := burstEvents(h, orders, alarms)
	// The last part of the burst waits until every client has dropped its
	// connection for the last time, so that each last drop is sure to
	// fall in the middle of the burst.
	var lastDrops atomic.Int64
	held := make(chan struct{})
	var holding atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		waited := false
		for start := 0; start < len(burst); start += batchSize {
			if !waited && start >= len(burst)-tail {
				holding.Store(true)
				<-held
				holding.Store(false)
				waited = true
			}
			evs := burst[start:min(start+batchSize, len(burst))]
			acks := h.bus.Publish(context.Background(), evs)
			mu.Lock()
			for j, a := range acks {
				if a.Err != nil {
					t.Errorf("publish %s: %v", evs[j].ID, a.Err)
					continue
				}
				pub = append(pub, published{seq: a.Seq, inBox: slices.Contains([]event.Position{posA, posB}, evs[j].Location)})
			}
			mu.Unlock()
			sent.Add(int64(len(evs)))
		}
	}()

	// Each client drops its connection after a number of deltas of its
	// own, three times, and returns once the burst has passed.
	got := make([][]uint64, clients)
	// pending counts, per client, the changes of its view published but not
	// yet applied when it reconnected: what its resumes had to replay.
	pending := make([]int, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			// A client that fails before its last drop counts as dropped,
			// so the others' burst is not held for ever.
			lastDrop := sync.OnceFunc(func() {
				if lastDrops.Add(1) == clients {
					close(held)
				}
			})
			defer lastDrop()
			f := &follower{h: h, sub: subs[i], ws: conns[i].ws, last: from[i], abrupt: i%2 == 0}
			inView := func(p published) bool { return subs[i]["bbox"] == nil || p.inBox }
			for n := range drops {
				if err := f.read(25 + 60*n + 7*i); err != nil {
					t.Errorf("client %d: %v", i, err)
					return
				}
				f.drop()
				if n == drops-1 {
					lastDrop()
				}
				// Stay away while the burst goes on (an earlier drop
				// comes back at once when the burst is held for the
				// others' last drops).
				away := sent.Load()
				for sent.Load() < away+awayFor && !closed(done) && !(n < drops-1 && holding.Load()) {
					time.Sleep(time.Millisecond)
				}
				mu.Lock()
				for _, p := range pub {
					if p.seq > f.last && inView(p) {
						pending[i]++
					}
				}
				mu.Unlock()
				if err := f.resume(); err != nil {
					t.Errorf("client %d, reconnection %d: %v", i, n+1, err)
					return
				}
			}
			<-done
			if err := f.drain(); err != nil {
				t.Errorf("client %d, after the burst: %v", i, err)
			}
			got[i] = f.seqs
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	for i := range clients {
		var want []uint64
		for _, p := range pub {
			if p.seq > from[i] && (subs[i]["bbox"] == nil || p.inBox) {
				want = append(want, p.seq)
			}
		}
		if !slices.Equal(got[i], want) {
			t.Errorf("client %d (bbox %v) saw %d changes, want %d: %s", i, subs[i]["bbox"], len(got[i]), len(want), seqDiff(got[i], want))
		}
		if pending[i] == 0 {
			t.Errorf("client %d had nothing to catch up on when it reconnected; the test proved nothing for it", i)
		}
	}
	t.Logf("changes replayed on resume, per client: %v", pending)
	if n := counterValue(h.hub.metrics.resumes.WithLabelValues("replayed")); n != clients*drops {
		t.Errorf("the hub replayed %v resumes, want %d", n, clients*drops)
	}
}

// burstEvents is a burst of order and alarm changes, interleaved so that
// each order and alarm goes through its life over the whole burst: order
// k is received, then dispatched a third of the burst later, then closed;
// alarm k is raised, then cleared half a burst later.
func burstEvents(h *harness, orders, alarms int) []*event.Event {
	var out []*event.Event
	steps := []event.State{event.Received, event.Dispatched, event.Closed}
	for round := range 3 {
		for k := range orders {
			p := burstPlaces[k%len(burstPlaces)]
			out = append(out, h.order(fmt.Sprintf("WO-B%d", k), steps[round], p.pos, p.chain))
			if round < 2 && k < alarms {
				q := burstPlaces[(k+1)%len(burstPlaces)]
				act := []event.Action{event.Raise, event.Clear}[round]
				out = append(out, h.alarm(fmt.Sprintf("AL-B%d", k), act, "major", q.pos, q.chain))
			}
		}
	}
	return out
}

// follower is one client following a subscription across connections, as
// the dashboard does: it keeps the last sequence it applied and resumes
// from it.
type follower struct {
	h      *harness
	sub    map[string]any
	ws     *websocket.Conn
	c      *client
	last   uint64
	seqs   []uint64 // every delta's seq, in the order applied
	abrupt bool     // drop by cutting TCP rather than with a close frame
}

// read applies n deltas, checking that each follows the last.
func (f *follower) read(n int) error {
	if f.c == nil {
		f.c = &client{ws: f.ws}
	}
	for range n {
		m, err := f.c.read(10 * time.Second)
		if err != nil {
			return fmt.Errorf("after seq %d: %w", f.last, err)
		}
		if err := f.apply(m); err != nil {
			return err
		}
	}
	return nil
}

func (f *follower) apply(m *msg) error {
	if m.Op != "delta" || m.Seq == nil || m.Prev == nil {
		return fmt.Errorf("after seq %d: got %s, want a sequenced delta", f.last, m)
	}
	if *m.Prev != f.last || *m.Seq <= f.last {
		return fmt.Errorf("delta %s after seq %d: a gap or a repeat", m, f.last)
	}
	f.last = *m.Seq
	f.seqs = append(f.seqs, *m.Seq)
	return nil
}

// drop ends the connection the way a client losing its network or
// closing its tab would.
func (f *follower) drop() {
	if f.abrupt {
		_ = f.ws.UnderlyingConn().Close()
		return
	}
	_ = f.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "bye"), time.Now().Add(time.Second))
	_ = f.ws.Close()
}

// resume connects again and subscribes with the last sequence applied; the
// server must answer with resumed, not a snapshot.
func (f *follower) resume() error {
	ws, _, err := websocket.DefaultDialer.Dial(f.h.url(), nil)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	f.h.t.Cleanup(func() { ws.Close() })
	f.ws, f.c = ws, &client{ws: ws}
	sub := map[string]any{"op": "subscribe", "id": "b", "resume": f.last}
	for k, v := range f.sub {
		sub[k] = v
	}
	if err := ws.WriteJSON(sub); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	m, err := f.c.read(10 * time.Second)
	if err != nil {
		return fmt.Errorf("waiting for resumed: %w", err)
	}
	if m.Op != "resumed" || m.Seq == nil || *m.Seq != f.last {
		return fmt.Errorf("resuming from %d: got %s", f.last, m)
	}
	return nil
}

// drain reads what is left once the burst is over: it waits until the
// hub has fanned out the whole burst, then pings, and applies every delta
// before the pong.
func (f *follower) drain() error {
	last, err := f.h.bus.LastSeq(context.Background(), bus.EventsStream)
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(20 * time.Second); f.h.state.Seq() < last || !f.fannedOut(); {
		if time.Now().After(deadline) {
			return errors.New("the hub never fanned out the burst")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := f.ws.WriteMessage(websocket.TextMessage, []byte(`{"op":"ping"}`)); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	for {
		m, err := f.c.read(10 * time.Second)
		if err != nil {
			return fmt.Errorf("waiting for pong after seq %d: %w", f.last, err)
		}
		if m.Op == "pong" {
			return nil
		}
		if err := f.apply(m); err != nil {
			return err
		}
	}
}

// fannedOut tells whether the hub has handed every change of the state to
// the connections.
func (f *follower) fannedOut() bool {
	v := f.h.state.Snapshot(live.Query{}).Version
	f.h.hub.mu.Lock()
	defer f.h.hub.mu.Unlock()
	return f.h.hub.lastVersion >= v
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// seqDiff names the first place two sequences part.
func seqDiff(got, want []uint64) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("first difference at %d: got seq %d, want %d", i, got[i], want[i])
		}
	}
	if len(got) > len(want) {
		return fmt.Sprintf("extra from seq %d", got[len(want)])
	}
	if len(want) > len(got) {
		return fmt.Sprintf("missing from seq %d", want[len(got)])
	}
	return "equal"
}
