package hub

import (
	"testing"

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
