package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/live"
)

// harness is a hub over a real live state over a real embedded bus,
// served on a loopback port.
type harness struct {
	t     *testing.T
	opts  harnessOpts
	dir   string
	bus   *bus.Bus
	state *live.State
	hub   *Hub
	srv   *httptest.Server
	stop  context.CancelFunc
	done  sync.WaitGroup
	up    bool
	n     int // events published, for unique ids
}

type harnessOpts struct {
	cfg Config
	// sockBuf, when set, shrinks the server's send buffer of every
	// accepted connection, so a client that does not read blocks the
	// writer after a few kilobytes.
	sockBuf int
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	h := &harness{t: t, opts: o, dir: t.TempDir()}
	h.start()
	t.Cleanup(h.close)
	return h
}

// start opens the bus on the harness's directory, rebuilds the state and
// serves a new hub, as a process start does.
func (h *harness) start() {
	h.t.Helper()
	b, err := bus.Open(context.Background(), bus.DefaultConfig(h.dir))
	if err != nil {
		h.t.Fatal(err)
	}
	h.bus = b
	h.state = live.New(live.Config{})
	h.hub = New(h.opts.cfg, h.state)
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	h.done.Add(2)
	go func() { defer h.done.Done(); _ = h.state.Run(ctx, b) }()
	go func() { defer h.done.Done(); _ = h.hub.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := h.state.WaitReady(wctx); err != nil {
		h.t.Fatal(err)
	}
	h.srv = httptest.NewUnstartedServer(h.hub)
	if h.opts.sockBuf > 0 {
		h.srv.Listener = smallSendBuffers{h.srv.Listener, h.opts.sockBuf}
	}
	h.srv.Start()
	h.up = true
}

// close stops the server, the hub, the state and the bus.
func (h *harness) close() {
	if !h.up {
		return
	}
	h.up = false
	h.srv.CloseClientConnections()
	h.stop()
	h.done.Wait()
	h.srv.Close()
	h.bus.Close()
}

type smallSendBuffers struct {
	net.Listener
	size int
}

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(l.size)
	}
	return c, err
}

func (h *harness) url() string { return "ws" + strings.TrimPrefix(h.srv.URL, "http") + "/ws" }

// publish stores events and waits until the hub has fanned out every
// change they made.
func (h *harness) publish(evs ...*event.Event) []bus.Ack {
	h.t.Helper()
	acks := h.bus.Publish(context.Background(), evs)
	var lastEv uint64
	latest := map[string]time.Time{} // worker → newest position published
	for i, a := range acks {
		if a.Err != nil {
			h.t.Fatalf("publish %s: %v", evs[i].ID, a.Err)
		}
		if e := evs[i]; e.Patrol != nil {
			if e.Time.After(latest[e.Patrol.WorkerID]) {
				// The bus carries milliseconds.
				latest[e.Patrol.WorkerID] = e.Time.Truncate(time.Millisecond)
			}
		} else {
			lastEv = max(lastEv, a.Seq)
		}
	}
	h.waitFor("the state to apply the events", func() bool {
		if h.state.Seq() < lastEv {
			return false
		}
		seen := 0
		for _, w := range h.state.Snapshot(live.Query{Layers: live.LayersOf(live.Patrols)}).Patrols {
			if t, ok := latest[w.WorkerID]; ok && !w.Updated.Before(t) {
				seen++
			}
		}
		return seen == len(latest)
	})
	h.caughtUp()
	return acks
}

// caughtUp waits until the hub has fanned out every change the state has
// made so far.
func (h *harness) caughtUp() {
	h.t.Helper()
	v := h.state.Snapshot(live.Query{}).Version
	h.waitFor("the hub to fan out", func() bool {
		h.hub.mu.Lock()
		defer h.hub.mu.Unlock()
		return h.hub.lastVersion >= v
	})
}

func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Places in district 510116: A and B in street 001, C in street 002.
var (
	chainA = event.Chain{Street: "510116001", Community: "510116001001", GeneralGrid: "510116001001001"}
	chainB = event.Chain{Street: "510116001", Community: "510116001002", GeneralGrid: "510116001002001"}
	chainC = event.Chain{Street: "510116002", Community: "510116002001", GeneralGrid: "510116002001001"}
	posA   = event.Position{103.920, 30.570}
	posB   = event.Position{103.930, 30.575}
	posC   = event.Position{103.960, 30.590}
	// boxAB holds A and B but not C.
	boxAB = []float64{103.91, 30.56, 103.94, 30.58}
)

func (h *harness) order(orderID string, st event.State, pos event.Position, c event.Chain, mut ...func(*event.Order)) *event.Event {
	h.n++
	o := &event.Order{OrderID: orderID, State: st}
	if st == event.Received {
		o.Channel, o.Category, o.Priority = "hotline_12345", "environment.parking", "normal"
	}
	for _, m := range mut {
		m(o)
	}
	c2 := c
	return &event.Event{ID: fmt.Sprintf("e%d", h.n), Type: event.TypeOrder, Time: event.Time{Time: time.Now().UTC()},
		Location: pos, Area: &c2, Order: o}
}

