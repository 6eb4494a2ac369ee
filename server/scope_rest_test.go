package server

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/tile"
	"github.com/gridpulse/gridpulse/internal/eventually"
	"github.com/gridpulse/gridpulse/open311"
	"github.com/gridpulse/gridpulse/stream/live"
)

// The REST scope tests run on a district of two streets: street A with
// communities a1 and a2, street B with community b1. Each community has
// one compound, where one work order is opened and one grid worker is on
// duty. Property company PC-1 runs the compounds of a1 and b1, in both
// streets; PC-2 the compound of a2.
const (
	restDistrict = "510116"
	restKey      = "rest-scope-integrator-key"
	restPassword = "rest-scope-password"
	restNoOrder  = "WO-REST-NONE"
)

var (
	restStreetA = area.StreetCode(restDistrict, 1)
	restStreetB = area.StreetCode(restDistrict, 2)
)

// restPlace is one community and what the tests put in it.
type restPlace struct {
	tag                         string // a1, a2, b1
	street, community, compound string
	company                     string // the compound's property company
	west, east                  float64
}

func newRestPlace(tag, street string, seq int, company string, west, east float64) restPlace {
	community := area.CommunityCode(street, seq)
	return restPlace{tag: tag, street: street, community: community, compound: area.CompoundCode(community, 1),
		company: company, west: west, east: east}
}

// Its order, its worker and a point inside its compound.
func (p restPlace) order() string    { return "WO-REST-" + strings.ToUpper(p.tag) }
func (p restPlace) worker() string   { return "GW-REST-" + strings.ToUpper(p.tag) }
func (p restPlace) point() orb.Point { return orb.Point{p.west + 0.009, 30.58} }

var (
	restA1     = newRestPlace("a1", restStreetA, 1, "PC-1", 103.90, 103.92)
	restA2     = newRestPlace("a2", restStreetA, 2, "PC-2", 103.92, 103.945)
	restB1     = newRestPlace("b1", restStreetB, 1, "PC-1", 103.945, 103.99)
	restPlaces = []restPlace{restA1, restA2, restB1}
)

// restAreas is the district as an index with its tiles.
func restAreas() Areas {
	set := area.NewSet()
	add := func(l area.Layer, code, name, parent string, g orb.Polygon, props map[string]any) {
		set.Add(&area.Area{Code: code, Name: name, Layer: l, Parent: parent, Geometry: g, Props: props})
	}
	add(area.District, restDistrict, "双流区", "", rect(103.90, 30.56, 103.99, 30.61), nil)
	add(area.Street, restStreetA, "东升街道", restDistrict, rect(103.90, 30.56, 103.945, 30.61), nil)
	add(area.Street, restStreetB, "九江街道", restDistrict, rect(103.945, 30.56, 103.99, 30.61), nil)
	for _, p := range restPlaces {
		add(area.Community, p.community, p.tag+"社区", p.street, rect(p.west, 30.56, p.east, 30.61), nil)
		add(area.Compound, p.compound, p.tag+"小区", p.community, rect(p.west+0.004, 30.575, p.west+0.014, 30.585),
			map[string]any{"type": "old", "households": 500.0, "property_company": p.company, "property_company_name": p.company + "物业"})
	}
	ix := geo.NewIndex(set)
	return Areas{Index: ix, Tiles: tile.NewRenderer(ix, tile.Config{})}
}

// restUser is a user of the tests and what its area holds.
type restUser struct {
	name string
	role auth.Role
	area string
	// sees are the places whose orders, workers and compounds lie in the
	// user's area.
	sees []restPlace
	// names are the areas /api/v1/areas answers the user: its own, those
	// inside it and those holding it.
	names []string
	// outside are area codes the user may not ask for.
	outside []string
}

