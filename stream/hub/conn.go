package hub

import (
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one WebSocket connection: a reader (the HTTP handler's
// goroutine) that handles client messages, and a writer goroutine that
// drains a bounded queue. Fan-out only appends to the queue, so a slow
// client never holds anyone up.
type conn struct {
	h     *Hub
	ws    *websocket.Conn
	scope string
	slot  int // its group in the patrol tick's spread

	mu         sync.Mutex
	queue      []item
	spare      []item // the writer's last batch, reused
	subs       map[string]*subscription
	resync     bool // the queue overflowed: deltas are dropped until resync
	patrolSubs int  // subscriptions with the patrols layer
	flushDue   bool // a patrol tick has ended
	pingDue    bool
	closing    bool
	close      closeReason

	wake    chan struct{} // cap 1: the writer has something to do
	done    chan struct{} // closed when the reader has stopped
	invalid int           // malformed messages so far (reader only)
	written chan struct{} // closed when the writer has stopped
}

type closeReason struct {
	code int
	text string
}

// item is one message waiting for the writer.
type item struct {
	kind itemKind
	sub  *subscription
	c    *change   // delta, removal
	snap *snapshot // snapshot
	seq  uint64    // resumed: the sequence resumed from
	raw  []byte    // control: a ready message
	full []*worker // patrolsFull
}

type itemKind uint8

const (
	itemDelta itemKind = iota
	itemRemoval
	itemSnapshot
	itemResumed
	itemPatrolsFull
	itemControl // pong, error, unsubscribed: kept when deltas are dropped
)

func newConn(h *Hub, ws *websocket.Conn, scope string) *conn {
	return &conn{
		h: h, ws: ws, scope: scope,
		subs:    map[string]*subscription{},
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		written: make(chan struct{}),
	}
}

func (c *conn) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// push queues a delta or snapshot-related item; called with the hub's
// lock held. A full queue drops what is queued for resync.
func (c *conn) push(it item) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closing:
	case c.resync:
		c.h.metrics.drops.Inc()
	case len(c.queue) >= c.h.cfg.SendQueue:
		c.overflow()
	default:
		// A non-empty queue has already woken the writer, which takes
		// the whole queue at once.
		if len(c.queue) == 0 {
			c.signal()
		}
		c.queue = append(c.queue, it)
	}
}

// pushControl queues a control message (pong, error, unsubscribed). They
// are never dropped for resync, and may go past the queue's bound up to
// twice it, so a pong answers every ping of a client that reads; only a
// client that sends without reading loses them.
func (c *conn) pushControl(raw []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || len(c.queue) >= 2*c.h.cfg.SendQueue {
		c.h.metrics.drops.Inc()
		return
	}
	c.queue = append(c.queue, item{kind: itemControl, raw: raw})
	c.signal()
}

// overflow drops everything queued but control messages and marks the
// connection for resync; called with c.mu held.
func (c *conn) overflow() {
	kept := c.queue[:0]
	dropped := 1 // the item that did not fit
	for _, it := range c.queue {
		if it.kind == itemControl {
			kept = append(kept, it)
		} else {
			dropped++
		}
	}
	clear(c.queue[len(kept):])
	c.queue = kept
	c.resync = true
	c.h.metrics.drops.Add(float64(dropped))
	c.signal()
}

// closeWith asks the writer to close the connection with a code and
// reason; the first reason wins.
func (c *conn) closeWith(code int, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		c.closing = true
		c.close = closeReason{code, text}
		c.signal()
	}
}

// writer sends queued messages, packed into frames, until the connection
// ends.
func (c *conn) writer() {
	defer close(c.written)
	var frame []byte
	var lastWrite time.Time
	gap := time.NewTimer(0)
	defer gap.Stop()
	for {
		select {
		case <-c.wake:
		case <-c.done:
			return
		}
		// At most one frame per FrameInterval: what arrives meanwhile
		// shares it, which saves a system call and a wake-up per message.
		if wait := c.h.cfg.FrameInterval - time.Since(lastWrite); wait > 0 {
			gap.Reset(wait)
			select {
			case <-gap.C:
			case <-c.done:
				return
			}
		}
		lastWrite = time.Now()
		c.mu.Lock()
		batch := c.queue
		c.queue = c.spare[:0]
		resync, flush, ping, closing, reason := c.resync, c.flushDue, c.pingDue, c.closing, c.close
		c.flushDue, c.pingDue = false, false
		c.mu.Unlock()

		var err error
		if resync && !closing {
			err = c.resyncAll()
		}
		frame = frame[:0]
		for i := 0; i < len(batch) && err == nil; i++ {
			if frame, err = c.appendItem(frame, &batch[i]); err == nil && len(frame) >= c.h.cfg.MaxFrameBytes {
				err = c.writeFrame(frame)
				frame = frame[:0]
			}
		}
		clear(batch)
		c.mu.Lock()
		c.spare = batch[:0]
		c.mu.Unlock()
		if err == nil && flush && !closing {
			frame = c.appendPatrolBatches(frame)
		}
		if err == nil && len(frame) > 0 {
			err = c.writeFrame(frame)
		}
		if err == nil && closing {
			// What was queued (an error saying why, say) goes first.
			c.sendClose(reason)
			return
		}
		if err == nil && ping {
			err = c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.h.cfg.WriteWait))
		}
		if cap(frame) > 4*c.h.cfg.MaxFrameBytes {
			frame = nil // let one huge snapshot's buffer go
		}
		var enc encodeError
		if errors.As(err, &enc) {
			c.h.cfg.Logger.Error("hub: cannot encode a message", "remote", c.ws.RemoteAddr(), "err", err)
			c.h.metrics.closes.WithLabelValues("1011").Inc()
			c.sendClose(closeReason{websocket.CloseInternalServerErr, "internal error"})
			return
		}
		if err != nil {
			c.h.cfg.Logger.Debug("websocket write failed", "remote", c.ws.RemoteAddr(), "err", err)
			// Closing the socket ends the reader, which tears down.
			c.ws.NetConn().Close()
			return
		}
	}
}

