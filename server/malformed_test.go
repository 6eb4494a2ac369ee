package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
)

// malformedCase is one bad input from testdata/malformed: an HTTP request
// (method, path, content type, body) or a WebSocket message (send), and
// the refusal it must get: a 4xx status, an error code and the field it
// names.
//
// In path, body and send, {{now}} is a minute ago (RFC 3339), {{order}} an
// order the server holds, {{unique}} a token of the case's own, and
// {{repeat}} repeat.text written repeat.count times.
type malformedCase struct {
	Name        string          `json:"name"`
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	ContentType string          `json:"content_type"`
	Body        string          `json:"body"`
	JSON        json.RawMessage `json:"json"` // the body as JSON, when it is valid JSON
	Repeat      *struct {
		Text  string `json:"text"`
		Count int    `json:"count"`
	} `json:"repeat"`
	Send   string `json:"send"`
	Binary bool   `json:"binary"` // send as a binary frame

	Status  int    `json:"status"`
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"` // a part of the error's message, when it matters
	// Item, for a batch answered 200 as a whole, is the event whose
	// result must have ItemStatus (and, when rejected, name Field).
	Item       *int   `json:"item"`
	ItemStatus string `json:"item_status"`
}

// loadMalformed reads one file of cases.
func loadMalformed(t *testing.T, name string) []malformedCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "malformed", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var cases []malformedCase
	if err := dec.Decode(&cases); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if tc.Name == "" || seen[tc.Name] {
			t.Fatalf("%s.json: case %q is unnamed or named twice", name, tc.Name)
		}
		seen[tc.Name] = true
		if tc.Send == "" && (tc.Status < 400 || tc.Status > 499) && tc.Item == nil {
			t.Fatalf("%s.json: case %q expects status %d, not a 4xx", name, tc.Name, tc.Status)
		}
	}
	return cases
}

// fill puts the case's values in for the placeholders of s.
func (tc malformedCase) fill(s, unique, order string) string {
	r := []string{"{{now}}", time.Now().UTC().Add(-time.Minute).Format(time.RFC3339), "{{order}}", order, "{{unique}}", unique}
	if tc.Repeat != nil {
		r = append(r, "{{repeat}}", strings.Repeat(tc.Repeat.Text, tc.Repeat.Count))
	}
	return strings.NewReplacer(r...).Replace(s)
}

// TestMalformedInputs sends every bad input of testdata/malformed but the
// analytics ones to a server with the live pipeline on a real embedded
// bus, dispatching and Open311, and checks each is refused with a 4xx
// naming the field, never a 5xx.
func TestMalformedInputs(t *testing.T) {
	s := newOpen311Server(t)
	postOrder(t, s, "malformed")
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, file := range []string{"events", "open311", "dispatch", "locate", "tiles", "ws"} {
		for i, tc := range loadMalformed(t, file) {
			t.Run(file+"/"+tc.Name, func(t *testing.T) {
				unique := fmt.Sprintf("%s-%d", file, i)
				if tc.Send != "" {
					tc.checkWS(t, ts.URL, tc.fill(tc.Send, unique, "WO-malformed"))
					return
				}
				tc.checkHTTP(t, s, unique, "WO-malformed")
			})
		}
	}
}

// TestMalformedAnalyticsInputs does the same for the analytics queries,
// on the real ClickHouse engines.
func TestMalformedAnalyticsInputs(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := newAnalyticsServer(t, cfg)
		for i, tc := range loadMalformed(t, "analytics") {
			t.Run(tc.Name, func(t *testing.T) { tc.checkHTTP(t, s, fmt.Sprint(i), "") })
		}
	})
}

func (tc malformedCase) checkHTTP(t *testing.T, s *Server, unique, order string) {
	body := tc.Body
	if tc.JSON != nil {
		body = string(tc.JSON)
	}
	var header http.Header
	if tc.ContentType != "" {
		header = http.Header{"Content-Type": {tc.ContentType}}
	}
	rec := do(t, s, tc.Method, tc.fill(tc.Path, unique, order), header, strings.NewReader(tc.fill(body, unique, order)))
	if rec.Code != tc.Status {
		t.Fatalf("status %d, want %d: %.400s", rec.Code, tc.Status, rec.Body)
	}
	switch {
	case tc.Item != nil:
		tc.checkItem(t, rec)
	case strings.HasPrefix(tc.Path, open311Base):
		tc.checkOpen311(t, rec)
	default:
		var body struct {
			Error errorDetail `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("error body %.400q: %v", rec.Body, err)
		}
		if d := body.Error; d.Field != tc.Field || (tc.Code != "" && d.Code != tc.Code) || d.Message == "" || !strings.Contains(d.Message, tc.Message) {
			t.Fatalf("error %+v, want code %q naming %q, saying %q", d, tc.Code, tc.Field, tc.Message)
		}
	}
}

// checkItem reads a batch answered 200 for one event's result.
func (tc malformedCase) checkItem(t *testing.T, rec *httptest.ResponseRecorder) {
	var resp struct {
		Results []struct {
			Status string `json:"status"`
			Error  *struct {
				Field string `json:"field"`
			} `json:"error"`
		} `json:"results"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || *tc.Item >= len(resp.Results) {
		t.Fatalf("batch answer %.400s has no result %d (%v)", rec.Body, *tc.Item, err)
	}
	res := resp.Results[*tc.Item]
	if res.Status != tc.ItemStatus {
		t.Fatalf("event %d: status %q, want %q: %s", *tc.Item, res.Status, tc.ItemStatus, rec.Body)
	}
	if tc.Field == "" {
		return
	}
	field := fmt.Sprintf("events[%d]", *tc.Item)
	if res.Error != nil && res.Error.Field != "" {
		field += "." + res.Error.Field
	}
	if res.Error == nil || field != tc.Field {
		t.Fatalf("event %d: error names %q, want %q: %s", *tc.Item, field, tc.Field, rec.Body)
	}
}

// checkOpen311 reads the specification's error shape, whose description
// starts with the parameter at fault.
func (tc malformedCase) checkOpen311(t *testing.T, rec *httptest.ResponseRecorder) {
	var errs []struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &errs); err != nil || len(errs) != 1 {
		t.Fatalf("Open311 error body %.400s: %v", rec.Body, err)
	}
	if e := errs[0]; e.Code != tc.Status || !strings.HasPrefix(e.Description, tc.Field+": ") {
		t.Fatalf("Open311 error %+v, want %d naming %q", e, tc.Status, tc.Field)
	}
}

// checkWS sends msg on a connection of its own and reads until the error
// it gets.
func (tc malformedCase) checkWS(t *testing.T, base, msg string) {
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	kind := websocket.TextMessage
	if tc.Binary {
		kind = websocket.BinaryMessage
	}
	if err := conn.WriteMessage(kind, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("no error message: %v", err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var m struct {
				Op, Code, Field, Message string
			}
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("frame %q: %v", line, err)
			}
			if m.Op != "error" {
				continue
			}
			if m.Code != tc.Code || m.Field != tc.Field || m.Message == "" {
				t.Fatalf("error %s, want code %q naming %q", line, tc.Code, tc.Field)
			}
			return
		}
	}
}
