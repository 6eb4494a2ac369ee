package server

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gridpulse/gridpulse/stream/hub"
)

// wsClient is one live connection of a user of the scope server, reading
// messages one by one and checking each for what the user may not see.
type wsClient struct {
	t       *testing.T
	f       *scopeServer
	user    scopeUser
	conn    *websocket.Conn
	pending []string
	asked   []string // area codes the client named, echoed in refusals
}

// wsMessage is the part of a server message the tests read.
type wsMessage struct {
	Op      string `json:"op"`
	Sub     string `json:"sub"`
	Code    string `json:"code"`
	Field   string `json:"field"`
	Layer   string `json:"layer"`
	Key     string `json:"key"`
	Orders  []wsID `json:"orders"`
	Alarms  []wsID `json:"alarms"`
	Patrols []wsID `json:"patrols"`
	Workers []struct {
		wsID
		Location [2]float64 `json:"location"`
	} `json:"workers"`
}

// wsID is any of a view's ids.
type wsID struct {
	OrderID  string `json:"order_id"`
	AlarmID  string `json:"alarm_id"`
	WorkerID string `json:"worker_id"`
}

// How a client hands over its token.
const (
	tokenAsSubprotocol = "subprotocol" // a browser: beside gridpulse.v1
	tokenAsHeader      = "header"      // any other client: Authorization: Bearer
)

// wsURL is the scope server's live endpoint.
func (f *scopeServer) wsURL() string { return "ws" + strings.TrimPrefix(f.url, "http") + "/ws" }

// dial opens a live connection for user, with its token handed over as
// how says, and checks the answer names only the live protocol.
func (f *scopeServer) dial(t *testing.T, u scopeUser, how string) *wsClient {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, Subprotocols: []string{hub.Protocol}}
	header := http.Header{}
	switch how {
	case tokenAsSubprotocol:
		d.Subprotocols = append(d.Subprotocols, wsBearerPrefix+f.tokens[u.name])
	case tokenAsHeader:
		header.Set("Authorization", "Bearer "+f.tokens[u.name])
	}
	conn, res, err := d.Dial(f.wsURL(), header)
	if err != nil {
		t.Fatalf("%s dials with its token as %s: %v", u.name, how, err)
	}
	t.Cleanup(func() { conn.Close() })
	if got := res.Header.Values("Sec-WebSocket-Protocol"); !slices.Equal(got, []string{hub.Protocol}) || conn.Subprotocol() != hub.Protocol {
		t.Errorf("%s: the answer names the subprotocols %q, want only %s", u.name, got, hub.Protocol)
	}
	return &wsClient{t: t, f: f, user: u, conn: conn}
}

// send writes one client message.
func (c *wsClient) send(m map[string]any) {
	c.t.Helper()
	if a, ok := m["area"].(string); ok {
		c.asked = append(c.asked, a)
	}
	if err := c.conn.WriteJSON(m); err != nil {
		c.t.Fatalf("%s: send %v: %v", c.user.name, m, err)
	}
}

// next reads the next server message, failing the test if it holds
// anything outside the user's area.
func (c *wsClient) next() wsMessage {
	c.t.Helper()
	for len(c.pending) == 0 {
		// A guard against a test that would hang, not a time limit on
		// the server.
		c.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			c.t.Fatalf("%s: read: %v", c.user.name, err)
		}
		// The server packs several messages into a frame, one per line.
		c.pending = strings.Split(strings.TrimSpace(string(data)), "\n")
	}
	line := c.pending[0]
	c.pending = c.pending[1:]
	if found := leaks(c.user, c.f.areas.Index.Areas(), line, c.asked...); len(found) > 0 {
		c.t.Errorf("%s (area %s) was sent %v: %s", c.user.name, c.user.area, found, line)
	}
	var m wsMessage
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		c.t.Fatalf("%s: message %s: %v", c.user.name, line, err)
	}
	return m
}

// The boxes the clients subscribe with: every street leader tries them
// all, its neighbour's included.
var wsBoxes = map[string][]float64{
	"district": {103.89, 30.54, 103.99, 30.61},
	"street-a": {103.90, 30.55, 103.94, 30.60},
	"street-b": {103.94, 30.55, 103.98, 30.60},
	"world":    {-180, -90, 180, 90},
	"none":     nil,
}