var (
	restCommand = restUser{"rest-command", auth.RoleCommand, restDistrict, restPlaces,
		[]string{restDistrict, restStreetA, restStreetB, restA1.community, restA2.community, restB1.community,
			restA1.compound, restA2.compound, restB1.compound},
		[]string{"510104"}}
	restLeaderA = restUser{"rest-street-a", auth.RoleStreet, restStreetA, []restPlace{restA1, restA2},
		[]string{restDistrict, restStreetA, restA1.community, restA2.community, restA1.compound, restA2.compound},
		[]string{restDistrict, restStreetB, restB1.community}}
	restLeaderB = restUser{"rest-street-b", auth.RoleStreet, restStreetB, []restPlace{restB1},
		[]string{restDistrict, restStreetB, restB1.community, restB1.compound},
		[]string{restStreetA, restA1.community}}
	restSecretaryA1 = restUser{"rest-community-a1", auth.RoleCommunity, restA1.community, []restPlace{restA1},
		[]string{restDistrict, restStreetA, restA1.community, restA1.compound},
		[]string{restStreetA, restA2.community, restB1.community}}
	restDispatcherA = restUser{"rest-dispatcher-a", auth.RoleDispatcher, restStreetA, []restPlace{restA1, restA2},
		[]string{restDistrict, restStreetA, restA1.community, restA2.community, restA1.compound, restA2.compound},
		[]string{restStreetB}}
	restUsers = []restUser{restCommand, restLeaderA, restLeaderB, restSecretaryA1, restDispatcherA}
)

// restFixture is a server with access control over the district, the real
// live pipeline on an embedded bus, the analytics writer into ClickHouse,
// dispatching with its audit trail and Open311, with the three orders
// and workers posted and stored.
type restFixture struct {
	s      *Server
	tokens map[string]http.Header
	state  *live.State
}

func newRestFixture(t *testing.T, cfg analytics.Config) *restFixture {
	t.Helper()
	s, err := New(Config{}, Deps{Frontend: testFrontend, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	areas := restAreas()
	if err := s.SetAreas(areas); err != nil {
		t.Fatal(err)
	}
	users := make([]testUser, len(restUsers))
	for i, u := range restUsers {
		users[i] = testUser{u.name, u.role, u.area, restPassword}
	}
	s.SetAuth(newTestAuthority(t, users,
		testIntegrator{auth.Integrator{Name: "rest-hotline", Rate: 1000, Burst: 1000}, restKey}))
	p := startPipeline(t, s, areas, pipelineParts{dispatch: true, history: &cfg})

	f := &restFixture{s: s, tokens: map[string]http.Header{}, state: p.state}
	for _, u := range restUsers {
		f.tokens[u.name] = signIn(t, s, u.name, restPassword)
	}
	f.post(t)
	return f
}

// post sends each place's order and worker through ingest with the
// integrator's key, and waits until the live state holds them and
// ClickHouse has stored the orders.
func (f *restFixture) post(t *testing.T) {
	t.Helper()
	now := time.Now().UTC()
	at, seen := now.Add(-time.Minute).Format(time.RFC3339), now.Format(time.RFC3339)
	var events []string
	for _, p := range restPlaces {
		pt := p.point()
		events = append(events,
			fmt.Sprintf(`{"id":"ev-%s","type":"order","time":%q,"location":[%v,%v],"order":{"order_id":%q,"state":"received","channel":"hotline_12345","category":"environment.parking","title":"%s 停车"}}`,
				p.tag, at, pt.Lon(), pt.Lat(), p.order(), p.tag),
			fmt.Sprintf(`{"id":"pos-%s","type":"patrol","time":%q,"location":[%v,%v],"patrol":{"worker_id":%q,"role":"grid_worker","on_duty":true,"heading":0,"speed":1}}`,
				p.tag, seen, pt.Lon()+0.001, pt.Lat(), p.worker()))
	}
	rec := do(t, f.s, http.MethodPost, "/api/v1/events",
		http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + restKey}},
		strings.NewReader("["+strings.Join(events, ",")+"]"))
	if rec.Code != http.StatusOK {
		t.Fatalf("posting the events: %d %s", rec.Code, rec.Body)
	}
	eventually.Holds(t, "the orders and workers in the live state", func() bool {
		c := f.state.Counts("")
		return c.OpenOrders == len(restPlaces) && c.WorkersOnDuty == len(restPlaces)
	})
	eventually.Holds(t, "the orders in ClickHouse", func() bool {
		var tr struct {
			Totals struct{ Opened int } `json:"totals"`
			Open   int                  `json:"open"`
		}
		if code := f.getJSON(t, restCommand, "/api/v1/trends?window=24h", &tr); code != http.StatusOK || tr.Totals.Opened != len(restPlaces) || tr.Open != len(restPlaces) {
			return false
		}
		for _, p := range restPlaces {
			var h struct{ Steps []json.RawMessage }
			if f.getJSON(t, restCommand, "/api/v1/orders/"+p.order()+"/history", &h); len(h.Steps) == 0 {
				return false
			}
		}
		return true
	})
}

