package hub

import (
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestFloodingClientIsClosed(t *testing.T) {
	// One message a second with a burst of two: the third ping at once is
	// one too many, whatever the machine's speed.
	h := newHarness(t, harnessOpts{cfg: Config{MaxMessagesPerSecond: 1}})
	c := h.dial(nil)
	for range 3 {
		c.send(`{"op":"ping"}`)
	}
	c.expect("pong")
	c.expect("pong")
	if ce := c.closeCode(); ce.Code != websocket.ClosePolicyViolation || ce.Text != "too many messages" {
		t.Errorf("closed with %v", ce)
	}
}

func TestConnectionClosesWhenItsTokenExpires(t *testing.T) {
	until := time.Now().Add(200 * time.Millisecond)
	h := newHarness(t, harnessOpts{cfg: Config{Until: func(*http.Request) time.Time { return until }}})
	c := h.dial(nil)
	if ce := c.closeCode(); ce.Code != websocket.ClosePolicyViolation || ce.Text != "token expired" {
		t.Errorf("closed with %v", ce)
	}
}
