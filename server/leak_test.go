package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/auth"
)

// probeCall is one request the leak probe sends.
type probeCall struct {
	method, target    string // target is the path with its query
	body, contentType string
	// names is the area the call asks about, by its code or through a
	// thing in it; "" for none.
	names string
	// refuse: the answer carries figures rather than codes, so a caller
	// outside the named area must be refused (4xx) for the probe to see
	// that nothing leaked.
	refuse bool
	// witness: the command centre's answer must hold something of the
	// street of each place the call aims at, or the probe would prove
	// nothing by not finding it in the others' answers.
	witness bool
	// places are the places the call was made for (a call the same for
	// several places is sent once).
	places []scopePlace
}

// routeProbe is how the leak probe calls one route.
type routeProbe struct {
	// public routes answer without a token and hold nothing posted in the
	// district.
	public bool
	// userStatus, when set, is the status every user's token gets: a
	// route for integrators refuses people.
	userStatus int
	// calls are the requests user u sends aiming at place p; each place
	// in turn, repeats sent once.
	calls func(u scopeUser, p scopePlace) []probeCall
}

func get(target string) probeCall { return probeCall{method: http.MethodGet, target: target} }

// named is c asking about area code.
func (c probeCall) named(code string) probeCall { c.names = code; return c }

// seen is c with the witness rule.
func (c probeCall) seen() probeCall { c.witness = true; return c }

// fixed is a route called the same way whoever calls and wherever.
func fixed(calls ...probeCall) func(scopeUser, scopePlace) []probeCall {
	return func(scopeUser, scopePlace) []probeCall { return calls }
}

// areaCalls are the calls of a route that takes an area, with query
// added to each: the default, then the place's street, its community and
// the whole district named. refuse and witness apply to all of them.
func areaCalls(path, query string, witness, refuse bool) func(scopeUser, scopePlace) []probeCall {
	return func(_ scopeUser, p scopePlace) []probeCall {
		with := func(param string) string {
			if q := strings.Trim(query+"&"+param, "&"); q != "" {
				return path + "?" + q
			}
			return path
		}
		out := []probeCall{get(with(""))}
		for _, code := range []string{p.street, p.community, scopeDistrict} {
			c := get(with("area=" + code)).named(code)
			c.refuse = refuse
			out = append(out, c)
		}
		for i := range out {
			out[i].witness = witness
		}
		return out
	}
}

// tileAt is the tile path holding the place's point at zoom z.
func tileAt(p scopePlace, z maptile.Zoom) string {
	t := maptile.At(p.point, z)
	return fmt.Sprintf("/tiles/%d/%d/%d.mvt", t.Z, t.X, t.Y)
}