// get sends GET path with u's token.
func (f *restFixture) get(t *testing.T, u restUser, path string) (int, []byte) {
	t.Helper()
	rec := do(t, f.s, http.MethodGet, path, f.tokens[u.name], nil)
	return rec.Code, rec.Body.Bytes()
}

// getJSON sends GET path with u's token and decodes a 200's body into v.
func (f *restFixture) getJSON(t *testing.T, u restUser, path string, v any) int {
	t.Helper()
	code, body := f.get(t, u, path)
	if code == http.StatusOK {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return code
}

// refusal is the status and error of a refused GET.
func (f *restFixture) refusal(t *testing.T, u restUser, path string) (int, errorDetail) {
	t.Helper()
	rec := do(t, f.s, http.MethodGet, path, f.tokens[u.name], nil)
	if rec.Code == http.StatusOK {
		return rec.Code, errorDetail{}
	}
	return rec.Code, decodeError(t, rec)
}

// restSees reports whether u sees the place.
func restSees(u restUser, p restPlace) bool {
	return slices.ContainsFunc(u.sees, func(q restPlace) bool { return q.tag == p.tag })
}

// restSorted is the strings in order, nil for none.
func restSorted(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return slices.Sorted(slices.Values(ss))
}

// restExpect is what of each of u's places f picks.
func restExpect(u restUser, f func(restPlace) string) []string {
	var out []string
	for _, p := range u.sees {
		out = append(out, f(p))
	}
	return restSorted(out)
}

func TestRESTAnswersOnlyTheCallersArea(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		f := newRestFixture(t, cfg)
		t.Run("order queue", f.testQueue)
		t.Run("one order, its suggestions and history", f.testOrder)
		t.Run("live counts", f.testCounts)
		t.Run("nearest workers", f.testNearest)
		t.Run("areas", f.testAreas)
		t.Run("locate", f.testLocate)
		t.Run("heatmap", f.testHeatmap)
		t.Run("trends", f.testTrends)
		t.Run("rankings", f.testRankings)
		t.Run("cells", f.testCells)
		t.Run("open311 reads", f.testOpen311)
		t.Run("areas outside are refused naming the field", f.testOutside)
		// Last: it moves orders on.
		t.Run("order actions", f.testActions)
	})
}

func (f *restFixture) testQueue(t *testing.T) {
	for _, u := range restUsers {
		var q struct {
			Total  int `json:"total"`
			Orders []struct {
				OrderID string `json:"order_id"`
			} `json:"orders"`
		}
		if code := f.getJSON(t, u, "/api/v1/orders", &q); code != http.StatusOK {
			t.Fatalf("%s: queue %d", u.name, code)
		}
		var got []string
		for _, o := range q.Orders {
			got = append(got, o.OrderID)
		}
		if want := restExpect(u, restPlace.order); !slices.Equal(restSorted(got), want) || q.Total != len(want) {
			t.Errorf("%s: queue %v (total %d), want %v", u.name, got, q.Total, want)
		}
		// A community inside the area narrows the queue to it.
		p := u.sees[0]
		q.Orders = nil
		if code := f.getJSON(t, u, "/api/v1/orders?area="+p.community, &q); code != http.StatusOK || len(q.Orders) != 1 || q.Orders[0].OrderID != p.order() {
			t.Errorf("%s: queue of %s: %d %+v", u.name, p.community, code, q.Orders)
		}
	}
}

