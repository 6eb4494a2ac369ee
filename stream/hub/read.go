package hub

import (
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// read handles client messages until the connection ends.
func (c *conn) read() {
	cfg := &c.h.cfg
	c.ws.SetReadLimit(cfg.MaxMessageBytes)
	alive := func() { _ = c.ws.SetReadDeadline(time.Now().Add(cfg.PongWait)) }
	alive()
	c.ws.SetPongHandler(func(string) error { alive(); return nil })
	limit := rate.NewLimiter(rate.Limit(cfg.MaxMessagesPerSecond), 2*cfg.MaxMessagesPerSecond)
	for {
		kind, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				// gorilla has already sent 1009 (message too big).
				c.h.metrics.closes.WithLabelValues("1009").Inc()
			} else if !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
				cfg.Logger.Debug("websocket read ended", "remote", c.ws.RemoteAddr(), "err", err)
			}
			return
		}
		c.mu.Lock()
		closing := c.closing
		c.mu.Unlock()
		if closing {
			continue // waiting for the client's close frame
		}
		alive()
		if !limit.Allow() {
			c.h.metrics.closes.WithLabelValues("1008").Inc()
			c.closeWith(websocket.ClosePolicyViolation, "too many messages")
			continue
		}
		if kind != websocket.TextMessage {
			c.fail(errorf(codeUnsupportedMsg, "", "binary frames are not accepted; send JSON text"))
			continue
		}
		req, perr := parseRequest(data)
		if perr != nil {
			c.fail(perr)
			continue
		}
		switch req.Op {
		case opPing:
			c.pushControl(controlJSON(pongMsg{Op: "pong"}))
		case opUnsubscribe:
			if !c.h.unsubscribe(c, req.ID) {
				c.fail(&protoError{Op: "error", Sub: req.ID, Code: codeUnknownSub, Field: "id",
					Message: fmt.Sprintf("there is no subscription %q", req.ID)})
				continue
			}
			c.pushControl(controlJSON(subMsg{Op: "unsubscribed", Sub: req.ID}))
		case opSubscribe:
			if perr := c.h.subscribe(c, req); perr != nil {
				c.fail(perr)
			}
		}
	}
}

// fail sends an error message; a connection that keeps sending bad
// messages, or asks for too many subscriptions, is closed with 1008.
func (c *conn) fail(perr *protoError) {
	c.pushControl(controlJSON(perr))
	c.invalid++
	switch {
	case perr.Code == codeTooManySubs:
		c.closeWith(websocket.ClosePolicyViolation, "too many subscriptions")
		c.h.metrics.closes.WithLabelValues("1008").Inc()
	case c.invalid >= c.h.cfg.MaxErrors:
		c.closeWith(websocket.ClosePolicyViolation, "too many invalid messages")
		c.h.metrics.closes.WithLabelValues("1008").Inc()
	}
}
