package server

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/internal/eventually"
)

// accessUsers are one user per role over the test areas (street
// 510116001), and a street leader of a street the areas do not have; each
// one's password is "password-<name>".
var accessUsers = []testUser{
	{"command", auth.RoleCommand, "510116", "password-command"},
	{"dispatcher", auth.RoleDispatcher, "510116", "password-dispatcher"},
	{"street", auth.RoleStreet, "510116001", "password-street"},
	{"community", auth.RoleCommunity, "510116001001", "password-community"},
	{"other-street", auth.RoleStreet, "510116002", "password-other-street"},
}

// newAccessServer is the test server with the live pipeline and a real
// authority: the users above, an integrator "hotline" with key
// "hotline-key" and the given burst, and a scraper "prometheus" with key
// "prometheus-key".
func newAccessServer(t *testing.T, cfg Config, burst int) *Server {
	t.Helper()
	s, err := New(cfg, Deps{Frontend: testFrontend, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	areas := testAreas(t)
	if err := s.SetAreas(areas); err != nil {
		t.Fatal(err)
	}
	startPipeline(t, s, areas, pipelineParts{})
	users := testAuthConfig(t, accessUsers,
		testIntegrator{auth.Integrator{Name: "hotline", Rate: 1, Burst: burst}, "hotline-key"})
	users.Scrapers = []auth.Scraper{{Name: "prometheus", KeySHA256: auth.HashKey("prometheus-key")}}
	a, err := auth.New(users, testKeyBytes)
	if err != nil {
		t.Fatal(err)
	}
	s.SetAuth(a)
	return s
}

// bearer is the Authorization header of an access user's token.
func bearer(t *testing.T, s *Server, name string) http.Header {
	t.Helper()
	return signIn(t, s, name, "password-"+name)
}

func TestRoutesNeedASignedInUser(t *testing.T) {
	s := newAccessServer(t, Config{}, 100)
	tests := []struct {
		method, target string
		want           int
	}{
		{http.MethodGet, "/healthz", http.StatusOK},
		{http.MethodGet, "/", http.StatusOK},
		{http.MethodGet, "/api/v1/login/demo", http.StatusOK},
		{http.MethodGet, "/api/v1/catalogue", http.StatusOK},
		{http.MethodGet, "/api/v1/config", http.StatusOK},
		{http.MethodGet, "/tiles/14/13130/6826", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/layers", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/labels", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/locate?lon=103.92&lat=30.57", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/live/counts", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/live/nearest?lon=103.92&lat=30.57", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/areas/510116001", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/heatmap", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/orders", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/me", http.StatusUnauthorized},
		{http.MethodGet, "/ws", http.StatusUnauthorized},
		{http.MethodPost, "/api/v1/orders/WO-1/dispatch", http.StatusUnauthorized},
		{http.MethodPost, "/api/v1/events", http.StatusUnauthorized},
		{http.MethodGet, "/open311/v2/requests.json", http.StatusUnauthorized},
		{http.MethodGet, "/metrics", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		rec := do(t, s, tt.method, tt.target, nil, nil)
		if rec.Code != tt.want {
			t.Errorf("%s %s without a token = %d, want %d: %s", tt.method, tt.target, rec.Code, tt.want, rec.Body)
			continue
		}
		if tt.want == http.StatusUnauthorized && !strings.HasPrefix(tt.target, "/open311") {
			if d := decodeError(t, rec); d.Field != "Authorization" {
				t.Errorf("%s: 401 names %q, want Authorization", tt.target, d.Field)
			}
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("%s: 401 without WWW-Authenticate", tt.target)
			}
		}
	}
	// The same routes with a token of a made-up signature are 401 too.
	forged := http.Header{"Authorization": {"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjb21tYW5kIn0.c2lnbmF0dXJl"}}
	if rec := do(t, s, http.MethodGet, "/api/v1/live/counts", forged, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("forged token = %d", rec.Code)
	}
	if rec := do(t, s, http.MethodGet, "/api/v1/live/counts", bearer(t, s, "command"), nil); rec.Code != http.StatusOK {
		t.Errorf("signed in = %d %s", rec.Code, rec.Body)
	}
}

// The metrics are the whole district's totals: a scraper's key or the
// token of a user who sees the district reads them, no one else.
func TestMetricsNeedAScraperOrTheDistrict(t *testing.T) {
	s := newAccessServer(t, Config{}, 100)
	key := func(k string) http.Header { return http.Header{"Authorization": {"Bearer " + k}} }
	tests := []struct {
		name   string
		header http.Header
		want   int
		field  string
	}{
		{"scraper key", key("prometheus-key"), http.StatusOK, ""},
		{"command centre", bearer(t, s, "command"), http.StatusOK, ""},
		{"district dispatcher", bearer(t, s, "dispatcher"), http.StatusOK, ""},
		{"street leader", bearer(t, s, "street"), http.StatusForbidden, "area"},
		{"community secretary", bearer(t, s, "community"), http.StatusForbidden, "area"},
		{"integrator key", key("hotline-key"), http.StatusUnauthorized, "Authorization"},
		{"wrong key", key("prometheus-kez"), http.StatusUnauthorized, "Authorization"},
		{"nothing", nil, http.StatusUnauthorized, "Authorization"},
	}
	for _, tt := range tests {
		rec := do(t, s, http.MethodGet, "/metrics", tt.header, nil)
		if rec.Code != tt.want {
			t.Errorf("%s: /metrics = %d, want %d: %.200s", tt.name, rec.Code, tt.want, rec.Body)
			continue
		}
		if tt.want == http.StatusOK {
			if !strings.Contains(rec.Body.String(), "go_goroutines") {
				t.Errorf("%s: the answer holds no metrics: %.200s", tt.name, rec.Body)
			}
			continue
		}
		if d := decodeError(t, rec); d.Field != tt.field {
			t.Errorf("%s: %d names %q, want %q", tt.name, tt.want, d.Field, tt.field)
		}
	}
}

func TestLoginRoutes(t *testing.T) {
	s := newAccessServer(t, Config{}, 100)
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name   string
		header http.Header
		body   string
		status int
		field  string
	}{
		{"form post", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, "user=street&password=x", http.StatusUnsupportedMediaType, "Content-Type"},
		{"not JSON", jsonCT, "{", http.StatusBadRequest, "body"},
		{"unknown field", jsonCT, `{"user":"street","password":"p","role":"command"}`, http.StatusBadRequest, "body"},
		{"no user", jsonCT, `{"password":"p"}`, http.StatusBadRequest, "user"},
		{"no password", jsonCT, `{"user":"street"}`, http.StatusBadRequest, "password"},
		{"long password", jsonCT, `{"user":"street","password":"` + strings.Repeat("x", 100) + `"}`, http.StatusBadRequest, "password"},
		{"wrong password", jsonCT, `{"user":"street","password":"password-command"}`, http.StatusUnauthorized, "password"},
		{"unknown user", jsonCT, `{"user":"nobody","password":"password-street"}`, http.StatusUnauthorized, "password"},
	}
	for _, tt := range tests {
		rec := do(t, s, http.MethodPost, "/api/v1/login", tt.header, strings.NewReader(tt.body))
		if rec.Code != tt.status {
			t.Errorf("%s = %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
			continue
		}
		if d := decodeError(t, rec); d.Field != tt.field {
			t.Errorf("%s names %q, want %q", tt.name, d.Field, tt.field)
		}
	}

	h := bearer(t, s, "street")
	rec := do(t, s, http.MethodGet, "/api/v1/me", h, nil)
	var me struct {
		User   auth.Principal `json:"user"`
		CanAct bool           `json:"can_act"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &me) != nil {
		t.Fatalf("me = %d %s", rec.Code, rec.Body)
	}
	if me.User.Area != "510116001" || me.User.Role != auth.RoleStreet || me.CanAct {
		t.Errorf("me = %+v", me)
	}
	rec = do(t, s, http.MethodPost, "/api/v1/login/renew", h, nil)
	var renewed loginAnswer
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &renewed) != nil || renewed.Value == "" {
		t.Fatalf("renew = %d %s", rec.Code, rec.Body)
	}
	if rec := do(t, s, http.MethodPost, "/api/v1/login/renew", nil, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("renew without a token = %d", rec.Code)
	}
	if rec := do(t, s, http.MethodGet, "/api/v1/login/demo", nil, nil); !strings.Contains(rec.Body.String(), `"demo":false`) {
		t.Errorf("a users-file server says %s", rec.Body)
	}
}

func TestOnlyActorsMoveOrders(t *testing.T) {
	s := newAccessServer(t, Config{}, 100)
	for _, tt := range []struct {
		user      string
		forbidden bool
	}{
		{"street", true}, {"community", true}, {"dispatcher", false}, {"command", false},
	} {
		rec := do(t, s, http.MethodPost, "/api/v1/orders/WO-none/dispatch", bearer(t, s, tt.user), strings.NewReader(`{}`))
		if got := rec.Code == http.StatusForbidden; got != tt.forbidden {
			t.Errorf("%s acting = %d %s, forbidden want %v", tt.user, rec.Code, rec.Body, tt.forbidden)
		}
		if tt.forbidden {
			if d := decodeError(t, rec); d.Field != "role" {
				t.Errorf("%s: 403 names %q, want role", tt.user, d.Field)
			}
		}
	}
}

func TestIngestNeedsAKeyWithinItsRate(t *testing.T) {
	s := newAccessServer(t, Config{}, 2)
	key := http.Header{"Authorization": {"Bearer hotline-key"}, "Content-Type": {"application/json"}}
	batch := func(ids ...string) *strings.Reader {
		var parts []string
		for _, id := range ids {
			parts = append(parts, orderJSON(id))
		}
		return strings.NewReader("[" + strings.Join(parts, ",") + "]")
	}
	userToken := bearer(t, s, "command")
	userToken.Set("Content-Type", "application/json")
	if rec := do(t, s, http.MethodPost, eventsPath, userToken, batch("k0")); rec.Code != http.StatusUnauthorized {
		t.Errorf("a user's token on ingest = %d, want 401", rec.Code)
	}
	if rec := do(t, s, http.MethodPost, eventsPath, key, batch("k1", "k2", "k3")); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("3 events on a burst of 2 = %d %s, want 413", rec.Code, rec.Body)
	}
	if rec := do(t, s, http.MethodPost, eventsPath, key, batch("k4", "k5")); rec.Code != http.StatusOK {
		t.Fatalf("2 events = %d %s", rec.Code, rec.Body)
	}
	rec := do(t, s, http.MethodPost, eventsPath, key, batch("k6"))
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("over the rate = %d (Retry-After %q) %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	// After the wait the server asked for, one more event is taken.
	wait, _ := time.ParseDuration(rec.Header().Get("Retry-After") + "s")
	time.Sleep(wait)
	if rec := do(t, s, http.MethodPost, eventsPath, key, batch("k7")); rec.Code != http.StatusOK {
		t.Fatalf("after Retry-After = %d %s", rec.Code, rec.Body)
	}
	// The live state applies the stream in order: once it holds k7, it
	// would hold anything of the refused batches stored before it.
	state := s.live.Load().State
	eventually.Holds(t, "order WO-k7 in the live state", func() bool { _, ok := state.Order("WO-k7"); return ok })
	for _, id := range []string{"k0", "k1", "k2", "k3", "k6"} {
		if _, ok := state.Order("WO-" + id); ok {
			t.Errorf("refused order %s is in the live state", id)
		}
	}
}

func TestSecureHeaders(t *testing.T) {
	s := newTestServer(t, false)
	if err := s.SetDashboard(Dashboard{Basemap: "https://t0.tianditu.gov.cn/vec_w/wmts?TileMatrix={TileMatrix}&TileRow={TileRow}&TileCol={TileCol}"}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/", "/api/v1/config", "/nothing-here"} {
		h := do(t, s, http.MethodGet, target, nil, nil).Header()
		for k, want := range map[string]string{
			"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
		} {
			if h.Get(k) != want {
				t.Errorf("%s: %s = %q, want %q", target, k, h.Get(k), want)
			}
		}
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "connect-src 'self' https://t0.tianditu.gov.cn"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", target, csp, want)
			}
		}
	}
}

func TestWebSocketSignInAndConnectionLimit(t *testing.T) {
	s := newAccessServer(t, Config{MaxWSConnsPerUser: 2}, 100)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws"
	token := strings.TrimPrefix(bearer(t, s, "street").Get("Authorization"), "Bearer ")

	if _, res, err := websocket.DefaultDialer.Dial(url, nil); err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token: %v %v", err, res)
	}
	// A browser offers its token as a second subprotocol; the answer names
	// only the protocol.
	browser := websocket.Dialer{Subprotocols: []string{"gridpulse.v1", wsBearerPrefix + token}}
	first, res, err := browser.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if got := res.Header.Get("Sec-WebSocket-Protocol"); got != "gridpulse.v1" {
		t.Errorf("answered subprotocol %q", got)
	}
	second, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		t.Fatal(err)
	}
	if _, res, err := browser.Dial(url, nil); err == nil || res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a third connection: %v %v", err, res)
	}
	// Another user is not held up by the first one's connections.
	other, _, err := websocket.DefaultDialer.Dial(url, bearer(t, s, "command"))
	if err != nil {
		t.Fatalf("another user: %v", err)
	}
	other.Close()
	// A street leader asking for the whole district is refused.
	if err := second.WriteJSON(map[string]any{"op": "subscribe", "id": "s", "layers": []string{"orders"}, "area": "510116"}); err != nil {
		t.Fatal(err)
	}
	_, msg, err := second.ReadMessage()
	if err != nil || !strings.Contains(string(msg), "out_of_scope") {
		t.Errorf("district from a street token: %s %v", msg, err)
	}
}

func TestDemoLoginsNameTheirAreas(t *testing.T) {
	s := newTestServer(t, false)
	s.open = false
	if err := s.SetAreas(testAreas(t)); err != nil {
		t.Fatal(err)
	}
	a, err := auth.NewDemo(auth.DemoAreas{District: "510116", Street: "510116001", Community: "510116001001"}, testKeyBytes)
	if err != nil {
		t.Fatal(err)
	}
	s.SetAuth(a)
	rec := do(t, s, http.MethodGet, "/api/v1/login/demo", nil, nil)
	var got struct {
		Demo  bool        `json:"demo"`
		Users []demoLogin `json:"users"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &got) != nil {
		t.Fatalf("demo logins = %d %s", rec.Code, rec.Body)
	}
	names := map[string]string{}
	for _, u := range got.Users {
		names[u.User] = u.AreaName
	}
	want := map[string]string{"demo-command": "双流区", "demo-dispatcher": "双流区", "demo-street": "东升街道", "demo-community": "棠湖社区"}
	if !got.Demo || fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("demo logins %+v, want areas %v", got, want)
	}
}
