package hub

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/live"
)

// The benchmark district: about 24 × 28 km around Shuangliu, nine streets
// in vertical strips.
const (
	benchMinLon, benchMaxLon = 103.80, 104.05
	benchMinLat, benchMaxLat = 30.45, 30.70
)

func benchPlace(r *rand.Rand) (event.Position, *event.Chain) {
	lon := benchMinLon + r.Float64()*(benchMaxLon-benchMinLon)
	lat := benchMinLat + r.Float64()*(benchMaxLat-benchMinLat)
	street := 1 + int((lon-benchMinLon)/(benchMaxLon-benchMinLon)*9)
	s := fmt.Sprintf("510116%03d", min(street, 9))
	return event.Position{lon, lat}, &event.Chain{Street: s, Community: s + "001", GeneralGrid: s + "001001"}
}

// benchSubscribers attaches n subscriptions, one per connection, without
// sockets: 90% random viewports of 2–10 km a side, 10% whole streets. It
// returns the connections so the benchmark can empty their queues.
func benchSubscribers(h *Hub, n int, r *rand.Rand) []*conn {
	conns := make([]*conn, n)
	for i := range conns {
		c := newConn(h, nil, "")
		q := live.Query{Layers: live.AllLayers}
		if i%10 == 0 {
			q.Area = fmt.Sprintf("510116%03d", 1+i/10%9)
		} else {
			w, hgt := 0.02+r.Float64()*0.08, 0.02+r.Float64()*0.08
			lon := benchMinLon + r.Float64()*(benchMaxLon-benchMinLon-w)
			lat := benchMinLat + r.Float64()*(benchMaxLat-benchMinLat-hgt)
			q.BBox = &orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + w, lat + hgt}}
		}
		s := newSubscription(fmt.Sprintf("s%d", i), c, q)
		h.holdSnapshot(s, nil)
		c.subs[s.id] = s
		h.subs.add(s)
		conns[i] = c
	}
	return conns
}