// routeProbes is how the probe calls every route of the server. A route
// added to the server without an entry here fails the probe.
func routeProbes() map[string]routeProbe {
	jsonBody := func(target, body string) probeCall {
		return probeCall{method: http.MethodPost, target: target, body: body, contentType: "application/json"}
	}
	point := func(p scopePlace) string { return fmt.Sprintf("lon=%v&lat=%v", p.point.Lon(), p.point.Lat()) }
	return map[string]routeProbe{
		"GET /healthz":                     {public: true, calls: fixed(get("/healthz"))},
		"GET /readyz":                      {public: true, calls: fixed(get("/readyz"))},
		"GET /*":                           {public: true, calls: fixed(get("/"), get("/index.html"), get("/assets/index-abc123.js"), get("/favicon.svg"))},
		"GET /api/v1/config":               {public: true, calls: fixed(get("/api/v1/config"))},
		"GET /api/v1/catalogue":            {public: true, calls: fixed(get("/api/v1/catalogue"))},
		"GET /api/v1/dispatch":             {public: true, calls: fixed(get("/api/v1/dispatch"))},
		"GET /api/v1/login/demo":           {public: true, calls: fixed(get("/api/v1/login/demo"))},
		"GET /open311/v2/services.:format": {public: true, calls: fixed(get(open311Base+"/services.json"), get(open311Base+"/services.xml"))},
		"GET /open311/v2/services/:file":   {public: true, calls: fixed(get(open311Base + "/services/environment.parking.json"))},
		"POST /api/v1/login/renew":         {public: true, calls: fixed(probeCall{method: http.MethodPost, target: "/api/v1/login/renew"})},
		"POST /api/v1/login": {public: true, calls: func(u scopeUser, _ scopePlace) []probeCall {
			return []probeCall{jsonBody("/api/v1/login", fmt.Sprintf(`{"user":%q,"password":"not the password"}`, u.name))}
		}},

		"GET /metrics":       {calls: fixed(get("/metrics"))},
		"GET /api/v1/me":     {calls: fixed(get("/api/v1/me"))},
		"GET /api/v1/layers": {calls: fixed(get("/api/v1/layers"))},
		"GET /api/v1/labels": {calls: fixed(get("/api/v1/labels").seen())},
		"GET /tiles/:z/:x/:y": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{get(tileAt(p, 8)), get(tileAt(p, 11)).seen(), get(tileAt(p, 13)).seen(), get(tileAt(p, 15)).seen(), get(tileAt(p, 17)).seen()}
		}},
		"GET /api/v1/locate": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{get("/api/v1/locate?" + point(p)).seen()}
		}},
		"GET /api/v1/live/nearest": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{get("/api/v1/live/nearest?k=50&" + point(p)).seen()}
		}},
		"GET /api/v1/live/counts": {calls: areaCalls("/api/v1/live/counts", "", false, true)},
		"GET /api/v1/areas/:code": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			var out []probeCall
			for _, code := range []string{p.street, p.community, p.compound, p.building, p.grid, p.microGrid} {
				out = append(out, get("/api/v1/areas/"+code).named(code).seen())
			}
			return out
		}},
		"GET /api/v1/heatmap": {calls: func(u scopeUser, p scopePlace) []probeCall {
			return slices.Concat(areaCalls("/api/v1/heatmap", "", true, false)(u, p), areaCalls("/api/v1/heatmap", "level=compound", true, false)(u, p))
		}},
		"GET /api/v1/trends": {calls: areaCalls("/api/v1/trends", "", false, true)},
		"GET /api/v1/rankings": {calls: func(u scopeUser, p scopePlace) []probeCall {
			return slices.Concat(areaCalls("/api/v1/rankings", "", true, false)(u, p), []probeCall{get("/api/v1/rankings?of=property_company")})
		}},
		"GET /api/v1/cells/:code": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			var out []probeCall
			for _, code := range []string{p.street, p.community, p.compound, p.grid, p.microGrid} {
				out = append(out, get("/api/v1/cells/"+code).named(code).seen())
			}
			return out
		}},
		"GET /api/v1/orders": {calls: func(u scopeUser, p scopePlace) []probeCall {
			return slices.Concat(areaCalls("/api/v1/orders", "", true, false)(u, p), []probeCall{get("/api/v1/orders?assignee=" + p.worker())})
		}},
		"GET /api/v1/orders/:id": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{get("/api/v1/orders/" + p.order()).named(p.community).seen()}
		}},
		"GET /api/v1/orders/:id/suggestions": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{get("/api/v1/orders/" + p.order() + "/suggestions?k=10").named(p.community).seen()}
		}},
		"GET /api/v1/orders/:id/history": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{get("/api/v1/orders/" + p.order() + "/history").named(p.community).seen()}
		}},
		"POST /api/v1/orders/:id/:action": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{jsonBody("/api/v1/orders/"+p.acted()+"/file", `{"actor":"leak-probe"}`).named(p.community)}
		}},
		"GET /open311/v2/requests.:format": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{
				get(open311Base + "/requests.json").seen(), get(open311Base + "/requests.xml").seen(),
				get(open311Base + "/requests.json?service_request_id=" + p.order()).named(p.community).seen(),
			}
		}},
		"GET /open311/v2/requests/:file": {calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{get(open311Base + "/requests/" + p.order() + ".json").named(p.community).seen()}
		}},
		"POST /api/v1/events": {userStatus: http.StatusUnauthorized, calls: func(_ scopeUser, p scopePlace) []probeCall {
			return []probeCall{jsonBody(eventsPath, "["+placeOrder(p, p.order()+"-POSTED")+"]").named(p.community)}
		}},
		"POST /open311/v2/requests.:format": {userStatus: http.StatusUnauthorized, calls: func(_ scopeUser, p scopePlace) []probeCall {
			form := url.Values{"service_code": {"environment.parking"}, "lat": {fmt.Sprint(p.point.Lat())}, "long": {fmt.Sprint(p.point.Lon())},
				"description": {"leak probe"}}
			return []probeCall{{method: http.MethodPost, target: open311Base + "/requests.json", body: form.Encode(),
				contentType: "application/x-www-form-urlencoded", names: p.community}}
		}},
		// The live stream is probed over a real connection (probeLive);
		// here only its refusal without a token.
		"GET /ws": {calls: fixed(get("/ws"))},
	}
}

