package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
)

// newDispatchServer is a test server with a live pipeline and dispatching
// on it.
func newDispatchServer(t *testing.T) *Server {
	t.Helper()
	s := newTestServer(t, true)
	l := s.live.Load()
	svc, err := dispatch.New(dispatch.Config{}, dispatch.Deps{Door: l.Ingest, State: l.State, Areas: s.areas.Load().index.Areas()})
	if err != nil {
		t.Fatal(err)
	}
	s.SetDispatch(Dispatch{Service: svc})
	return s
}

// postOrder posts a received order through ingest and waits until the
// live state holds it: ingest answers once the bus has the event.
func postOrder(t *testing.T, s *Server, id string) {
	t.Helper()
	rec := do(t, s, http.MethodPost, "/api/v1/events", http.Header{"Content-Type": {"application/json"}},
		strings.NewReader("["+orderJSON(id)+"]"))
	if rec.Code != http.StatusOK {
		t.Fatalf("posting order %s: %d %s", id, rec.Code, rec.Body)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, ok := s.live.Load().State.Order("WO-" + id); ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("order WO-%s never reached the live state", id)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func act(t *testing.T, s *Server, id, action, body string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, s, http.MethodPost, "/api/v1/orders/"+id+"/"+action, http.Header{"Content-Type": {"application/json"}},
		strings.NewReader(body))
}

func TestOrderActionsOverHTTP(t *testing.T) {
	s := newDispatchServer(t)
	postOrder(t, s, "a")
	const id = "WO-a"

	rec := do(t, s, http.MethodGet, "/api/v1/orders/"+id, nil, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET order: %d %s", rec.Code, rec.Body)
	}
	var info dispatch.Info
	if err := json.Unmarshal(rec.Body.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	if info.Order.State != event.Received || info.Routing.Level != dispatch.LevelCommunity || info.Routing.UnitName != "棠湖社区" {
		t.Errorf("order %+v routed %+v", info.Order, info.Routing)
	}

	// Dispatching a received order is refused, naming what may follow.
	rec = act(t, s, id, "dispatch", `{"actor":"d1","assignee":"GW1"}`)
	if rec.Code != http.StatusConflict {
		t.Fatalf("dispatch before filing: %d %s", rec.Code, rec.Body)
	}
	var conflict struct {
		Error   errorDetail   `json:"error"`
		State   event.State   `json:"state"`
		Allowed []event.State `json:"allowed"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &conflict); err != nil {
		t.Fatal(err)
	}
	if conflict.Error.Code != CodeInvalidTransition || conflict.State != event.Received ||
		!slices.Equal(conflict.Allowed, []event.State{event.Filed, event.Escalated}) ||
		!strings.Contains(conflict.Error.Message, "filed, escalated") {
		t.Errorf("409 body %s", rec.Body)
	}

	steps := []struct{ action, body string }{
		{"file", `{"actor":"community:510116001001"}`},
		{"dispatch", `{"actor":"community:510116001001","assignee":"GW510116001001001"}`},
		{"start", `{"actor":"GW510116001001001"}`},
		{"report", `{"actor":"GW510116001001001"}`},
		{"verify", `{"actor":"GW510116001001002"}`},
		{"close", `{"actor":"community:510116001001","satisfaction":4}`},
	}
	for _, st := range steps {
		rec := act(t, s, id, st.action, st.body)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", st.action, rec.Code, rec.Body)
		}
		var res dispatch.Result
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		want, _ := dispatch.Action(st.action).Target()
		if res.To != want || res.Order.State != want || !res.Applied {
			t.Errorf("%s: %+v", st.action, res)
		}
	}
	rec = act(t, s, id, "file", `{"actor":"d1"}`)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), `"allowed":[]`) {
		t.Errorf("filing a closed order: %d %s", rec.Code, rec.Body)
	}
}

func TestOrderActionBadInput(t *testing.T) {
	s := newDispatchServer(t)
	postOrder(t, s, "b")
	json := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name   string
		target string
		header http.Header
		body   string
		status int
		field  string
	}{
		{"unknown order", "/api/v1/orders/WO-none/file", json, `{"actor":"a"}`, http.StatusNotFound, "id"},
		{"unknown action", "/api/v1/orders/WO-b/reopen", json, `{"actor":"a"}`, http.StatusNotFound, "action"},
		{"no body", "/api/v1/orders/WO-b/file", json, ``, http.StatusBadRequest, "actor"},
		{"no actor", "/api/v1/orders/WO-b/file", json, `{}`, http.StatusBadRequest, "actor"},
		{"unknown field", "/api/v1/orders/WO-b/file", json, `{"actor":"a","colour":"red"}`, http.StatusBadRequest, "colour"},
		{"wrong type", "/api/v1/orders/WO-b/close", json, `{"actor":"a","satisfaction":"great"}`, http.StatusBadRequest, "satisfaction"},
		{"not json", "/api/v1/orders/WO-b/file", json, `{"actor":`, http.StatusBadRequest, "body"},
		{"two values", "/api/v1/orders/WO-b/file", json, `{"actor":"a"} {}`, http.StatusBadRequest, "body"},
		{"an assignee when filing", "/api/v1/orders/WO-b/file", json, `{"actor":"a","assignee":"GW1"}`, http.StatusBadRequest, "assignee"},
		{"a bad deadline", "/api/v1/orders/WO-b/extend", json, `{"actor":"a","deadline":"soon"}`, http.StatusBadRequest, "deadline"},
		{"form content", "/api/v1/orders/WO-b/file", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, `actor=a`, http.StatusUnsupportedMediaType, "Content-Type"},
		{"a bad id", "/api/v1/orders/WO%20b/file", json, `{"actor":"a"}`, http.StatusBadRequest, "id"},
		{"suggestions k too large", "/api/v1/orders/WO-b/suggestions?k=99", nil, "", http.StatusBadRequest, "k"},
		{"queue with an unknown state", "/api/v1/orders?state=received,lost", nil, "", http.StatusBadRequest, "state"},
		{"queue with a bad flag", "/api/v1/orders?overdue=maybe", nil, "", http.StatusBadRequest, "overdue"},
		{"queue with a bad area", "/api/v1/orders?area=51x", nil, "", http.StatusBadRequest, "area"},
		{"queue limit out of range", "/api/v1/orders?limit=0", nil, "", http.StatusBadRequest, "limit"},
		{"queue with an unknown parameter", "/api/v1/orders?colour=red", nil, "", http.StatusBadRequest, "colour"},
		{"history without ClickHouse", "/api/v1/orders/WO-b/history", nil, "", http.StatusServiceUnavailable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodPost
			if tt.header == nil {
				method = http.MethodGet
			}
			rec := do(t, s, method, tt.target, tt.header, strings.NewReader(tt.body))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if d := decodeError(t, rec); d.Field != tt.field {
				t.Errorf("field %q, want %q (%s)", d.Field, tt.field, d.Message)
			}
		})
	}
	var info dispatch.Info
	rec := do(t, s, http.MethodGet, "/api/v1/orders/WO-b", nil, nil)
	if err := jsonUnmarshal(rec, &info); err != nil || info.Order.State != event.Received {
		t.Errorf("after bad requests the order is %+v (%v)", info.Order, err)
	}
}

func TestOrderQueueSuggestionsAndCatalogue(t *testing.T) {
	s := newDispatchServer(t)
	for _, id := range []string{"c", "d", "e"} {
		postOrder(t, s, id)
	}
	act(t, s, "WO-d", "file", `{"actor":"a"}`)
	rec := do(t, s, http.MethodGet, "/api/v1/orders?state=filed&area=510116001", nil, nil)
	var queue struct {
		Total  int `json:"total"`
		Orders []struct {
			OrderID string           `json:"order_id"`
			State   event.State      `json:"state"`
			Routing dispatch.Routing `json:"routing"`
		} `json:"orders"`
	}
	if err := jsonUnmarshal(rec, &queue); err != nil {
		t.Fatal(err)
	}
	if queue.Total != 1 || len(queue.Orders) != 1 || queue.Orders[0].OrderID != "WO-d" || queue.Orders[0].Routing.Unit == "" {
		t.Errorf("queue of filed orders: %s", rec.Body)
	}
	rec = do(t, s, http.MethodGet, "/api/v1/orders?limit=2", nil, nil)
	if err := jsonUnmarshal(rec, &queue); err != nil || queue.Total != 3 || len(queue.Orders) != 2 {
		t.Errorf("limited queue: %s", rec.Body)
	}

	rec = do(t, s, http.MethodGet, "/api/v1/orders/WO-c/suggestions", nil, nil)
	var sug dispatch.Suggestions
	if err := jsonUnmarshal(rec, &sug); err != nil || sug.OrderID != "WO-c" || sug.Workers == nil && rec.Code != http.StatusOK {
		t.Errorf("suggestions: %d %s", rec.Code, rec.Body)
	}
	if len(sug.Departments) == 0 || sug.Departments[0].Code != "law_enforcement" {
		t.Errorf("departments for parking: %+v", sug.Departments)
	}

	rec = do(t, s, http.MethodGet, "/api/v1/dispatch", nil, nil)
	var cat struct {
		Actions []struct {
			Action string `json:"action"`
			To     string `json:"to"`
			ZH     string `json:"zh"`
		} `json:"actions"`
		Next      map[string][]string `json:"next"`
		Deadlines []map[string]any    `json:"deadlines"`
		FlagAfter int                 `json:"flag_after"`
	}
	if err := jsonUnmarshal(rec, &cat); err != nil {
		t.Fatal(err)
	}
	if len(cat.Actions) != len(dispatch.Actions) || cat.Actions[1].Action != "dispatch" || cat.Actions[1].ZH != "派遣" ||
		!slices.Equal(cat.Next["closed"], []string{}) && cat.Next["closed"] != nil || len(cat.Deadlines) == 0 || cat.FlagAfter != 3 {
		t.Errorf("catalogue %s", rec.Body)
	}
}

// jsonUnmarshal decodes a 200 answer.
func jsonUnmarshal(rec *httptest.ResponseRecorder, v any) error {
	if rec.Code != http.StatusOK {
		return &Error{Status: rec.Code, Message: rec.Body.String()}
	}
	return json.Unmarshal(rec.Body.Bytes(), v)
}

func TestOrderHistoryRoute(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := newDispatchServer(t)
		store := analyticstest.Open(t, cfg)
		d := s.dispatch.Load()
		s.SetDispatch(Dispatch{Service: d.Service, Audit: dispatch.NewAudit(store.Engine())})
		postOrder(t, s, "h")
		// Known to the live state, not yet stored: no steps, not a 404.
		rec := do(t, s, http.MethodGet, "/api/v1/orders/WO-h/history", nil, nil)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"steps":[]`) {
			t.Errorf("history of a live order: %d %s", rec.Code, rec.Body)
		}
		rec = do(t, s, http.MethodGet, "/api/v1/orders/WO-none/history", nil, nil)
		if rec.Code != http.StatusNotFound || decodeError(t, rec).Field != "id" {
			t.Errorf("history of an unknown order: %d %s", rec.Code, rec.Body)
		}
	})
}