// BenchmarkBroadcast measures one event applied to the live state and
// fanned out to 1,000 subscriptions: for orders, queued for each
// subscription it concerns; for patrols, noted for the tick, with the
// tick itself (one per 20,000 events, a second at 20k events/s) and
// every subscription's batch computed, but not encoded or written.
// deliveries/op is how many subscriptions each event reached, or for
// patrols how many worker entries the batches held per event.
func BenchmarkBroadcast(b *testing.B) {
	for _, layer := range []string{"orders", "patrols"} {
		b.Run(layer, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			st := live.New(live.Config{})
			h := New(Config{SendQueue: 1 << 20}, st)
			conns := benchSubscribers(h, 1000, r)
			msgs := make([]bus.Message, 4096)
			now := time.Now()
			for i := range msgs {
				pos, chain := benchPlace(r)
				e := &event.Event{ID: fmt.Sprintf("e%d", i), Time: event.Time{Time: now.Add(time.Duration(i) * time.Millisecond)},
					Location: pos, Area: chain}
				if layer == "orders" {
					e.Type, e.Order = event.TypeOrder, &event.Order{OrderID: fmt.Sprintf("WO%d", i%2000), State: event.Received,
						Channel: "hotline_12345", Category: "environment.parking", Priority: "normal", Title: "车辆占道，影响通行"}
					msgs[i] = bus.Message{Stream: bus.EventsStream, Event: e}
				} else {
					e.Type, e.Patrol = event.TypePatrol, &event.Patrol{WorkerID: fmt.Sprintf("GW%d", i%3000), Role: "grid_worker", OnDuty: true}
					msgs[i] = bus.Message{Stream: bus.PatrolStream, Event: e}
				}
			}
			delivered := 0
			drain := func() {
				if layer == "patrols" {
					h.flush()
				}
				for _, c := range conns {
					delivered += len(c.queue)
					c.queue = c.queue[:0]
					for _, s := range c.subs {
						pb := h.board.batch(s)
						delivered += len(pb.workers) + len(pb.gone)
					}
				}
			}
			b.ReportAllocs()
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := range b.N {
				m := msgs[i%len(msgs)]
				m.Seq = uint64(i + 1)
				// A fresh event id and a later time each round, so the
				// state takes every message.
				e := *m.Event
				e.ID = fmt.Sprint(i)
				e.Time.Time = e.Time.Add(time.Duration(i/len(msgs)) * time.Hour)
				m.Event = &e
				st.Apply(m)
				if layer == "patrols" && i%20000 == 19999 {
					drain()
				}
				if layer == "orders" && i%len(msgs) == len(msgs)-1 {
					b.StopTimer()
					drain()
					b.StartTimer()
				}
			}
			drain()
			b.StopTimer()
			b.ReportMetric(float64(delivered)/float64(b.N), "deliveries/op")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkLoopback measures events applied to the live state and
// delivered to 1,000 real WebSocket clients on loopback, each reading in
// its own goroutine, the clients' viewports as in BenchmarkBroadcast. It
// reports the deliveries the clients read per second of wall time and the
// resyncs the hub had to send (zero when the clients keep up).
func BenchmarkLoopback(b *testing.B) {
	for _, layer := range []string{"orders", "patrols"} {
		b.Run(layer, func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, 4))
			st := live.New(live.Config{})
			h := New(Config{FlushInterval: time.Hour, PingInterval: time.Hour}, st)
			srv := httptest.NewServer(h)
			defer srv.Close()
			url := "ws" + strings.TrimPrefix(srv.URL, "http")

			const clients = 1000
			var received atomic.Int64
			pongs := make(chan struct{}, clients)
			conns := make([]*websocket.Conn, clients)
			for i := range conns {
				ws, _, err := websocket.DefaultDialer.Dial(url, nil)
				if err != nil {
					b.Fatal(err)
				}
				conns[i] = ws
				sub := map[string]any{"op": "subscribe", "id": "s", "layers": []string{layer}}
				if i%10 == 0 {
					sub["area"] = fmt.Sprintf("510116%03d", 1+i/10%9)
				} else {
					w, hgt := 0.02+r.Float64()*0.08, 0.02+r.Float64()*0.08
					lon := benchMinLon + r.Float64()*(benchMaxLon-benchMinLon-w)
					lat := benchMinLat + r.Float64()*(benchMaxLat-benchMinLat-hgt)
					sub["bbox"] = []float64{lon, lat, lon + w, lat + hgt}
				}
				if err := ws.WriteJSON(sub); err != nil {
					b.Fatal(err)
				}
				go func() {
					for {
						_, data, err := ws.ReadMessage()
						if err != nil {
							return
						}
						// Count messages without decoding them: the
						// benchmark is of the server.
						n := int64(bytes.Count(data, []byte("\n")) + 1)
						if bytes.Contains(data, []byte(`{"op":"pong"}`)) {
							pongs <- struct{}{}
							n--
						}
						received.Add(n)
					}
				}()
			}
			defer func() {
				for _, ws := range conns {
					ws.Close()
				}
			}()
			// Wait for the snapshots.
			for _, ws := range conns {
				_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"op":"ping"}`))
			}
			for range clients {
				<-pongs
			}
			received.Store(0)

			now := time.Now()
			msg := func(i int) bus.Message {
				pos, chain := benchPlace(r)
				e := &event.Event{ID: fmt.Sprint(i), Time: event.Time{Time: now.Add(time.Duration(i) * time.Millisecond)},
					Location: pos, Area: chain}
				if layer == "orders" {
					e.Type, e.Order = event.TypeOrder, &event.Order{OrderID: fmt.Sprintf("WO%d", i%2000), State: event.Received,
						Channel: "hotline_12345", Category: "environment.parking", Priority: "normal", Title: "车辆占道，影响通行"}
					return bus.Message{Stream: bus.EventsStream, Seq: uint64(i + 1), Event: e}
				}
				e.Type, e.Patrol = event.TypePatrol, &event.Patrol{WorkerID: fmt.Sprintf("GW%d", i%3000), Role: "grid_worker", OnDuty: true}
				return bus.Message{Stream: bus.PatrolStream, Event: e}
			}
			start, cpu0 := time.Now(), cpuTime()
			b.ResetTimer()
			for i := range b.N {
				st.Apply(msg(i))
				if layer == "patrols" && i%20000 == 19999 {
					h.flush()
				}
			}
			h.flush()
			// Everything is delivered when every client has its pong.
			for _, ws := range conns {
				_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"op":"ping"}`))
			}
			for range clients {
				<-pongs
			}
			b.StopTimer()
			elapsed := time.Since(start).Seconds()
			b.ReportMetric(float64(received.Load())/elapsed, "deliveries/s")
			b.ReportMetric(float64(b.N)/elapsed, "events/s")
			b.ReportMetric(h.metrics.resynced(), "resyncs")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the process's user and system CPU time so far, which on a
// shared machine says more than the wall clock. It includes the test
// clients' work in BenchmarkLoopback.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoopbackFrames is the transport's floor, with no hub in it: a
// plain gorilla/websocket server writes ready-made text frames of one size
// to 1,000 loopback clients, each written by its connection's own
// goroutine as the hub's writers do, and the clients read and discard
// them. Its CPU per frame, both ends and the kernel's TCP together, priced
// at the load test's frame rates, is what delivery costs before any event
// is decoded, placed, matched or encoded.
func BenchmarkLoopbackFrames(b *testing.B) {
	for _, size := range []int{1 << 10, 4 << 10, 192 << 10} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			const clients = 1000
			frame := bytes.Repeat([]byte("x"), size)
			upgrader := websocket.Upgrader{ReadBufferSize: 4 << 10, WriteBufferSize: 16 << 10}
			perConn := make(chan int, clients)
			var done sync.WaitGroup
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ws, err := upgrader.Upgrade(w, r, nil)
				if err != nil {
					return
				}
				defer ws.Close()
				for range <-perConn {
					if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
						return
					}
				}
			}))
			defer srv.Close()
			url := "ws" + strings.TrimPrefix(srv.URL, "http")
			dialer := websocket.Dialer{ReadBufferSize: 32 << 10, WriteBufferSize: 4 << 10}
			var read atomic.Int64
			for range clients {
				ws, _, err := dialer.Dial(url, nil)
				if err != nil {
					b.Fatal(err)
				}
				done.Add(1)
				go func() {
					defer done.Done()
					defer ws.Close()
					for {
						_, r, err := ws.NextReader()
						if err != nil {
							return
						}
						if _, err := io.Copy(io.Discard, r); err != nil {
							return
						}
						read.Add(1)
					}
				}()
			}
			start, cpu0 := time.Now(), cpuTime()
			b.ResetTimer()
			for i := range clients {
				perConn <- b.N/clients + min(1, max(0, b.N%clients-i))
			}
			for read.Load() < int64(b.N) {
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			elapsed := time.Since(start).Seconds()
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e3, "cpu-µs/frame")
			b.ReportMetric(float64(b.N)/elapsed, "frames/s")
			srv.CloseClientConnections()
			done.Wait()
		})
	}
}
