package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"
)

// subID is the id of each client's one subscription.
const subID = "v"

// client is one WebSocket client holding one subscription, as a street
// leader's tablet or a wall screen would. Its reading goroutine owns every
// field below mu; the runner reads them once the client has stopped.
type client struct {
	r      *runner
	index  int
	bbox   *orb.Bound // nil: the whole district
	layers layers
	// maxSeq is the highest seq of a delta read (or of the first
	// snapshot): every change up to it has been fanned out to every
	// subscription. The runner reads it from its drain sentinel.
	maxSeq atomic.Uint64

	writeMu sync.Mutex
	ws      *websocket.Conn
	closing atomic.Bool
	ready   chan struct{} // closed at the first snapshot
	pong    chan struct{}
	done    chan struct{} // closed when the client has stopped

	// Owned by the reading goroutine.
	failed     error // the first connection failed
	synced     bool
	startSeq   uint64 // the first snapshot's seq
	last       uint64 // the last seq applied
	contiguous bool   // no resync and no fresh snapshot since the first
	// got are the seqs of this run's order and alarm deltas, in the order
	// read, for the exactly-once check.
	got    []uint64
	counts clientCounts
	lat    *sampler
	ticks  []tickObs
	recv   int64 // receive time of the frame being read
	buf    bytes.Buffer
	d      delta
}

// clientCounts are what one client counted.
type clientCounts struct {
	msgs        [opCount]int64 // read during the window, by kind
	frames      int64          // during the window
	bytes       int64          // during the window
	workerViews int64          // worker views in patrol batches during the window
	gaps        int64          // deltas whose prev was not the last seq
	repeats     int64          // deltas whose seq was not above the last
	resyncs     int64
	errors      int64 // error messages from the server
	unreadable  int64 // messages that could not be read
	drops       int64 // connections lost
	reconnects  int64
	firstError  string
}

// tickObs is one patrol batch: the batch's time and when it was read.
type tickObs struct {
	atMs int64
	recv int64
}

func newClient(r *runner, index int, bbox *orb.Bound, l layers) *client {
	return &client{
		r: r, index: index, bbox: bbox, layers: l, contiguous: true,
		ready: make(chan struct{}), pong: make(chan struct{}, 1), done: make(chan struct{}),
		lat: r.lat.sampler(index),
	}
}

// run connects and reads until ctx ends or the runner closes the client.
// A lost connection is reconnected with resume, as the protocol asks of
// clients.
func (c *client) run(ctx context.Context) {
	defer close(c.done)
	defer c.lat.flush()
	backoff := 250 * time.Millisecond
	for {
		err := c.session(ctx)
		if !c.synced {
			c.failed = err
			return
		}
		if ctx.Err() != nil || c.closing.Load() {
			return
		}
		c.counts.drops++
		c.note(fmt.Sprintf("connection lost: %v", err))
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(2*backoff, 5*time.Second)
		c.counts.reconnects++
	}
}

// session is one connection: dial, subscribe (resuming after the first),
// read until it ends.
func (c *client) session(ctx context.Context) error {
	var header http.Header
	if c.r.cfg.Token != "" {
		header = http.Header{"Authorization": {"Bearer " + c.r.cfg.Token}}
	}
	ws, _, err := c.r.dialer.DialContext(ctx, c.r.wsURL, header)
	if err != nil {
		return fmt.Errorf("dial %s: %w", c.r.wsURL, err)
	}
	c.writeMu.Lock()
	c.ws = ws
	c.writeMu.Unlock()
	defer ws.Close()
	stop := context.AfterFunc(ctx, func() { ws.Close() })
	defer stop()
	if c.closing.Load() {
		return errors.New("closed")
	}
	if err := c.write(c.subscribeMessage()); err != nil {
		return err
	}
	for {
		_, rd, err := ws.NextReader()
		if err != nil {
			return err
		}
		c.buf.Reset()
		if _, err := c.buf.ReadFrom(rd); err != nil {
			return err
		}
		c.recv = time.Now().UnixNano()
		c.frame(c.buf.Bytes())
	}
}

type subscribeJSON struct {
	Op     string    `json:"op"`
	ID     string    `json:"id"`
	Layers []string  `json:"layers"`
	BBox   []float64 `json:"bbox,omitempty"`
	Resume *uint64   `json:"resume,omitempty"`
}

func (c *client) subscribeMessage() []byte {
	m := subscribeJSON{Op: "subscribe", ID: subID}
	for _, l := range []struct {
		bit  layers
		name string
	}{{layerOrders, "orders"}, {layerAlarms, "alarms"}, {layerPatrols, "patrols"}} {
		if c.layers.has(l.bit) {
			m.Layers = append(m.Layers, l.name)
		}
	}
	if c.bbox != nil {
		m.BBox = []float64{c.bbox.Min[0], c.bbox.Min[1], c.bbox.Max[0], c.bbox.Max[1]}
	}
	if c.synced {
		last := c.last
		m.Resume = &last
	}
	b, _ := json.Marshal(m) // plain fields always encode
	return b
}

// write sends one text message; the runner writes pings and the close
// while the reader runs.
func (c *client) write(msg []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.ws == nil {
		return errors.New("not connected")
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, msg)
}

// close ends the client with a normal close.
func (c *client) close() {
	c.closing.Store(true)
	c.writeMu.Lock()
	if c.ws != nil {
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		// The reader ends on the server's close frame or this deadline.
		_ = c.ws.SetReadDeadline(time.Now().Add(2 * time.Second))
	}
	c.writeMu.Unlock()
}

// frame handles one frame: one or more messages separated by newlines.
func (c *client) frame(b []byte) {
	window := c.r.inWindow(c.recv)
	if window {
		c.counts.frames++
		c.counts.bytes += int64(len(b))
	}
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		o := c.message(line)
		if window {
			c.counts.msgs[o]++
		}
	}
}

// message handles one message and returns its kind.
func (c *client) message(line []byte) op {
	if bytes.HasPrefix(line, deltaPrefix) {
		if !scanDelta(line, &c.d) {
			if err := decodeDelta(line, &c.d); err != nil {
				c.unreadable(err)
				return opOther
			}
		}
		c.delta(&c.d)
		return opDelta
	}
	if bytes.HasPrefix(line, patrolsPrefix) {
		sub, at, n, ok := scanPatrols(line, c.worker)
		if !ok || string(sub) != subID {
			c.unreadable(fmt.Errorf("patrol batch: %.80s", line))
			return opOther
		}
		if c.r.inWindow(c.recv) {
			c.counts.workerViews += int64(n)
			if c.r.inWindow(at * 1e6) {
				c.ticks = append(c.ticks, tickObs{atMs: at, recv: c.recv})
			}
		}
		return opPatrols
	}
	if sub, seq, ok := scanSnapshot(line); ok && string(sub) == subID {
		c.snapshot(seq)
		return opSnapshot
	}
	o, m, err := decodeControl(line)
	if err != nil {
		c.unreadable(err)
		return opOther
	}
	switch o {
	case opSnapshot:
		if m.Seq == nil {
			c.unreadable(errors.New("snapshot without seq"))
			break
		}
		c.snapshot(*m.Seq)
	case opResumed:
		if m.Seq != nil {
			c.last = *m.Seq
		}
	case opResync:
		c.counts.resyncs++
		c.contiguous = false
	case opPong:
		select {
		case c.pong <- struct{}{}:
		default:
		}
	case opError:
		c.counts.errors++
		c.note(fmt.Sprintf("server error %s: %s", m.Code, m.Message))
	}
	return o
}

// snapshot starts the subscription over from seq.
func (c *client) snapshot(seq uint64) {
	c.last = seq
	if !c.synced {
		c.synced, c.startSeq = true, seq
		c.seen(seq)
		close(c.ready)
		return
	}
	// A fresh snapshot (after a resync, or a resume the server could not
	// replay) replaces what was dropped: from here the client holds the
	// state but did not see every change.
	c.contiguous = false
}

// delta applies one order or alarm delta.
func (c *client) delta(d *delta) {
	if string(d.sub) != subID {
		c.unreadable(fmt.Errorf("a delta for subscription %q, which this client never made", d.sub))
		return
	}
	if !d.hasSeq {
		return // clock-made: not in the sequence
	}
	if d.prev != c.last {
		c.counts.gaps++
	}
	if d.seq <= c.last {
		c.counts.repeats++
	} else {
		c.last = d.seq
	}
	c.seen(d.seq)
	if !bytes.HasPrefix(d.key, []byte(c.r.prefix)) {
		return // not this run's
	}
	c.got = append(c.got, d.seq)
	stamp := d.stamp
	if d.removed {
		stamp = c.r.closed.get(d.key)
	}
	if stamp > 0 && c.r.inWindow(stamp) {
		k := seriesOrder
		if d.layer == layerAlarms {
			k = seriesAlarm
		}
		c.lat.add(k, c.recv-stamp)
	}
}

// received is the sorted seqs of this run's deltas up to upTo.
func (c *client) received(upTo uint64) []uint64 {
	var out []uint64
	for _, s := range c.got {
		if s <= upTo {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func (c *client) seen(seq uint64) {
	if seq > c.maxSeq.Load() {
		c.maxSeq.Store(seq)
	}
}

// worker records one worker view's latency from its report time.
func (c *client) worker(updatedMs int64) {
	if sent := updatedMs * 1e6; c.r.inWindow(sent) {
		c.lat.add(seriesPatrol, c.recv-sent)
	}
}

func (c *client) unreadable(err error) {
	c.counts.unreadable++
	c.note(err.Error())
}

func (c *client) note(msg string) {
	if c.counts.firstError == "" {
		c.counts.firstError = msg
	}
}
