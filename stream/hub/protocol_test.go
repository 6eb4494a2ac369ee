package hub

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gridpulse/gridpulse/event"
)

func TestMalformedMessagesGetErrors(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{MaxErrors: 100}})
	c := h.dial(nil)
	tests := []struct {
		name, send, code, field, sub string
	}{
		{"not JSON", `{"op":"subscribe",`, "invalid_json", "", ""},
		{"not an object", `[1,2]`, "invalid_json", "", ""},
		{"two objects", `{"op":"ping"}{"op":"ping"}`, "invalid_json", "", ""},
		{"no op", `{"id":"s1"}`, "missing_field", "op", "s1"},
		{"unknown op", `{"op":"publish","id":"s1"}`, "unknown_op", "op", "s1"},
		{"unknown field", `{"op":"subscribe","id":"s1","layers":["orders"],"bbx":[1,2,3,4]}`, "invalid_field", "bbx", ""},
		{"missing id", `{"op":"subscribe","layers":["orders"]}`, "missing_field", "id", ""},
		{"bad id", `{"op":"subscribe","id":"a b","layers":["orders"]}`, "invalid_field", "id", ""},
		{"missing layers", `{"op":"subscribe","id":"s1"}`, "missing_field", "layers", "s1"},
		{"unknown layer", `{"op":"subscribe","id":"s1","layers":["orders","tanks"]}`, "invalid_field", "layers[1]", "s1"},
		{"layers not an array", `{"op":"subscribe","id":"s1","layers":"orders"}`, "invalid_field", "layers", ""},
		{"bbox min > max", `{"op":"subscribe","id":"s1","layers":["orders"],"bbox":[104,30,103,31]}`, "invalid_field", "bbox", "s1"},
		{"bbox lat > max", `{"op":"subscribe","id":"s1","layers":["orders"],"bbox":[103,31,104,30]}`, "invalid_field", "bbox", "s1"},
		{"bbox out of range", `{"op":"subscribe","id":"s1","layers":["orders"],"bbox":[103,30,104,91]}`, "invalid_field", "bbox", "s1"},
		{"bbox of three", `{"op":"subscribe","id":"s1","layers":["orders"],"bbox":[103,30,104]}`, "invalid_field", "bbox", "s1"},
		{"bbox of strings", `{"op":"subscribe","id":"s1","layers":["orders"],"bbox":["a","b","c","d"]}`, "invalid_field", "bbox", ""},
		{"bad area", `{"op":"subscribe","id":"s1","layers":["orders"],"area":"5101"}`, "invalid_field", "area", "s1"},
		{"bad state filter", `{"op":"subscribe","id":"s1","layers":["orders"],"filters":{"states":["open"]}}`, "invalid_field", "filters.states[0]", "s1"},
		{"bad severity filter", `{"op":"subscribe","id":"s1","layers":["alarms"],"filters":{"severities":["minor","huge"]}}`, "invalid_field", "filters.severities[1]", "s1"},
		{"unknown filter", `{"op":"subscribe","id":"s1","layers":["orders"],"filters":{"colour":"red"}}`, "invalid_field", "filters.colour", ""},
		{"unknown filter named like a field", `{"op":"subscribe","id":"s1","layers":["orders"],"filters":{"id":"x"}}`, "invalid_field", "filters.id", ""},
		{"unknown empty key", `{"op":"ping","":1}`, "invalid_field", `""`, ""},
		{"unknown key with a control character", `{"op":"ping","\u007f":1}`, "invalid_field", "\x7f", ""},
		{"negative resume", `{"op":"subscribe","id":"s1","layers":["orders"],"resume":-1}`, "invalid_field", "resume", ""},
		{"unsubscribe unknown", `{"op":"unsubscribe","id":"nope"}`, "unknown_subscription", "id", "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.send(tt.send)
			m := c.expect("error")
			if m.Code != tt.code || m.Field != tt.field || m.Sub != tt.sub || m.Message == "" {
				t.Errorf("error = %s, want code %s field %q sub %q", m, tt.code, tt.field, tt.sub)
			}
		})
	}
	// Binary frames are refused too.
	if err := c.ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	if m := c.expect("error"); m.Code != "unsupported_frame" {
		t.Errorf("binary frame: %s", m)
	}
	// The connection is still fine.
	c.subscribe("ok", map[string]any{"layers": []string{"orders"}})
	c.expect("snapshot")
}

func TestRepeatedAbuseCloses(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{MaxErrors: 3}})
	c := h.dial(nil)
	for range 3 {
		c.send(`nonsense`)
	}
	for range 3 {
		c.expect("error")
	}
	if ce := c.closeCode(); ce.Code != websocket.ClosePolicyViolation || ce.Text != "too many invalid messages" {
		t.Errorf("closed with %v", ce)
	}
}

func TestTooManySubscriptionsCloses(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{MaxSubscriptionsPerConn: 2}})
	c := h.dial(nil)
	// Replacing "a" is not one more.
	for _, id := range []string{"a", "b", "a"} {
		c.subscribe(id, map[string]any{"layers": []string{"alarms"}})
		c.expect("snapshot")
	}
	c.subscribe("c", map[string]any{"layers": []string{"alarms"}})
	if m := c.expect("error"); m.Code != "too_many_subscriptions" || m.Sub != "c" {
		t.Errorf("error = %s", m)
	}
	if ce := c.closeCode(); ce.Code != websocket.ClosePolicyViolation {
		t.Errorf("closed with %v", ce)
	}
}

func TestOversizeFrameCloses1009(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{MaxMessageBytes: 1024}})
	c := h.dial(nil)
	c.send(`{"op":"subscribe","id":"s1","layers":["orders"],"area":"` + strings.Repeat("1", 2000) + `"}`)
	if ce := c.closeCode(); ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("closed with %v, want 1009", ce)
	}
}

func TestPingPong(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{PingInterval: time.Hour}})
	c := h.dial(nil)
	c.send(`{"op":"ping"}`)
	c.expect("pong")

	pinged := make(chan struct{}, 1)
	c.ws.SetPingHandler(func(string) error {
		pinged <- struct{}{}
		return nil
	})
	h.hub.ping()
	// The ping handler runs inside the read loop.
	go func() { _, _ = c.read(10 * time.Second) }()
	select {
	case <-pinged:
	case <-time.After(10 * time.Second):
		t.Fatal("no WebSocket ping from the server")
	}
}

func TestBadOriginIsRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	_, resp, err := websocket.DefaultDialer.Dial(h.url(), http.Header{"Origin": {"https://elsewhere.example"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("dial from another origin: %v %v", err, resp)
	}
	// The page's own origin is fine.
	c := h.dial(http.Header{"Origin": {h.srv.URL}})
	c.send(`{"op":"ping"}`)
	c.expect("pong")
}

func TestScopeLimitsWhatIsSeen(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{Scope: func(r *http.Request) (string, error) {
		switch street := r.URL.Query().Get("street"); street {
		case "":
			return "", errors.New("no token")
		default:
			return street, nil
		}
	}}})
	if _, resp, err := websocket.DefaultDialer.Dial(h.url(), nil); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("dial without a scope: %v", err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(h.url()+"?street=510116002", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, ws: ws}
	defer ws.Close()
	c.subscribe("out", map[string]any{"layers": []string{"orders"}, "area": "510116001"})
	if m := c.expect("error"); m.Code != "out_of_scope" || m.Field != "area" {
		t.Errorf("error = %s", m)
	}
	c.subscribe("all", map[string]any{"layers": []string{"orders"}})
	c.subscribe("box", map[string]any{"layers": []string{"orders"}, "bbox": []float64{103, 30, 105, 31}})
	c.expect("snapshot")
	c.expect("snapshot")
	h.publish(h.order("WA", event.Received, posA, chainA), h.order("WC", event.Received, posC, chainC))
	for range 2 {
		if d := c.expect("delta"); d.Key != "WC" {
			t.Errorf("out-of-scope delta %s", d)
		}
	}
}

func TestShutdownClosesWithGoingAway(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	c := h.dial(nil)
	c.send(`{"op":"ping"}`)
	c.expect("pong")
	h.stop()
	if ce := c.closeCode(); ce.Code != websocket.CloseGoingAway {
		t.Errorf("closed with %v, want 1001", ce)
	}
}