// A server with real parts — areas and tiles, access control, ingest on
// an embedded bus, the live state and its hub, the analytics store on the
// real engine with its writer, dispatching and Open311 — holds work
// orders, alarms and workers in two streets, posted through ingest with
// an integrator key. Every route of its router is called with the token
// of each user: no answer to a user limited to an area holds a code, a
// name or an id of another area (tiles decoded, the live stream read);
// answers of figures only refuse an area outside the caller's; public
// routes hold nothing posted in the district; everything else without a
// token is 401.
func TestNoRouteLeaksAnotherArea(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		f := newScopeServer(t, &cfg)
		f.postPlaces(t)
		f.waitHistory(t, uint64(3*len(scopePlaces)))

		probes := routeProbes()
		routes := f.echo.Routes()
		byMethod := map[string][]string{}
		for _, r := range routes {
			byMethod[r.Path] = append(byMethod[r.Path], r.Method)
			key := r.Method + " " + r.Path
			if r.Method == http.MethodHead {
				key = http.MethodGet + " " + r.Path
			}
			if _, ok := probes[key]; !ok {
				t.Errorf("route %s %s has no entry in routeProbes: say how to call it", r.Method, r.Path)
			}
		}
		for key := range probes {
			method, path, _ := strings.Cut(key, " ")
			if !slices.Contains(byMethod[path], method) {
				t.Errorf("routeProbes has %s, which the server does not route", key)
			}
		}

		for _, u := range scopeUsers {
			if u == userCommand {
				// The scoped dispatcher has tried to act on street B's
				// order before the command centre acts on it.
				if o, ok := f.state.Order(scopePlaces[2].acted()); !ok || o.State != "received" {
					t.Errorf("street B's order %s after the scoped users: %+v, want still received", scopePlaces[2].acted(), o)
				}
				if o, ok := f.state.Order(scopePlaces[0].acted()); !ok || o.State != "filed" {
					t.Errorf("street A's order %s after street A's dispatcher filed it: %+v, want filed", scopePlaces[0].acted(), o)
				}
			}
			for _, r := range routes {
				key := r.Method + " " + r.Path
				if r.Method == http.MethodHead {
					key = http.MethodGet + " " + r.Path
				}
				rp, ok := probes[key]
				if !ok {
					continue
				}
				for _, c := range probeCallsOf(rp, u) {
					c.method = r.Method
					f.probe(t, rp, u, c)
				}
			}
			f.probeLive(t, u)
		}
		for _, p := range scopePlaces {
			if _, ok := f.state.Order(p.order() + "-POSTED"); ok {
				t.Errorf("an order posted with a user's token reached the live state")
			}
		}
		f.compareFigures(t)
	})
}

// probeCallsOf lists the calls of rp for u over every place, each once.
func probeCallsOf(rp routeProbe, u scopeUser) []probeCall {
	var out []probeCall
	at := map[string]int{}
	for _, p := range scopePlaces {
		for _, c := range rp.calls(u, p) {
			k := c.target + "\x00" + c.body
			if i, ok := at[k]; ok {
				out[i].places = append(out[i].places, p)
				continue
			}
			at[k] = len(out)
			c.places = []scopePlace{p}
			out = append(out, c)
		}
	}
	return out
}

