package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/tile"
)

// rect is a counter-clockwise rectangle polygon.
func rect(w, s, e, n float64) orb.Polygon {
	return orb.Polygon{{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}}
}

// testAreas is a small district around Shuangliu: one street, one
// community, one compound of each type.
func testAreas(t *testing.T) Areas {
	t.Helper()
	set := area.NewSet()
	district := "510116"
	street := area.StreetCode(district, 1)
	community := area.CommunityCode(street, 1)
	set.Add(&area.Area{Code: district, Name: "双流区", Layer: area.District, Geometry: rect(103.90, 30.55, 103.96, 30.60)})
	set.Add(&area.Area{Code: street, Name: "东升街道", Layer: area.Street, Parent: district, Geometry: rect(103.90, 30.55, 103.96, 30.60)})
	set.Add(&area.Area{Code: community, Name: "棠湖社区", Layer: area.Community, Parent: street, Geometry: rect(103.91, 30.56, 103.95, 30.59)})
	for i, typ := range []string{"commercial", "resettlement", "old"} {
		w := 103.915 + float64(i)*0.01
		set.Add(&area.Area{
			Code: area.CompoundCode(community, i+1), Name: "小区", Layer: area.Compound, Parent: community,
			Geometry: rect(w, 30.57, w+0.005, 30.575), Props: map[string]any{"type": typ},
		})
	}
	ix := geo.NewIndex(set)
	return Areas{Index: ix, Tiles: tile.NewRenderer(ix, tile.Config{})}
}

// testFrontend is a stand-in build: an index page, a hashed asset large
// enough to be gzipped, a module worker and an icon.
var testFrontend = fstest.MapFS{
	"index.html":                 {Data: []byte(`<!doctype html><script type="module" src="/assets/index-abc123.js"></script>`)},
	"assets/index-abc123.js":     {Data: []byte("console.log('" + strings.Repeat("gridpulse ", 400) + "');")},
	"assets/maplibre-worker.mjs": {Data: []byte("self.onmessage = () => {};")},
	"favicon.svg":                {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
}

// newTestServer builds a server with the test frontend, ready with the
// test areas and a live pipeline on a real embedded bus unless loaded is
// false.
func newTestServer(t *testing.T, loaded bool) *Server {
	t.Helper()
	s, err := New(Config{}, Deps{Frontend: testFrontend, Logger: slog.New(slog.DiscardHandler), Open: true})
	if err != nil {
		t.Fatal(err)
	}
	if loaded {
		a := testAreas(t)
		if err := s.SetAreas(a); err != nil {
			t.Fatal(err)
		}
		startPipeline(t, s, a, pipelineParts{})
	}
	return s
}

// do sends one request through the server's handler.
func do(t *testing.T, s *Server, method, target string, header http.Header, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// decodeError reads the one error shape, failing the test if the body is
// not in it.
func decodeError(t *testing.T, rec *httptest.ResponseRecorder) errorDetail {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type = %q, want application/json", ct)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("error body %q: %v", rec.Body, err)
	}
	if len(body) != 1 || body["error"] == nil {
		t.Fatalf("error body %s has keys other than error", rec.Body)
	}
	var d errorDetail
	dec := json.NewDecoder(strings.NewReader(string(body["error"])))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("error detail %s: %v", body["error"], err)
	}
	if d.Code == "" || d.Message == "" {
		t.Fatalf("error detail %s lacks a code or a message", body["error"])
	}
	return d
}