// expectIDs are the ids of what the user sees in a box of the places'
// points: things posted in a place inside both the user's area and the
// box.
func expectIDs(u scopeUser, box []float64, ids func(scopePlace) []string) []string {
	var out []string
	for _, p := range scopePlaces {
		in := box == nil || (p.point.Lon() >= box[0] && p.point.Lat() >= box[1] && p.point.Lon() <= box[2] && p.point.Lat() <= box[3])
		if in && strings.HasPrefix(p.community, u.area) {
			out = append(out, ids(p)...)
		}
	}
	slices.Sort(out)
	return out
}

func sortedIDs(vs []wsID, id func(wsID) string) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, id(v))
	}
	slices.Sort(out)
	return out
}

// A street leader's snapshots hold their street's orders, alarms and
// workers and nothing of the other street, whatever box they subscribe
// with, and so do a community secretary's; an area outside theirs is
// refused. The command centre sees both streets.
func TestLiveSnapshotsAreCutToTheCallersArea(t *testing.T) {
	f := newScopeServer(t, nil)
	f.postPlaces(t)
	for _, tc := range []struct {
		user    scopeUser
		how     string
		refused []string // areas a subscription may not name
	}{
		{userStreetA, tokenAsSubprotocol, []string{streetB, scopePlaces[2].community, scopeDistrict}},
		{userStreetB, tokenAsSubprotocol, []string{streetA, scopePlaces[0].community, scopeDistrict}},
		{userCommunity, tokenAsHeader, []string{streetA, scopePlaces[1].community, streetB}},
		{userCommand, tokenAsSubprotocol, nil},
	} {
		t.Run(tc.user.name, func(t *testing.T) {
			c := f.dial(t, tc.user, tc.how)
			for name, box := range wsBoxes {
				m := map[string]any{"op": "subscribe", "id": name, "layers": []string{"orders", "alarms", "patrols"}}
				if box != nil {
					m["bbox"] = box
				}
				c.send(m)
				snap := c.next()
				if snap.Op != "snapshot" || snap.Sub != name {
					t.Fatalf("box %s: got %+v, want its snapshot", name, snap)
				}
				checks := []struct {
					layer string
					got   []string
					want  []string
				}{
					{"orders", sortedIDs(snap.Orders, func(v wsID) string { return v.OrderID }), expectIDs(tc.user, box, func(p scopePlace) []string { return []string{p.order(), p.acted()} })},
					{"alarms", sortedIDs(snap.Alarms, func(v wsID) string { return v.AlarmID }), expectIDs(tc.user, box, func(p scopePlace) []string { return []string{p.alarm()} })},
					{"patrols", sortedIDs(snap.Patrols, func(v wsID) string { return v.WorkerID }), expectIDs(tc.user, box, func(p scopePlace) []string { return []string{p.worker()} })},
				}
				for _, ck := range checks {
					if !slices.Equal(ck.got, ck.want) {
						t.Errorf("box %s: snapshot %s %v, want %v", name, ck.layer, ck.got, ck.want)
					}
				}
			}
			for i, code := range tc.refused {
				id := fmt.Sprintf("out-%d", i)
				c.send(map[string]any{"op": "subscribe", "id": id, "layers": []string{"orders"}, "area": code})
				if m := c.next(); m.Op != "error" || m.Code != "out_of_scope" || m.Field != "area" || m.Sub != id {
					t.Errorf("subscribing to area %s: got %+v, want error out_of_scope naming area", code, m)
				}
			}
		})
	}
}