// probe sends call c with u's token and checks the answer; for the first
// user it also sends it without a token.
func (f *scopeServer) probe(t *testing.T, rp routeProbe, u scopeUser, c probeCall) {
	t.Helper()
	set := f.areas.Index.Areas()
	what := c.method + " " + c.target
	if u == scopeUsers[0] {
		res, text := f.send(t, c, "")
		switch {
		case res.StatusCode >= http.StatusInternalServerError:
			t.Errorf("%s without a token: %d %.300s", what, res.StatusCode, text)
		case !rp.public && res.StatusCode != http.StatusUnauthorized:
			t.Errorf("%s without a token: %d, want 401; %.300s", what, res.StatusCode, text)
		}
		if found := leaks(anonymous, set, text, callWords(c)...); len(found) > 0 {
			t.Errorf("%s without a token holds %v: %.500s", what, found, text)
		}
	}

	res, text := f.send(t, c, f.tokens[u.name])
	status := res.StatusCode
	switch {
	case status >= http.StatusInternalServerError:
		t.Errorf("%s as %s: %d %.300s", what, u.name, status, text)
	case rp.userStatus != 0 && status != rp.userStatus:
		t.Errorf("%s as %s: %d, want %d; %.300s", what, u.name, status, rp.userStatus, text)
	}
	if rp.public && strings.Contains(strings.ToLower(text), "probe-") {
		t.Errorf("public %s as %s holds what was posted in the district: %.500s", what, u.name, text)
	}
	if u.area != scopeDistrict {
		if found := leaks(u, set, text, callWords(c)...); len(found) > 0 {
			t.Errorf("LEAK %s as %s (area %s) holds %v: %.500s", what, u.name, u.area, found, text)
		}
		if c.refuse && !sees(u, c.names) && (status < 400 || status >= 500) {
			t.Errorf("LEAK %s as %s (area %s): %d, want a refusal; figures of %s are not the caller's: %.300s",
				what, u.name, u.area, status, c.names, text)
		}
	}
	if u == userCommand && c.witness && c.method != http.MethodHead {
		for _, p := range c.places {
			if len(leaks(otherStreetLeader(p), set, text, callWords(c)...)) == 0 {
				t.Errorf("%s as the command centre holds nothing of %s's street %s, so the probe proves nothing there: %.300s",
					what, p.tag, p.street, text)
			}
		}
	}
}

// anonymous is a caller without a token: any area of the district, and
// anything posted in it, is more than it may see.
var anonymous = scopeUser{name: "anonymous", area: "none"}

// sees reports whether u may see the area with this code.
func sees(u scopeUser, code string) bool {
	return auth.Principal{Name: u.name, Role: u.role, Area: u.area}.Sees(code)
}

// otherStreetLeader is the leader of the street that is not p's: what
// they may not see of p's street is what the command centre must see.
func otherStreetLeader(p scopePlace) scopeUser {
	if p.street == streetA {
		return userStreetB
	}
	return userStreetA
}

// send makes call c with token ("" for none) and returns the answer with
// its headers and body as text: gunzipped, and a vector tile decoded into
// its features.
func (f *scopeServer) send(t *testing.T, c probeCall, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(c.method, f.url+c.target, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	// The transport would gunzip only what it asked for itself; asking
	// here keeps every body as sent, to be read below.
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.target, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if c.method == http.MethodHead && len(body) > 0 {
		t.Errorf("HEAD %s answered a body of %d bytes", c.target, len(body))
	}
	var text strings.Builder
	for k, vs := range res.Header {
		fmt.Fprintf(&text, "%s: %s\n", k, strings.Join(vs, ", "))
	}
	if res.Header.Get("Content-Encoding") == "gzip" && len(body) > 0 {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			t.Fatalf("%s %s: gunzip: %v", c.method, c.target, err)
		}
	}
	if res.Header.Get("Content-Type") == mvtContentType && len(body) > 0 {
		layers, err := mvt.Unmarshal(body)
		if err != nil {
			t.Fatalf("%s %s: decode tile: %v", c.method, c.target, err)
		}
		for _, l := range layers {
			for _, ft := range l.Features {
				props, _ := json.Marshal(ft.Properties)
				fmt.Fprintf(&text, "%s %v %s\n", l.Name, ft.ID, props)
			}
		}
		return res, text.String()
	}
	text.Write(body)
	return res, text.String()
}