func (h *harness) alarm(alarmID string, act event.Action, sev event.Severity, pos event.Position, c event.Chain) *event.Event {
	h.n++
	c2 := c
	return &event.Event{ID: fmt.Sprintf("a%d", h.n), Type: event.TypeAlarm, Time: event.Time{Time: time.Now().UTC()},
		Location: pos, Area: &c2, Alarm: &event.Alarm{AlarmID: alarmID, DeviceID: "d-" + alarmID,
			DeviceType: "smoke", Kind: "smoke", Severity: sev, Action: act}}
}

func (h *harness) patrol(worker string, t time.Time, pos event.Position, c event.Chain) *event.Event {
	h.n++
	c2 := c
	return &event.Event{ID: fmt.Sprintf("p%d", h.n), Type: event.TypePatrol, Time: event.Time{Time: t.UTC()},
		Location: pos, Area: &c2, Patrol: &event.Patrol{WorkerID: worker, Role: "grid_worker", OnDuty: true}}
}

// msg is any server message, decoded loosely for assertions.
type msg struct {
	Op      string          `json:"op"`
	Sub     string          `json:"sub"`
	Seq     *uint64         `json:"seq"`
	Prev    *uint64         `json:"prev"`
	Layer   string          `json:"layer"`
	Key     string          `json:"key"`
	Removed bool            `json:"removed"`
	Data    json.RawMessage `json:"data"`
	Orders  []*live.Order   `json:"orders"`
	Alarms  []*live.Alarm   `json:"alarms"`
	Patrols []*live.Worker  `json:"patrols"`
	Workers []*live.Worker  `json:"workers"`
	Gone    []string        `json:"gone"`
	Full    bool            `json:"full"`
	Code    string          `json:"code"`
	Field   string          `json:"field"`
	Message string          `json:"message"`
	Reason  string          `json:"reason"`
	raw     string
}

func (m *msg) String() string { return m.raw }

// client is a test WebSocket client that splits frames into messages.
type client struct {
	t       *testing.T
	ws      *websocket.Conn
	pending []*msg
}

func (h *harness) dial(header http.Header) *client {
	h.t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(h.url(), header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		h.t.Fatalf("dial: %v (HTTP %d)", err, status)
	}
	c := &client{t: h.t, ws: ws}
	h.t.Cleanup(func() { ws.Close() })
	return c
}

func (c *client) send(v any) {
	c.t.Helper()
	var err error
	if s, ok := v.(string); ok {
		err = c.ws.WriteMessage(websocket.TextMessage, []byte(s))
	} else {
		err = c.ws.WriteJSON(v)
	}
	if err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// next returns the next message, failing the test after 10 s.
func (c *client) next() *msg {
	c.t.Helper()
	m, err := c.read(10 * time.Second)
	if err != nil {
		c.t.Fatalf("waiting for a message: %v", err)
	}
	return m
}

func (c *client) read(wait time.Duration) (*msg, error) {
	for len(c.pending) == 0 {
		_ = c.ws.SetReadDeadline(time.Now().Add(wait))
		kind, data, err := c.ws.ReadMessage()
		if err != nil {
			return nil, err
		}
		if kind != websocket.TextMessage {
			return nil, fmt.Errorf("a frame of type %d", kind)
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			m := &msg{raw: string(line)}
			if err := json.Unmarshal(line, m); err != nil {
				return nil, fmt.Errorf("message %q: %w", line, err)
			}
			c.pending = append(c.pending, m)
		}
	}
	m := c.pending[0]
	c.pending = c.pending[1:]
	return m, nil
}

// expect returns the next message, failing unless its op is op.
func (c *client) expect(op string) *msg {
	c.t.Helper()
	m := c.next()
	if m.Op != op {
		c.t.Fatalf("got %s, want a %q message", m, op)
	}
	return m
}

// closeCode reads until the connection closes and returns its close
// error.
func (c *client) closeCode() *websocket.CloseError {
	c.t.Helper()
	for {
		_, err := c.read(10 * time.Second)
		if err == nil {
			continue
		}
		ce, ok := err.(*websocket.CloseError)
		if !ok {
			c.t.Fatalf("connection ended without a close frame: %v", err)
		}
		return ce
	}
}

// subscribe sends a subscribe message built from fields.
func (c *client) subscribe(id string, fields map[string]any) {
	c.t.Helper()
	m := map[string]any{"op": "subscribe", "id": id}
	for k, v := range fields {
		m[k] = v
	}
	c.send(m)
}

func keys[T live.View](views []T) string {
	var out []string
	for _, v := range views {
		out = append(out, v.ID())
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}