// Deltas and patrol batches reach a connection only for its area: each
// user's round posts in the other places first and in the user's own
// last, so that once its own changes have come, any of the others' would
// have come before them.
func TestLiveDeltasAreCutToTheCallersArea(t *testing.T) {
	f := newScopeServer(t, nil)
	f.postPlaces(t)
	for round, u := range []scopeUser{userStreetA, userStreetB, userCommunity, userCommand} {
		t.Run(u.name, func(t *testing.T) {
			c := f.dial(t, u, tokenAsSubprotocol)
			for name, box := range wsBoxes {
				m := map[string]any{"op": "subscribe", "id": name, "layers": []string{"orders", "alarms", "patrols"}}
				if box != nil {
					m["bbox"] = box
				}
				c.send(m)
			}
			for range wsBoxes {
				if m := c.next(); m.Op != "snapshot" {
					t.Fatalf("got %+v, want a snapshot", m)
				}
			}
			// Outside first, then inside.
			places := slices.Clone(scopePlaces)
			slices.SortStableFunc(places, func(a, b scopePlace) int {
				return boolInt(strings.HasPrefix(a.community, u.area)) - boolInt(strings.HasPrefix(b.community, u.area))
			})
			want := map[string]bool{} // order, alarm and worker ids still to come
			dx := 0.001 * float64(round+1)
			for _, p := range places {
				id := fmt.Sprintf("%s-R%d", p.order(), round)
				alarm := fmt.Sprintf("%s-R%d", p.alarm(), round)
				f.post(t, placeOrder(p, id), placeAlarm(p, alarm), placePatrol(p, p.worker(), dx))
				if strings.HasPrefix(p.community, u.area) {
					want[id], want[alarm], want[p.worker()] = true, true, true
				}
			}
			if len(want) == 0 {
				t.Fatal("the round posted nothing in the user's area")
			}
			for len(want) > 0 {
				m := c.next()
				if m.Sub != "district" {
					continue // the same changes, as the other boxes see them
				}
				switch m.Op {
				case "delta":
					delete(want, m.Key)
				case "patrols":
					for _, w := range m.Workers {
						// A worker counts once it is at the round's place.
						if p, ok := placeOfWorker(w.WorkerID); ok && math.Abs(w.Location[0]-(p.point.Lon()+dx)) < 1e-9 {
							delete(want, w.WorkerID)
						}
					}
				}
			}
		})
	}
}

// placeOfWorker is the place whose worker has this id.
func placeOfWorker(id string) (scopePlace, bool) {
	i := slices.IndexFunc(scopePlaces, func(p scopePlace) bool { return p.worker() == id })
	if i < 0 {
		return scopePlace{}, false
	}
	return scopePlaces[i], true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A connection needs a valid token, refused with 401 before the upgrade;
// a token offered as a subprotocol or in the Authorization header both
// work, and the answer names only the live protocol.
func TestLiveConnectionNeedsAToken(t *testing.T) {
	f := newScopeServer(t, nil)
	for _, tc := range []struct {
		name   string
		protos []string
		header http.Header
	}{
		{"no token", []string{hub.Protocol}, nil},
		{"no subprotocol at all", nil, nil},
		{"forged token as subprotocol", []string{hub.Protocol, wsBearerPrefix + "e30.e30.forged"}, nil},
		{"empty token as subprotocol", []string{hub.Protocol, wsBearerPrefix}, nil},
		{"forged token in the header", []string{hub.Protocol}, http.Header{"Authorization": {"Bearer e30.e30.forged"}}},
		{"integrator key instead of a token", []string{hub.Protocol, wsBearerPrefix + scopeKey}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, Subprotocols: tc.protos}
			conn, res, err := d.Dial(f.wsURL(), tc.header)
			if err == nil {
				conn.Close()
				t.Fatal("the upgrade was accepted")
			}
			if res == nil {
				t.Fatalf("no HTTP answer: %v", err)
			}
			body, _ := io.ReadAll(res.Body)
			var e struct {
				Error errorDetail `json:"error"`
			}
			if res.StatusCode != http.StatusUnauthorized || json.Unmarshal(body, &e) != nil || e.Error.Code != CodeUnauthorized {
				t.Errorf("answer %d %s, want 401 unauthorized", res.StatusCode, body)
			}
		})
	}
	for _, how := range []string{tokenAsSubprotocol, tokenAsHeader} {
		c := f.dial(t, userStreetA, how)
		c.send(map[string]any{"op": "ping"})
		if m := c.next(); m.Op != "pong" {
			t.Errorf("token as %s: got %+v, want pong", how, m)
		}
	}
}
