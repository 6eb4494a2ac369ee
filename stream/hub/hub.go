// Package hub is the live WebSocket endpoint: clients subscribe to layers
// of the live state (work orders, alarms, patrols) in a bounding box or an
// area, get a snapshot, then deltas numbered by the events stream's
// sequence, and patrol positions coalesced per flush tick. The protocol
// is described in docs/live-protocol.md.
//
// How it stays fast with many clients: an order or alarm change reaches
// only the subscriptions whose box (a grid of cells) or area (a map by
// code) holds it, and is encoded once, its bytes shared by every receiver,
// who adds only a short head. Patrol positions do not fan out at all: each
// only updates its worker's entry, and once per tick every connection's
// writer asks an index of the workers for what changed in its selection.
// Each connection has one writer goroutine draining a bounded queue into
// as few frames as it can, so fan-out never waits for a client, and a
// client that cannot keep up is resynchronised with a fresh snapshot
// instead of slowing anyone.
package hub

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gridpulse/gridpulse/stream/live"
)

// Hub is the WebSocket hub over one live state.
type Hub struct {
	cfg      Config
	state    *live.State
	upgrader websocket.Upgrader
	metrics  *metrics

	// mu orders fan-out against subscribing: a subscription is registered
	// and its snapshot or replay taken under it, so it joins the stream of
	// changes exactly.
	mu          sync.Mutex
	subs        *subIndex
	ring        *ring
	latest      map[viewKey]*change // the change behind each current order and alarm view
	lastSeq     uint64              // last events-stream sequence fanned out
	lastVersion uint64              // last change version fanned out
	// patrolChanges are the worker changes since the last tick, tick
	// counts the ticks; board holds the workers as of the last tick.
	patrolChanges map[string]live.Change
	tick          uint64
	board         *board

	flushMu sync.Mutex // one patrol tick at a time

	connsMu   sync.Mutex
	connected uint64 // connections accepted so far, to deal out flush slots
	conns     map[*conn]struct{}
	stopped   bool
	wg        sync.WaitGroup
}

// New makes a hub serving st. It registers with st at once, so create it
// before st.Run to keep every change available for resuming clients.
func New(cfg Config, st *live.State) *Hub {
	cfg = cfg.withDefaults()
	h := &Hub{
		cfg:           cfg,
		state:         st,
		metrics:       newMetrics(),
		subs:          newSubIndex(),
		latest:        map[viewKey]*change{},
		patrolChanges: map[string]live.Change{},
		board:         newBoard(),
		conns:         map[*conn]struct{}{},
	}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   4 << 10,
		WriteBufferSize:  16 << 10,
		// Idle connections hold no write buffer.
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     cfg.CheckOrigin,
		Error:           writeHTTPError,
		// Browsers carry their token in a second offered subprotocol; the
		// answer names only this one.
		Subprotocols: []string{Protocol},
	}
	st.OnChange(h.onChange)
	// Every change after this sequence reaches onChange: a client that
	// saw it can resume.
	seq := st.Seq()
	h.ring = newRing(cfg.ResumeEntries, seq)
	h.lastSeq = seq
	return h
}

// Run drives the flush and ping tickers until ctx ends, then closes every
// connection with 1001 (going away) and waits for them to finish.
func (h *Hub) Run(ctx context.Context) error {
	flush := time.NewTicker(h.cfg.FlushInterval)
	defer flush.Stop()
	ping := time.NewTicker(h.cfg.PingInterval)
	defer ping.Stop()
	for {
		select {
		case <-flush.C:
			h.flush()
		case <-ping.C:
			h.ping()
		case <-ctx.Done():
			h.connsMu.Lock()
			h.stopped = true
			h.connsMu.Unlock()
			h.eachConn(func(c *conn) {
				c.closeWith(websocket.CloseGoingAway, "server shutting down")
				h.metrics.closes.WithLabelValues("1001").Inc()
			})
			h.wg.Wait()
			return ctx.Err()
		}
	}
}

// ping has every connection send a WebSocket ping.
func (h *Hub) ping() {
	h.eachConn(func(c *conn) {
		c.mu.Lock()
		c.pingDue = true
		c.signal()
		c.mu.Unlock()
	})
}

func (h *Hub) eachConn(fn func(*conn)) {
	h.connsMu.Lock()
	defer h.connsMu.Unlock()
	for c := range h.conns {
		fn(c)
	}
}

// ServeHTTP upgrades a request to a WebSocket connection and serves it
// until it closes. Mount it at /ws.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	scope := ""
	if h.cfg.Scope != nil {
		var err error
		if scope, err = h.cfg.Scope(r); err != nil {
			writeHTTPError(w, r, http.StatusForbidden, err)
			return
		}
	}
	h.connsMu.Lock()
	stopped := h.stopped
	if !stopped {
		h.wg.Add(1)
	}
	h.connsMu.Unlock()
	if stopped {
		writeHTTPError(w, r, http.StatusServiceUnavailable, errShuttingDown)
		return
	}
	defer h.wg.Done()
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := newConn(h, ws, scope)
	h.connsMu.Lock()
	h.connected++
	c.slot = int(h.connected % flushSlots)
	h.conns[c] = struct{}{}
	h.connsMu.Unlock()
	h.metrics.conns.Inc()
	if h.cfg.Until != nil {
		if until := h.cfg.Until(r); !until.IsZero() {
			expire := time.AfterFunc(time.Until(until), func() {
				h.metrics.closes.WithLabelValues("1008").Inc()
				c.closeWith(websocket.ClosePolicyViolation, "token expired")
			})
			defer expire.Stop()
		}
	}
	go c.writer()
	c.read()
	h.drop(c)
	close(c.done)
	// The client is gone or done: a writer blocked on it need not wait
	// for its deadline.
	ws.NetConn().Close()
	<-c.written
	h.metrics.conns.Dec()
}

// drop removes a finished connection and its subscriptions.
func (h *Hub) drop(c *conn) {
	h.connsMu.Lock()
	delete(h.conns, c)
	h.connsMu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, s := range c.subs {
		h.unindex(s)
		c.forget(s)
		delete(c.subs, id)
	}
	c.closing = true
}

type httpError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type errText string

func (e errText) Error() string { return string(e) }

// Protocol is the WebSocket subprotocol of the live protocol. Clients may
// offer it; the server then names it in its answer.
const Protocol = "gridpulse.v1"

const errShuttingDown = errText("the server is shutting down")

// writeHTTPError answers a refused upgrade in the API's error shape.
func writeHTTPError(w http.ResponseWriter, _ *http.Request, status int, reason error) {
	var body httpError
	body.Error.Code = map[int]string{
		http.StatusForbidden:          "forbidden",
		http.StatusServiceUnavailable: "unavailable",
	}[status]
	if body.Error.Code == "" {
		body.Error.Code = "bad_request"
	}
	body.Error.Message = reason.Error()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