// writeFrame sends one text frame; messages in it are separated by
// newlines.
func (c *conn) writeFrame(frame []byte) error {
	if len(frame) == 0 {
		return nil
	}
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.h.cfg.WriteWait)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, frame[:len(frame)-1]) // drop the last newline
}

// appendItem adds one queued message and its newline to the frame.
func (c *conn) appendItem(frame []byte, it *item) ([]byte, error) {
	if it.sub != nil && it.sub.closed.Load() {
		return frame, nil
	}
	m := c.h.metrics
	switch it.kind {
	case itemDelta, itemRemoval:
		var err error
		if frame, err = appendDelta(frame, it.sub.id, it.c, it.sub.prev, it.kind == itemRemoval); err != nil {
			return frame, encodeError{err}
		}
		if !it.c.derived() {
			it.sub.prev = it.c.Seq
		}
		m.sent(opDelta)
	case itemSnapshot:
		var err error
		if frame, err = appendSnapshot(frame, it.sub.id, it.snap); err != nil {
			return frame, encodeError{err}
		}
		it.sub.prev = it.snap.seq
		m.sent(opSnapshot)
	case itemResumed:
		frame = append(frame, controlJSON(resumedMsg{Op: "resumed", Sub: it.sub.id, Seq: it.seq})...)
		it.sub.prev = it.seq
		m.sent(opResumed)
	case itemPatrolsFull:
		frame = appendPatrols(frame, it.sub.id, time.Now(), patrolBatch{workers: it.full, full: true})
		m.sent(opPatrols)
	case itemControl:
		frame = append(frame, it.raw...)
		m.sent(opControl)
	}
	return append(frame, '\n'), nil
}

// resyncAll sends every subscription of a connection whose queue
// overflowed a resync message and a fresh snapshot.
func (c *conn) resyncAll() error {
	var frame []byte
	c.h.mu.Lock()
	c.mu.Lock()
	subs := make([]*subscription, 0, len(c.subs))
	for _, s := range c.subs {
		subs = append(subs, s)
	}
	c.mu.Unlock()
	snaps := make([]*snapshot, len(subs))
	for i, s := range subs {
		snap := c.h.state.Snapshot(s.q)
		s.fromVersion = snap.Version
		snaps[i] = c.h.readySnapshot(&snap, s.q.Layers, c.h.holdSnapshot(s, snap.Patrols))
	}
	c.mu.Lock()
	c.resync = false
	c.mu.Unlock()
	c.h.mu.Unlock()

	for i, s := range subs {
		c.h.metrics.resyncs.Inc()
		frame = append(frame, controlJSON(resyncMsg{Op: "resync", Sub: s.id, Reason: "slow_consumer"})...)
		frame = append(frame, '\n')
		c.h.metrics.sent(opControl)
		var err error
		if frame, err = c.appendItem(frame, &item{kind: itemSnapshot, sub: s, snap: snaps[i]}); err != nil {
			return err
		}
	}
	return c.writeFrame(frame)
}

// sendClose writes the close frame and gives the client a moment to
// answer before the reader gives up.
func (c *conn) sendClose(r closeReason) {
	deadline := time.Now().Add(c.h.cfg.WriteWait)
	err := c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(r.code, r.text), deadline)
	if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		c.ws.NetConn().Close()
		return
	}
	_ = c.ws.SetReadDeadline(time.Now().Add(closeGrace))
}

// encodeError is a message that could not be encoded: a fault of the
// server, answered with 1011 rather than by dropping the connection.
type encodeError struct{ err error }

func (e encodeError) Error() string { return "encode: " + e.err.Error() }
func (e encodeError) Unwrap() error { return e.err }

// closeGrace is how long a closed connection waits for the client's
// close frame.
const closeGrace = time.Second