func (f *restFixture) testOrder(t *testing.T) {
	for _, u := range restUsers {
		// What an order that does not exist answers, per route.
		missing := map[string]string{}
		for _, route := range []string{"", "/suggestions", "/history"} {
			code, e := f.refusal(t, u, "/api/v1/orders/"+restNoOrder+route)
			if code != http.StatusNotFound {
				t.Fatalf("%s: a missing order's %q: %d", u.name, route, code)
			}
			missing[route] = strings.ReplaceAll(e.Message, restNoOrder, "ID")
		}
		for _, p := range restPlaces {
			sees := restSees(u, p)
			var info struct {
				Order struct {
					OrderID string `json:"order_id"`
				} `json:"order"`
			}
			code := f.getJSON(t, u, "/api/v1/orders/"+p.order(), &info)
			if sees && (code != http.StatusOK || info.Order.OrderID != p.order()) {
				t.Errorf("%s: GET %s = %d %+v", u.name, p.order(), code, info)
			}
			var sug struct {
				Workers []struct {
					WorkerID string `json:"worker_id"`
				} `json:"workers"`
			}
			code = f.getJSON(t, u, "/api/v1/orders/"+p.order()+"/suggestions?k=10", &sug)
			if sees {
				var got []string
				for _, w := range sug.Workers {
					got = append(got, w.WorkerID)
				}
				if want := restExpect(u, restPlace.worker); code != http.StatusOK || !slices.Equal(restSorted(got), want) {
					t.Errorf("%s: suggestions for %s = %d %v, want the workers of the area %v", u.name, p.order(), code, got, want)
				}
			}
			var hist struct {
				Steps []json.RawMessage `json:"steps"`
			}
			code = f.getJSON(t, u, "/api/v1/orders/"+p.order()+"/history", &hist)
			if sees && (code != http.StatusOK || len(hist.Steps) == 0) {
				t.Errorf("%s: history of %s = %d, %d steps", u.name, p.order(), code, len(hist.Steps))
			}
			if sees {
				continue
			}
			// Outside the area an order answers exactly as one that does
			// not exist.
			for route, want := range missing {
				code, e := f.refusal(t, u, "/api/v1/orders/"+p.order()+route)
				if got := strings.ReplaceAll(e.Message, p.order(), "ID"); code != http.StatusNotFound || e.Field != "id" || got != want {
					t.Errorf("%s: %s%s = %d %q, want 404 %q as for a missing order", u.name, p.order(), route, code, got, want)
				}
			}
		}
	}
}

func (f *restFixture) testCounts(t *testing.T) {
	for _, u := range restUsers {
		var c struct {
			Area          string `json:"area"`
			OpenOrders    int    `json:"open_orders"`
			WorkersOnDuty int    `json:"workers_on_duty"`
		}
		if code := f.getJSON(t, u, "/api/v1/live/counts", &c); code != http.StatusOK || c.Area != u.area ||
			c.OpenOrders != len(u.sees) || c.WorkersOnDuty != len(u.sees) {
			t.Errorf("%s: counts %d %+v, want %d orders and workers in %s", u.name, code, c, len(u.sees), u.area)
		}
		p := u.sees[0]
		if code := f.getJSON(t, u, "/api/v1/live/counts?area="+p.compound, &c); code != http.StatusOK || c.OpenOrders != 1 {
			t.Errorf("%s: counts of %s: %d %+v", u.name, p.compound, code, c)
		}
	}
}

func (f *restFixture) testNearest(t *testing.T) {
	for _, u := range restUsers {
		// From every community: the workers of the user's area only, the
		// nearest of them first, however far.
		for _, p := range restPlaces {
			var ans struct {
				Workers []struct {
					Worker struct {
						WorkerID string `json:"worker_id"`
					} `json:"worker"`
				} `json:"workers"`
			}
			pt := p.point()
			code := f.getJSON(t, u, fmt.Sprintf("/api/v1/live/nearest?lon=%v&lat=%v&k=10", pt.Lon(), pt.Lat()), &ans)
			var got []string
			for _, w := range ans.Workers {
				got = append(got, w.Worker.WorkerID)
			}
			if want := restExpect(u, restPlace.worker); code != http.StatusOK || !slices.Equal(restSorted(got), want) {
				t.Errorf("%s: nearest to %s = %d %v, want %v", u.name, p.tag, code, got, want)
			}
		}
	}
}