// callWords are the values call c sends: path segments, query values and
// body values, which an answer may echo.
func callWords(c probeCall) []string {
	u, err := url.Parse(c.target)
	if err != nil {
		return nil
	}
	var out []string
	for _, seg := range strings.Split(u.Path, "/") {
		base, _, _ := strings.Cut(seg, ".")
		out = append(out, seg, base)
	}
	for _, vs := range u.Query() {
		out = append(out, vs...)
	}
	if form, err := url.ParseQuery(c.body); err == nil && c.contentType != "application/json" {
		for _, vs := range form {
			out = append(out, vs...)
		}
	}
	var body map[string]any
	if json.Unmarshal([]byte(c.body), &body) == nil {
		for _, v := range body {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// probeLive opens a live connection as u and subscribes to the whole
// district, to everything, and to every place's street and community:
// those outside u's area are refused, and nothing u receives holds
// another area (wsClient checks each message). The command centre's
// snapshot must hold both streets.
func (f *scopeServer) probeLive(t *testing.T, u scopeUser) {
	t.Helper()
	c := f.dial(t, u, tokenAsSubprotocol)
	subs := []map[string]any{
		{"op": "subscribe", "id": "district", "layers": []string{"orders", "alarms", "patrols"}, "bbox": wsBoxes["district"]},
		{"op": "subscribe", "id": "all", "layers": []string{"orders", "alarms", "patrols"}},
	}
	for _, p := range scopePlaces {
		for _, code := range []string{p.street, p.community} {
			if !slices.ContainsFunc(subs, func(m map[string]any) bool { return m["area"] == code }) {
				id := fmt.Sprintf("area-%d", len(subs))
				subs = append(subs, map[string]any{"op": "subscribe", "id": id, "layers": []string{"orders", "alarms", "patrols"}, "area": code})
			}
		}
	}
	for _, m := range subs {
		c.send(m)
		got := c.next()
		area, _ := m["area"].(string)
		switch {
		case area != "" && !sees(u, area):
			if got.Op != "error" || got.Code != "out_of_scope" {
				t.Errorf("LEAK live subscription of %s to area %s: %+v, want out_of_scope", u.name, area, got)
			}
		case got.Op != "snapshot":
			t.Errorf("live subscription of %s %v: %+v, want a snapshot", u.name, m, got)
		case u == userCommand && m["id"] == "district":
			for _, p := range scopePlaces {
				if !slices.ContainsFunc(got.Orders, func(v wsID) bool { return v.OrderID == p.order() }) {
					t.Errorf("the command centre's live snapshot lacks %s's order %s, so the probe proves nothing there", p.tag, p.order())
				}
			}
		}
	}
	c.send(map[string]any{"op": "ping"})
	for c.next().Op != "pong" {
	}
}

// compareFigures checks the answers of figures only: a scoped user's
// default answer is the command centre's for the user's area, not the
// district's.
func (f *scopeServer) compareFigures(t *testing.T) {
	t.Helper()
	for _, path := range []string{"/api/v1/live/counts", "/api/v1/trends", "/api/v1/rankings", "/api/v1/heatmap", "/api/v1/orders"} {
		for _, u := range scopeUsers {
			if u.area == scopeDistrict {
				continue
			}
			mine := f.figures(t, get(path), u)
			theirs := f.figures(t, get(path+"?area="+u.area), userCommand)
			if mine != theirs {
				t.Errorf("LEAK GET %s as %s is not the command centre's for its area %s:\n%.400s\nwant\n%.400s", path, u.name, u.area, mine, theirs)
			}
		}
	}
}

// figures is a JSON answer as u gets it without the fields that tell when
// it was made.
func (f *scopeServer) figures(t *testing.T, c probeCall, u scopeUser) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.url+c.target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.tokens[u.name])
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s as %s: %d %v", c.target, u.name, r.StatusCode, err)
	}
	for _, k := range []string{"at", "area", "window"} {
		delete(m, k)
	}
	b, _ := json.Marshal(m)
	return string(b)
}
