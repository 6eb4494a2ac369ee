package open311

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/writer"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/internal/eventually"
	"github.com/gridpulse/gridpulse/seed"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/ingest"
	"github.com/gridpulse/gridpulse/stream/live"
)

var t0 = time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) After(d time.Duration) <-chan time.Time { return make(chan time.Time) }

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is the real pipeline on a tiny district: JetStream embedded,
// ingest, the live state, dispatching and the API, on one clock; and,
// when history is given, the analytics writer into it.
type fixture struct {
	clock  *testClock
	bus    *bus.Bus
	state  *live.State
	orders *dispatch.Service
	api    *API
	areas  *area.Set
	grid   *area.Area
	point  [2]float64 // inside grid
}

func newFixture(t testing.TB, history *analytics.Store) *fixture {
	t.Helper()
	d, err := seed.Generate(context.Background(), seed.Tiny(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ix := geo.NewIndex(d.Areas)
	b, err := bus.Open(context.Background(), bus.DefaultConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	clock := &testClock{now: t0}
	state := live.New(live.Config{Clock: clock.Now, KeepClosed: time.Hour, SweepInterval: time.Hour})
	in := ingest.New(ingest.DefaultConfig(), ix, b, clock.Now)
	orders, err := dispatch.New(dispatch.Config{Clock: clock}, dispatch.Deps{Door: in, State: state, Areas: d.Areas})
	if err != nil {
		t.Fatal(err)
	}
	deps := Deps{Orders: orders, State: state, Areas: d.Areas}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	if history != nil {
		deps.History = history.Engine()
		wcfg := writer.DefaultConfig()
		wcfg.MaxWait = 50 * time.Millisecond
		wg.Go(func() { writer.New(history, wcfg).Run(ctx, b) })
	}
	api, err := New(Config{Clock: clock.Now}, deps)
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { state.Run(ctx, b) })
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := state.WaitReady(wctx); err != nil {
		t.Fatal(err)
	}
	g := d.Areas.Layer(area.GeneralGrid)[0]
	c, _ := planar.CentroidArea(g.Geometry)
	return &fixture{clock: clock, bus: b, state: state, orders: orders, api: api, areas: d.Areas, grid: g, point: [2]float64{c[0], c[1]}}
}

// form is a POST requests body at the fixture's point.
func (f *fixture) form(service string, extra ...string) url.Values {
	v := url.Values{"service_code": {service}, "lat": {fmt.Sprint(f.point[1])}, "long": {fmt.Sprint(f.point[0])}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func (f *fixture) post(t *testing.T, form url.Values) *Created {
	t.Helper()
	c, err := f.api.Post(context.Background(), "integrator:test", form)
	if err != nil {
		t.Fatalf("POST requests: %v", err)
	}
	return c
}

// A citizen's report through Open311 becomes a work order on the live map
// and can be read back at once.
func TestPostFilesAWorkOrder(t *testing.T) {
	f := newFixture(t, nil)
	c := f.post(t, f.form("facility.elevator", "description", "3栋1单元电梯困人", "attribute[danger]", "yes",
		"device_id", "phone-7", "email", "someone@example.org", "api_key", "k"))
	o, ok := f.state.Order(c.ServiceRequestID)
	if !ok {
		t.Fatalf("order %s is not on the live map", c.ServiceRequestID)
	}
	if o.Channel != "open311" || o.Category != "facility.elevator" || o.Priority != "urgent" || o.Title != "3栋1单元电梯困人" ||
		o.State != event.Received || o.Area.GeneralGrid != f.grid.Code {
		t.Errorf("order %+v", o)
	}
	if want := t0.Add(2 * time.Hour); o.Deadline == nil || !o.Deadline.Equal(want) || !strings.Contains(c.ServiceNotice, "2026-11-21T03:00:00.000Z") {
		t.Errorf("deadline %v, notice %q", o.Deadline, c.ServiceNotice)
	}
	got, err := f.api.Request(context.Background(), "", c.ServiceRequestID, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	street, _ := f.areas.Get(area.Street, o.Area.Street)
	r := got[0]
	if len(got) != 1 || r.Status != "open" || r.ServiceCode != "facility.elevator" || r.ServiceName != "电梯" ||
		r.AgencyResponsible != street.Name || r.RequestedDatetime != "2026-11-21T01:00:00.000Z" ||
		r.Lat != o.Location.Lat() || !strings.HasPrefix(r.StatusNotes, "受理") {
		t.Errorf("request %+v (urgent: the street %s handles it)", r, street.Name)
	}

	// Without danger the order is normal and stays in the community.
	c2 := f.post(t, f.form("environment.parking", "attribute[danger]", "no"))
	got, err = f.api.Request(context.Background(), "", c2.ServiceRequestID, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	community, _ := f.areas.Get(area.Community, f.grid.Parent)
	if got[0].AgencyResponsible != community.Name || got[0].Description != "停车" {
		t.Errorf("a normal request: %+v", got[0])
	}
}

func TestPostBadInput(t *testing.T) {
	f := newFixture(t, nil)
	outside := f.form("environment.parking")
	outside.Set("lat", "39.9")
	outside.Set("long", "116.4")
	noLocation := url.Values{"service_code": {"environment.parking"}, "address_string": {"1 Main St"}}
	twice := f.form("environment.parking")
	twice.Add("service_code", "environment.noise")
	tests := []struct {
		name  string
		form  url.Values
		code  int
		param string
	}{
		{"no service", url.Values{"lat": {"30.5"}, "long": {"103.9"}}, 400, "service_code"},
		{"an unknown service", f.form("facility.teleporter"), 400, "service_code"},
		{"an address only", noLocation, 400, "lat"},
		{"no location", url.Values{"service_code": {"environment.parking"}}, 400, "lat"},
		{"lat not a number", f.form("environment.parking", "lat", "north"), 400, "lat"},
		{"lat NaN", f.form("environment.parking", "lat", "NaN"), 400, "lat"},
		{"long infinite", f.form("environment.parking", "long", "-Inf"), 400, "long"},
		{"a device id with a control character", f.form("environment.parking", "device_id", "a\x00b"), 400, "device_id"},
		{"a device id of invalid UTF-8", f.form("environment.parking", "device_id", "\xff"), 400, "device_id"},
		{"outside the district", outside, 400, "lat/long"},
		{"an unknown attribute", f.form("environment.parking", "attribute[colour]", "red"), 400, "attribute[colour]"},
		{"a bad danger answer", f.form("environment.parking", "attribute[danger]", "perhaps"), 400, "attribute[danger]"},
		{"an unknown parameter", f.form("environment.parking", "colour", "red"), 400, "colour"},
		{"a parameter twice", twice, 400, "service_code"},
		{"a description too long", f.form("environment.parking", "description", strings.Repeat("长", 4001)), 400, "description"},
		{"a media URL that is not one", f.form("environment.parking", "media_url", "ftp://x/y.jpg"), 400, "media_url"},
		{"another jurisdiction", f.form("environment.parking", "jurisdiction_id", "110101"), 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.api.Post(context.Background(), "integrator:test", tt.form)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || !strings.HasPrefix(e.Description, tt.param) {
				t.Errorf("error %v, want %d naming %q", err, tt.code, tt.param)
			}
		})
	}
	if n := f.state.Counts("").OpenOrders; n != 0 {
		t.Errorf("%d orders opened by bad requests", n)
	}
}

// GET requests lists requests from ClickHouse and the live state: a
// request closed long ago (gone from the live state) comes from
// ClickHouse, the newest from the live state, and the filters apply to
// both.
func TestRequestsFromHistoryAndLive(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		f := newFixture(t, analyticstest.Open(t, cfg))
		ctx := context.Background()
		closed := f.post(t, f.form("city.manhole", "description", "井盖松动"))
		for _, step := range []struct {
			a   dispatch.Action
			req dispatch.Request
		}{
			{dispatch.File, dispatch.Request{}}, {dispatch.Dispatch, dispatch.Request{Assignee: "dept:law_enforcement"}},
			{dispatch.Start, dispatch.Request{}}, {dispatch.Report, dispatch.Request{}},
			{dispatch.Verify, dispatch.Request{}}, {dispatch.Close, dispatch.Request{Satisfaction: 5}},
		} {
			f.clock.advance(time.Minute)
			step.req.Actor, step.req.Sender = "test", "user:test"
			if _, err := f.orders.Do(ctx, "", closed.ServiceRequestID, step.a, step.req); err != nil {
				t.Fatalf("%s: %v", step.a, err)
			}
		}
		// Two hours on, the live state has forgotten the closed order.
		f.clock.advance(2 * time.Hour)
		f.state.Sweep()
		if _, ok := f.state.Order(closed.ServiceRequestID); ok {
			t.Fatal("the live state still remembers the closed order")
		}
		f.clock.advance(time.Minute)
		open := f.post(t, f.form("environment.noise"))

		var all []ServiceRequest
		// The writer stores events in batches: wait until ClickHouse has
		// the closing step.
		eventually.Holds(t, "the closed request in ClickHouse", func() bool {
			var err error
			if all, err = f.api.Requests(ctx, "", url.Values{}); err != nil {
				t.Fatal(err)
			}
			return len(all) == 2 && all[1].Status == "closed"
		})
		if all[0].ServiceRequestID != open.ServiceRequestID || all[0].Status != "open" ||
			all[1].ServiceRequestID != closed.ServiceRequestID || all[1].Status != "closed" ||
			all[1].AgencyResponsible != "综合行政执法局" || all[1].Description != "井盖松动" || all[1].UpdatedDatetime == "" {
			t.Errorf("requests, newest first: %+v", all)
		}

		ids := func(scope string, q url.Values) []string {
			t.Helper()
			got, err := f.api.Requests(ctx, scope, q)
			if err != nil {
				t.Fatalf("%v: %v", q, err)
			}
			var out []string
			for _, r := range got {
				out = append(out, r.ServiceRequestID)
			}
			return out
		}
		both := []string{open.ServiceRequestID, closed.ServiceRequestID}
		byIDs := url.Values{"service_request_id": {closed.ServiceRequestID + "," + open.ServiceRequestID + ",OR-none"}}
		street, community := f.grid.Code[:area.StreetCodeLen], f.grid.Parent
		otherStreet, otherCommunity := f.other(t, area.Street, street), f.other(t, area.Community, community)
		filters := []struct {
			name  string
			scope string
			q     url.Values
			want  []string
		}{
			{"closed", "", url.Values{"status": {"closed"}}, []string{closed.ServiceRequestID}},
			{"open", "", url.Values{"status": {"open"}}, []string{open.ServiceRequestID}},
			{"both statuses", "", url.Values{"status": {"open,closed"}}, both},
			{"a service", "", url.Values{"service_code": {"city.manhole,facility.elevator"}}, []string{closed.ServiceRequestID}},
			{"by ids", "", byIDs, both},
			{"a window before both", "", url.Values{"start_date": {"2026-11-01T00:00:00+08:00"}, "end_date": {"2026-11-21T08:30:00+08:00"}}, nil},
			{"the jurisdiction", "", url.Values{"jurisdiction_id": {area.ParentCode(area.Street, f.areas.Layer(area.Street)[0].Code)}}, both},
			// A caller sees the requests of its own area only, from
			// ClickHouse and the live state alike.
			{"the district's scope", street[:area.DistrictCodeLen], url.Values{}, both},
			{"the street's scope", street, url.Values{}, both},
			{"the community's scope", community, url.Values{}, both},
			{"the community's scope, by ids", community, byIDs, both},
			{"another street's scope", otherStreet, url.Values{}, nil},
			{"another street's scope, by ids", otherStreet, byIDs, nil},
			{"another community's scope", otherCommunity, url.Values{}, nil},
		}
		for _, tt := range filters {
			if got := ids(tt.scope, tt.q); !equalStrings(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
		for _, scope := range []string{"", street, community} {
			one, err := f.api.Request(ctx, scope, closed.ServiceRequestID, url.Values{})
			if err != nil || len(one) != 1 || one[0].Status != "closed" {
				t.Errorf("GET the closed request in scope %q: %+v, %v", scope, one, err)
			}
		}
		// Outside the scope a request is not found, as if it did not
		// exist.
		for _, id := range []string{closed.ServiceRequestID, open.ServiceRequestID} {
			var e *Error
			if _, err := f.api.Request(ctx, otherCommunity, id, url.Values{}); !errors.As(err, &e) || e.Code != 404 {
				t.Errorf("GET %s in another community's scope: %v, want 404", id, err)
			}
		}
	})
}

func TestRequestsBadInput(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name  string
		q     url.Values
		code  int
		param string
	}{
		{"a bad start", url.Values{"start_date": {"yesterday"}}, 400, "start_date"},
		{"a date without a zone", url.Values{"end_date": {"2026-11-21T08:00:00"}}, 400, "end_date"},
		{"start after end", url.Values{"start_date": {"2026-11-21T00:00:00Z"}, "end_date": {"2026-11-20T00:00:00Z"}}, 400, "start_date"},
		{"more than 90 days", url.Values{"start_date": {"2026-01-01T00:00:00Z"}, "end_date": {"2026-11-20T00:00:00Z"}}, 400, "start_date"},
		{"an unknown status", url.Values{"status": {"pending"}}, 400, "status"},
		{"an unknown service", url.Values{"service_code": {"x.y"}}, 400, "service_code"},
		{"too many ids", url.Values{"service_request_id": {strings.Repeat("a,", 100) + "a"}}, 400, "service_request_id"},
		{"an empty id", url.Values{"service_request_id": {"a,,b"}}, 400, "service_request_id"},
		{"an unknown parameter", url.Values{"page": {"2"}}, 400, "page"},
		{"another jurisdiction", url.Values{"jurisdiction_id": {"110101"}}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.api.Requests(context.Background(), "", tt.q)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || !strings.HasPrefix(e.Description, tt.param) {
				t.Errorf("error %v, want %d naming %q", err, tt.code, tt.param)
			}
		})
	}
	var e *Error
	if _, err := f.api.Request(context.Background(), "", "OR-none", url.Values{}); !errors.As(err, &e) || e.Code != 404 {
		t.Errorf("an unknown request: %v", err)
	}
	if _, err := f.api.Request(context.Background(), "", "OR 1", url.Values{}); !errors.As(err, &e) || e.Code != 400 {
		t.Errorf("a bad id: %v", err)
	}
}

// other is an area of layer l other than code.
func (f *fixture) other(t *testing.T, l area.Layer, code string) string {
	t.Helper()
	for _, a := range f.areas.Layer(l) {
		if a.Code != code {
			return a.Code
		}
	}
	t.Fatalf("the tiny district has one %s", l)
	return ""
}

func equalStrings(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }
