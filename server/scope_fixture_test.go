package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/tile"
	"github.com/gridpulse/gridpulse/internal/eventually"
	"github.com/gridpulse/gridpulse/stream/live"
)

// The access tests run on a district of two streets side by side: street
// A (东升街道) with communities A1 and A2, street B (西航港街道) with B1.
// Each community has a compound with a building, a general grid and a
// micro grid; every work order, alarm and worker posted there carries the
// community's tag in its ids and title, so that a body holding any of
// them is easy to find.
const (
	scopeDistrict = "510116"
	scopeKey      = "scope-test-integrator-key"
	scopePassword = "scope-test-password"
)

var (
	streetA = area.StreetCode(scopeDistrict, 1)
	streetB = area.StreetCode(scopeDistrict, 2)
)

// scopePlace is one community of the access tests and what is posted in
// it.
type scopePlace struct {
	tag                                                    string // "a1", in ids as PROBE-A1
	name                                                   string // the community's own word, in all its areas' names
	street, community, compound, building, grid, microGrid string
	west, east                                             float64 // the community's longitudes
	point                                                  orb.Point
}

// Ids of what is posted in a place.
func (p scopePlace) order() string  { return "WO-PROBE-" + strings.ToUpper(p.tag) + "-1" }
func (p scopePlace) acted() string  { return "WO-PROBE-" + strings.ToUpper(p.tag) + "-ACT" }
func (p scopePlace) alarm() string  { return "AL-PROBE-" + strings.ToUpper(p.tag) + "-1" }
func (p scopePlace) worker() string { return "GW-PROBE-" + strings.ToUpper(p.tag) }

// marker is what every id and title of the place holds, lower-cased.
func (p scopePlace) marker() string { return "probe-" + p.tag }

// The latitudes every community spans.
const scopeSouth, scopeNorth = 30.55, 30.60

var scopePlaces = []scopePlace{
	newScopePlace("a1", "棠湖", streetA, 1, 103.90, 103.92),
	newScopePlace("a2", "花园", streetA, 2, 103.92, 103.94),
	newScopePlace("b1", "空港", streetB, 1, 103.94, 103.98),
}

func newScopePlace(tag, name, street string, seq int, west, east float64) scopePlace {
	community := area.CommunityCode(street, seq)
	compound := area.CompoundCode(community, 1)
	grid := area.GeneralGridCode(community, 1)
	return scopePlace{
		tag: tag, name: name, street: street, community: community, compound: compound,
		building: area.BuildingCode(compound, 1), grid: grid, microGrid: area.MicroGridCode(grid, 1),
		west: west, east: east, point: orb.Point{west + 0.008, 30.569},
	}
}

// scopeAreas is the two-street district with its tile renderer.
func scopeAreas() Areas {
	set := area.NewSet()
	add := func(l area.Layer, code, name, parent string, g orb.Polygon, props map[string]any) {
		set.Add(&area.Area{Code: code, Name: name, Layer: l, Parent: parent, Geometry: g, Props: props})
	}
	add(area.District, scopeDistrict, "双流区", "", rect(103.90, scopeSouth, 103.98, scopeNorth), nil)
	add(area.Street, streetA, "东升街道", scopeDistrict, rect(103.90, scopeSouth, 103.94, scopeNorth), map[string]any{"kind": "street"})
	add(area.Street, streetB, "西航港街道", scopeDistrict, rect(103.94, scopeSouth, 103.98, scopeNorth), map[string]any{"kind": "street"})
	for _, p := range scopePlaces {
		w := p.west
		add(area.Community, p.community, p.name+"社区", p.street, rect(w, scopeSouth, p.east, scopeNorth), map[string]any{"kind": "community"})
		add(area.Compound, p.compound, p.name+"小区", p.community, rect(w+0.005, 30.565, w+0.012, 30.575), map[string]any{"type": "old", "households": 800})
		add(area.Building, p.building, p.name+"1栋", p.compound, rect(w+0.007, 30.568, w+0.009, 30.570), nil)
		add(area.GeneralGrid, p.grid, p.name+"网格", p.community, rect(w, scopeSouth, p.east, scopeNorth), nil)
		add(area.MicroGrid, p.microGrid, p.name+"微网格", p.grid, rect(w, scopeSouth, w+0.01, 30.575), nil)
	}
	ix := geo.NewIndex(set)
	return Areas{Index: ix, Tiles: tile.NewRenderer(ix, tile.Config{})}
}

// scopeUser is a user of the access tests.
type scopeUser struct {
	name string
	role auth.Role
	area string
}

// The users: one per role, a street leader of each street, and a
// dispatcher on duty for street A (a dispatcher may be scoped to a
// street; the district's dispatcher sees what the command centre sees).
var (
	userCommand    = scopeUser{"command", auth.RoleCommand, scopeDistrict}
	userStreetA    = scopeUser{"street-a", auth.RoleStreet, streetA}
	userCommunity  = scopeUser{"community-a1", auth.RoleCommunity, scopePlaces[0].community}
	userDispatcher = scopeUser{"dispatcher-a", auth.RoleDispatcher, streetA}
	userStreetB    = scopeUser{"street-b", auth.RoleStreet, streetB}
	scopeUsers     = []scopeUser{userStreetA, userCommunity, userDispatcher, userStreetB, userCommand}
)

// scopeServer is a server with access control over the two-street
// district, the real live pipeline on an embedded bus, its hub cut to
// each connection's area, dispatching and Open311, and, when asked, the
// analytics store with its writer; served on loopback.
type scopeServer struct {
	*Server
	*testPipeline
	url    string
	areas  Areas
	tokens map[string]string // by user name
}

// newScopeServer builds and starts a scopeServer. With history, cfg
// opens the analytics store (see analyticstest.Run).
func newScopeServer(t *testing.T, history *analytics.Config) *scopeServer {
	t.Helper()
	s, err := New(Config{}, Deps{Frontend: testFrontend, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	a := scopeAreas()
	if err := s.SetAreas(a); err != nil {
		t.Fatal(err)
	}
	users := make([]testUser, len(scopeUsers))
	for i, u := range scopeUsers {
		users[i] = testUser{u.name, u.role, u.area, scopePassword}
	}
	s.SetAuth(newTestAuthority(t, users,
		testIntegrator{auth.Integrator{Name: "scope-test-ingest", Rate: 1000, Burst: 1000}, scopeKey}))
	p := startPipeline(t, s, a, pipelineParts{dispatch: true, history: history})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)

	f := &scopeServer{Server: s, testPipeline: p, url: ts.URL, areas: a, tokens: map[string]string{}}
	for _, u := range scopeUsers {
		f.tokens[u.name] = strings.TrimPrefix(signIn(t, s, u.name, scopePassword).Get("Authorization"), "Bearer ")
	}
	return f
}

// post sends events through ingest with the integrator key, failing the
// test unless every one is accepted.
func (f *scopeServer) post(t *testing.T, events ...string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.url+eventsPath, strings.NewReader("["+strings.Join(events, ",")+"]"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+scopeKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var ans struct {
		Accepted int `json:"accepted"`
	}
	if err := json.NewDecoder(res.Body).Decode(&ans); err != nil || res.StatusCode != http.StatusOK || ans.Accepted != len(events) {
		t.Fatalf("posting %d events: %d, %d accepted (%v)", len(events), res.StatusCode, ans.Accepted, err)
	}
}

// eventTime is a minute ago, so that every event is in the past when the
// live state and the analytics store see it.
func eventTime() string { return time.Now().UTC().Add(-time.Minute).Format(time.RFC3339Nano) }

// placeOrder is a new work order at the place's point.
func placeOrder(p scopePlace, id string) string {
	return fmt.Sprintf(`{"id":%q,"type":"order","time":%q,"location":[%v,%v],
	"order":{"order_id":%q,"state":"received","channel":"hotline_12345","category":"environment.parking","title":"%s 楼道堆物"}}`,
		"ev-"+strings.ToLower(id), eventTime(), p.point.Lon(), p.point.Lat(), id, strings.ToUpper(p.marker()))
}

// placeAlarm is a smoke alarm raised at the place's point.
func placeAlarm(p scopePlace, id string) string {
	return fmt.Sprintf(`{"id":%q,"type":"alarm","time":%q,"location":[%v,%v],
	"alarm":{"alarm_id":%q,"device_id":"SMK-%s","device_type":"smoke","kind":"smoke","severity":"critical","action":"raise","message":"%s 烟感"}}`,
		"ev-"+strings.ToLower(id), eventTime(), p.point.Lon(), p.point.Lat(), id, id, strings.ToUpper(p.marker()))
}

// placePatrol is a position of an on-duty grid worker at the place's
// point, moved east by dx degrees.
func placePatrol(p scopePlace, worker string, dx float64) string {
	return fmt.Sprintf(`{"id":%q,"type":"patrol","time":%q,"location":[%v,%v],
	"patrol":{"worker_id":%q,"name":"%s","role":"grid_worker","on_duty":true,"heading":90,"speed":1}}`,
		fmt.Sprintf("ev-%s-%v", strings.ToLower(worker), dx), time.Now().UTC().Format(time.RFC3339Nano),
		p.point.Lon()+dx, p.point.Lat(), worker, strings.ToUpper(p.marker()))
}

// postPlaces posts, in every place, two work orders (one for the order
// actions to act on), an alarm and a worker, and waits until the live
// state shows them all.
func (f *scopeServer) postPlaces(t *testing.T) {
	t.Helper()
	var events []string
	for _, p := range scopePlaces {
		events = append(events, placeOrder(p, p.order()), placeOrder(p, p.acted()), placeAlarm(p, p.alarm()), placePatrol(p, p.worker(), 0))
	}
	f.post(t, events...)
	want := len(scopePlaces)
	f.waitLive(t, func(s live.Snapshot) bool {
		return len(s.Orders) == 2*want && len(s.Alarms) == want && len(s.Patrols) == want
	})
}

// waitLive waits until the live state's snapshot of everything passes
// ready: ingest answers once the bus has an event, and the state applies
// it a moment later.
func (f *scopeServer) waitLive(t *testing.T, ready func(live.Snapshot) bool) {
	t.Helper()
	eventually.Holds(t, "the posted events in the live state", func() bool {
		return ready(f.state.Snapshot(live.Query{Layers: live.AllLayers}))
	})
}

// waitHistory waits until the analytics store holds n order and alarm
// events.
func (f *scopeServer) waitHistory(t *testing.T, n uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		var got []struct {
			N uint64 `ch:"n"`
		}
		if err := f.store.Engine().Select(ctx, &got, "SELECT count() AS n FROM events"); err != nil {
			t.Fatal(err)
		}
		if got[0].N >= n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the analytics store holds %d events, want %d", got[0].N, n)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// leaks lists what text holds that user u may not see: the code (as a
// whole number) or the name of an area outside u's area that is not one
// of its ancestors, or the marker of a place outside it. What the user
// asked for is echoed back in refusals ("area 510116002 is outside your
// area"): the values in echoed, as whole words, are not counted.
func leaks(u scopeUser, set *area.Set, text string, echoed ...string) []string {
	text = withoutWords(text, echoed)
	var out []string
	lower := strings.ToLower(text)
	for _, p := range scopePlaces {
		if !strings.HasPrefix(p.community, u.area) && strings.Contains(lower, p.marker()) {
			out = append(out, p.marker())
		}
	}
	for _, l := range area.Layers {
		for _, a := range set.Layer(l) {
			if strings.HasPrefix(a.Code, u.area) || strings.HasPrefix(u.area, a.Code) {
				continue
			}
			if hasNumber(text, a.Code) {
				out = append(out, a.Code)
			}
			if strings.Contains(text, a.Name) {
				out = append(out, a.Name)
			}
		}
	}
	return out
}

// withoutWords is text with each of words taken out where it stands as a
// whole word: not inside a longer run of letters, digits, '-', '_' or '.'.
func withoutWords(text string, words []string) string {
	for _, w := range words {
		if w == "" {
			continue
		}
		var b strings.Builder
		for {
			i := wordAt(text, w)
			if i < 0 {
				break
			}
			b.WriteString(text[:i])
			text = text[i+len(w):]
		}
		b.WriteString(text)
		text = b.String()
	}
	return text
}

// wordAt is where w first stands as a whole word in text, or -1.
func wordAt(text, w string) int {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return -1
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !isWordByte(text[start-1])) && (end == len(text) || !isWordByte(text[end])) {
			return start
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return isDigit(b) || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '-' || b == '_' || b == '.'
}

// hasNumber reports whether text holds code as a whole number, not as
// part of a longer run of digits.
func hasNumber(text, code string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], code)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(code)
		if (start == 0 || !isDigit(text[start-1])) && (end == len(text) || !isDigit(text[end])) {
			return true
		}
		i = start + 1
	}
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