func (f *restFixture) testAreas(t *testing.T) {
	all := restCommand.names
	for _, u := range restUsers {
		_, missing := f.refusal(t, u, "/api/v1/areas/510116009")
		for _, code := range all {
			var a areaInfo
			status := f.getJSON(t, u, "/api/v1/areas/"+code, &a)
			if slices.Contains(u.names, code) {
				if status != http.StatusOK || a.Code != code || a.Bounds == [4]float64{} {
					t.Errorf("%s: area %s = %d %+v", u.name, code, status, a)
				}
				continue
			}
			status, e := f.refusal(t, u, "/api/v1/areas/"+code)
			want := strings.ReplaceAll(missing.Message, "510116009", code)
			if status != http.StatusNotFound || e.Field != "code" || e.Message != want {
				t.Errorf("%s: area %s = %d %+v, want 404 %q as for a missing area", u.name, code, status, e, want)
			}
		}
	}
}

func (f *restFixture) testLocate(t *testing.T) {
	for _, u := range restUsers {
		for _, p := range restPlaces {
			var ans locateAnswer
			pt := p.point()
			if code := f.getJSON(t, u, fmt.Sprintf("/api/v1/locate?lon=%v&lat=%v", pt.Lon(), pt.Lat()), &ans); code != http.StatusOK {
				t.Fatalf("%s: locate in %s: %d", u.name, p.tag, code)
			}
			// Of the point's chain, what the user may name; null beyond.
			chain := map[area.Layer]string{area.District: restDistrict, area.Street: p.street, area.Community: p.community, area.Compound: p.compound}
			for _, l := range area.Layers {
				want := ""
				if slices.Contains(u.names, chain[l]) {
					want = chain[l]
				}
				got := ""
				if r := ans.Areas[l]; r != nil {
					got = r.Code
				}
				if got != want {
					t.Errorf("%s: locate in %s: %s = %q, want %q", u.name, p.tag, l, got, want)
				}
			}
		}
	}
}

func (f *restFixture) testHeatmap(t *testing.T) {
	for _, u := range restUsers {
		var h struct {
			Area  string `json:"area"`
			Cells []struct {
				Code  string `json:"code"`
				Count int    `json:"count"`
			} `json:"cells"`
		}
		if code := f.getJSON(t, u, "/api/v1/heatmap?level=compound&window=24h", &h); code != http.StatusOK {
			t.Fatalf("%s: heatmap %d", u.name, code)
		}
		var got []string
		for _, c := range h.Cells {
			got = append(got, c.Code)
			if c.Count != 1 {
				t.Errorf("%s: cell %s counts %d orders, want 1", u.name, c.Code, c.Count)
			}
		}
		if want := restExpect(u, func(p restPlace) string { return p.compound }); !slices.Equal(restSorted(got), want) || h.Area != u.area {
			t.Errorf("%s: heatmap of %q cells %v, want %v of %s", u.name, h.Area, got, want, u.area)
		}
	}
}

func (f *restFixture) testTrends(t *testing.T) {
	for _, u := range restUsers {
		var tr struct {
			Totals struct {
				Opened int `json:"opened"`
			} `json:"totals"`
			Open int `json:"open"`
		}
		if code := f.getJSON(t, u, "/api/v1/trends?window=24h", &tr); code != http.StatusOK || tr.Totals.Opened != len(u.sees) || tr.Open != len(u.sees) {
			t.Errorf("%s: trends %d, %d opened and %d open, want %d", u.name, code, tr.Totals.Opened, tr.Open, len(u.sees))
		}
	}
}

func (f *restFixture) testRankings(t *testing.T) {
	type entry struct {
		Code      string `json:"code"`
		Compounds int    `json:"compounds"`
		Opened    int    `json:"opened"`
	}
	for _, u := range restUsers {
		var r struct {
			Entries []entry `json:"entries"`
		}
		if code := f.getJSON(t, u, "/api/v1/rankings?of=compound&window=24h", &r); code != http.StatusOK {
			t.Fatalf("%s: rankings %d", u.name, code)
		}
		var got []string
		for _, e := range r.Entries {
			got = append(got, fmt.Sprintf("%s:%d", e.Code, e.Opened))
		}
		if want := restExpect(u, func(p restPlace) string { return p.compound + ":1" }); !slices.Equal(restSorted(got), want) {
			t.Errorf("%s: compounds ranked %v, want %v", u.name, got, want)
		}
		// A company is ranked on its compounds in the area alone: PC-1
		// runs one compound in each street.
		companies := map[string]*entry{}
		for _, p := range u.sees {
			e := companies[p.company]
			if e == nil {
				e = &entry{Code: p.company}
				companies[p.company] = e
			}
			e.Compounds++
			e.Opened++
		}
		var want []string
		for _, e := range companies {
			want = append(want, fmt.Sprintf("%s:%d:%d", e.Code, e.Compounds, e.Opened))
		}
		r.Entries = nil
		if code := f.getJSON(t, u, "/api/v1/rankings?of=property_company&window=24h", &r); code != http.StatusOK {
			t.Fatalf("%s: company rankings %d", u.name, code)
		}
		got = nil
		for _, e := range r.Entries {
			got = append(got, fmt.Sprintf("%s:%d:%d", e.Code, e.Compounds, e.Opened))
		}
		if !slices.Equal(restSorted(got), restSorted(want)) {
			t.Errorf("%s: companies ranked %v, want %v", u.name, got, restSorted(want))
		}
	}
}

func (f *restFixture) testCells(t *testing.T) {
	for _, u := range restUsers {
		_, missing := f.refusal(t, u, "/api/v1/cells/5101160090010001")
		for _, p := range restPlaces {
			var c struct {
				Code   string `json:"code"`
				Totals struct {
					Opened int `json:"opened"`
				} `json:"totals"`
			}
			code := f.getJSON(t, u, "/api/v1/cells/"+p.compound, &c)
			if restSees(u, p) {
				if code != http.StatusOK || c.Code != p.compound || c.Totals.Opened != 1 {
					t.Errorf("%s: cell %s = %d %+v", u.name, p.compound, code, c)
				}
				continue
			}
			code, e := f.refusal(t, u, "/api/v1/cells/"+p.compound)
			if want := strings.ReplaceAll(missing.Message, "5101160090010001", p.compound); code != http.StatusNotFound || e.Message != want {
				t.Errorf("%s: cell %s = %d %q, want 404 %q as for a missing cell", u.name, p.compound, code, e.Message, want)
			}
		}
	}
}

func (f *restFixture) testOpen311(t *testing.T) {
	for _, u := range restUsers {
		var list []open311.ServiceRequest
		if code := f.getJSON(t, u, "/open311/v2/requests.json", &list); code != http.StatusOK {
			t.Fatalf("%s: requests %d", u.name, code)
		}
		var got []string
		for _, r := range list {
			got = append(got, r.ServiceRequestID)
		}
		if want := restExpect(u, restPlace.order); !slices.Equal(restSorted(got), want) {
			t.Errorf("%s: requests %v, want %v", u.name, got, want)
		}
		// Named by id, a request outside the area is left out of a list
		// and not found alone.
		list = nil
		ids := restA1.order() + "," + restA2.order() + "," + restB1.order()
		if code := f.getJSON(t, u, "/open311/v2/requests.json?service_request_id="+ids, &list); code != http.StatusOK || len(list) != len(u.sees) {
			t.Errorf("%s: requests by id: %d, %d of them, want %d", u.name, code, len(list), len(u.sees))
		}
		_, missing := f.get(t, u, "/open311/v2/requests/"+restNoOrder+".json")
		for _, p := range restPlaces {
			code, body := f.get(t, u, "/open311/v2/requests/"+p.order()+".json")
			if restSees(u, p) {
				if code != http.StatusOK || !strings.Contains(string(body), p.order()) {
					t.Errorf("%s: request %s = %d %s", u.name, p.order(), code, body)
				}
				continue
			}
			if want := strings.ReplaceAll(string(missing), restNoOrder, p.order()); code != http.StatusNotFound || string(body) != want {
				t.Errorf("%s: request %s = %d %s, want 404 %s as for a missing request", u.name, p.order(), code, body, want)
			}
		}
	}
}

func (f *restFixture) testOutside(t *testing.T) {
	for _, u := range restUsers {
		for _, code := range u.outside {
			for _, path := range []string{
				"/api/v1/orders?area=", "/api/v1/live/counts?area=", "/api/v1/heatmap?area=",
				"/api/v1/trends?area=", "/api/v1/rankings?area=",
			} {
				status, e := f.refusal(t, u, path+code)
				if status != http.StatusForbidden || e.Field != "area" || e.Code != CodeForbidden {
					t.Errorf("%s: %s%s = %d %+v, want 403 naming area", u.name, path, code, status, e)
				}
			}
		}
	}
}

func (f *restFixture) testActions(t *testing.T) {
	act := func(u restUser, id string) (int, errorDetail) {
		t.Helper()
		h := f.tokens[u.name].Clone()
		h.Set("Content-Type", "application/json")
		rec := do(t, f.s, http.MethodPost, "/api/v1/orders/"+id+"/file", h, strings.NewReader(`{"actor":"`+u.name+`"}`))
		if rec.Code == http.StatusOK {
			return rec.Code, errorDetail{}
		}
		return rec.Code, decodeError(t, rec)
	}
	_, missing := act(restDispatcherA, restNoOrder)
	// Street A's dispatcher cannot touch street B's order, and is told
	// what a missing order's id is told.
	code, e := act(restDispatcherA, restB1.order())
	if want := strings.ReplaceAll(missing.Message, restNoOrder, restB1.order()); code != http.StatusNotFound || e.Message != want {
		t.Errorf("street A's dispatcher filing %s: %d %q, want 404 %q", restB1.order(), code, e.Message, want)
	}
	if o, _ := f.state.Order(restB1.order()); o == nil || o.State != "received" {
		t.Errorf("the refused step moved %s: %+v", restB1.order(), o)
	}
	for _, step := range []struct {
		u restUser
		p restPlace
	}{{restDispatcherA, restA1}, {restCommand, restB1}} {
		if code, e := act(step.u, step.p.order()); code != http.StatusOK {
			t.Errorf("%s filing %s: %d %+v", step.u.name, step.p.order(), code, e)
		}
	}
	// The audit trail keeps who sent each step as the server knew them,
	// beside the actor the body named; a body cannot claim a sender.
	h := f.tokens[restDispatcherA.name].Clone()
	h.Set("Content-Type", "application/json")
	rec := do(t, f.s, http.MethodPost, "/api/v1/orders/"+restA1.order()+"/dispatch", h,
		strings.NewReader(`{"actor":"desk 2","assignee":"`+restA1.worker()+`","sender":"user:rest-command"}`))
	if rec.Code != http.StatusBadRequest || decodeError(t, rec).Field != "sender" {
		t.Errorf("a body naming its sender: %d %s, want 400 naming sender", rec.Code, rec.Body)
	}
	var hist struct {
		Steps []struct{ To, Actor, Sender string } `json:"steps"`
	}
	eventually.Holds(t, "the filing in the audit trail", func() bool {
		return f.getJSON(t, restCommand, "/api/v1/orders/"+restA1.order()+"/history", &hist) == http.StatusOK && len(hist.Steps) == 2
	})
	want := []struct{ To, Actor, Sender string }{
		{"received", "", "integrator:rest-hotline"},
		{"filed", restDispatcherA.name, "user:" + restDispatcherA.name},
	}
	if !slices.Equal(hist.Steps, want) {
		t.Errorf("history of %s: %+v, want %+v", restA1.order(), hist.Steps, want)
	}
	// Street A's dispatcher sends street A's workers, not street B's.
	for _, send := range []struct {
		worker string
		status int
	}{{restB1.worker(), http.StatusBadRequest}, {restA1.worker(), http.StatusOK}} {
		rec := do(t, f.s, http.MethodPost, "/api/v1/orders/"+restA1.order()+"/dispatch", h,
			strings.NewReader(`{"actor":"desk 2","assignee":"`+send.worker+`"}`))
		if rec.Code != send.status || send.status != http.StatusOK && decodeError(t, rec).Field != "assignee" {
			t.Errorf("street A's dispatcher sending %s: %d %s, want %d", send.worker, rec.Code, rec.Body, send.status)
		}
	}
}
