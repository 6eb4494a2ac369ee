package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/crs"
	"github.com/gridpulse/gridpulse/seed"
	"github.com/gridpulse/gridpulse/stream/bus"
)

var now = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

type fixture struct {
	in       *Ingest
	bus      *bus.Bus
	compound *area.Area
	inside   [2]float64 // a point inside compound
}

func newFixture(t testing.TB) *fixture {
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
	c := d.Areas.Layer(area.Compound)[0]
	centroid, _ := planar.CentroidArea(c.Geometry)
	return &fixture{in: New(DefaultConfig(), ix, b, func() time.Time { return now }), bus: b,
		compound: c, inside: [2]float64{centroid[0], centroid[1]}}
}

func (f *fixture) order(id string, lon, lat float64, extra string) string {
	return fmt.Sprintf(`{"id":%q,"type":"order","time":"2026-11-21T07:55:00Z","location":[%v,%v]%s,
	"order":{"order_id":"WO-%s","state":"received","channel":"hotline_12345","category":"facility.elevator"}}`, id, lon, lat, extra, id)
}

func TestSubmitLocatesAndStores(t *testing.T) {
	f := newFixture(t)
	lon, lat := f.inside[0], f.inside[1]
	glon, glat := crs.WGS84ToGCJ02(lon, lat)
	body := "[" + f.order("a", lon, lat, "") + "," + f.order("b", glon, glat, `,"crs":"gcj02"`) + "]"
	resp, err := f.in.Submit(context.Background(), "integrator:test", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Accepted != 2 || resp.HTTPStatus() != http.StatusOK {
		t.Fatalf("response %+v", resp)
	}
	got := make(chan bus.Message, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go f.bus.Follow(ctx, bus.EventsStream, bus.Start{}, func(m bus.Message) { got <- m })
	for i := 0; i < 2; i++ {
		m := <-got
		e := m.Event
		if e.Area == nil || e.Area.Compound != f.compound.Code || e.Area.Street != f.compound.Parent[:area.StreetCodeLen] {
			t.Fatalf("event %s located at %+v, want compound %s", e.ID, e.Area, f.compound.Code)
		}
		if e.CRS != "" || e.Received.IsZero() || e.Sender != "integrator:test" {
			t.Fatalf("event %s stored with crs %q received %v sender %q", e.ID, e.CRS, e.Received, e.Sender)
		}
		// The GCJ-02 copy comes back to the same WGS-84 point, well under a metre off.
		if d := planar.Distance(orb.Point(e.Location), orb.Point(f.inside)); d > 1e-5 {
			t.Fatalf("event %s stored at %v, want %v", e.ID, e.Location, f.inside)
		}
	}
}

// A batch whose sender the server does not name is refused whole, and
// nothing of it is stored.
func TestSubmitNeedsASender(t *testing.T) {
	f := newFixture(t)
	body := "[" + f.order("nosender", f.inside[0], f.inside[1], "") + "]"
	if resp, err := f.in.Submit(context.Background(), "", []byte(body)); !errors.Is(err, ErrNoSender) || resp != nil {
		t.Fatalf("no sender: %+v, %v; want ErrNoSender", resp, err)
	}
	resp, err := f.in.Submit(context.Background(), "integrator:test", []byte(body))
	if err != nil || resp.Accepted != 1 {
		t.Fatalf("the same event with a sender: %+v, %v; want it accepted, as never seen", resp, err)
	}
}

func TestSubmitAnswersPerItem(t *testing.T) {
	f := newFixture(t)
	lon, lat := f.inside[0], f.inside[1]
	body := "[" + strings.Join([]string{
		f.order("ok", lon, lat, ""),
		f.order("swapped", lat, lon, ""),
		f.order("far", 116.39, 39.9, ""),
		f.order("badcrs", lon, lat, `,"crs":"mars"`),
		`{"id":"nolat","type":"order","time":"2026-11-21T07:55:00Z","location":[103.9]}`,
		f.order("ok", lon, lat, ""), // the same id again in one batch
	}, ",") + "]"
	resp, err := f.in.Submit(context.Background(), "integrator:test", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		status Status
		field  string
		says   string
	}{
		{Accepted, "", ""},
		{Rejected, "location", "send [lon, lat]"},
		{Rejected, "location", "outside the district"},
		{Rejected, "crs", "mars"},
		{Rejected, "location", "[lon, lat]"},
		{Duplicate, "", ""},
	}
	for i, w := range want {
		r := resp.Results[i]
		if r.Status != w.status || r.Index != i {
			t.Errorf("item %d: %s, want %s (%+v)", i, r.Status, w.status, r.Error)
			continue
		}
		if w.field != "" && (r.Error == nil || r.Error.Field != w.field || !strings.Contains(r.Error.Message, w.says)) {
			t.Errorf("item %d: error %+v, want field %s saying %q", i, r.Error, w.field, w.says)
		}
	}
	if resp.Accepted != 1 || resp.Duplicates != 1 || resp.Rejected != 4 || resp.HTTPStatus() != http.StatusOK {
		t.Errorf("counts %+v", resp)
	}
	if seq, _ := f.bus.LastSeq(context.Background(), bus.EventsStream); seq != 1 {
		t.Errorf("stream holds %d events, want only the one accepted", seq)
	}
}

func TestSubmitAllRejectedIs400NamingTheItem(t *testing.T) {
	f := newFixture(t)
	body := "[" + f.order("ok", f.inside[0], f.inside[1], "") + `,{"id":"x","type":"order","time":"2026-11-21T07:55:00Z","location":[200,30],"order":{}}]`
	body = strings.Replace(body, `"time":"2026-11-21T07:55:00Z"`, `"time":"2027-01-01T00:00:00Z"`, 1)
	resp, err := f.in.Submit(context.Background(), "integrator:test", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if resp.HTTPStatus() != http.StatusBadRequest {
		t.Fatalf("status %d, want 400: %+v", resp.HTTPStatus(), resp)
	}
	if fe := resp.FirstError(); fe == nil || fe.Field != "events[0].time" {
		t.Fatalf("first error %+v, want it on events[0].time", fe)
	}
	if b, _ := json.Marshal(resp); !strings.Contains(string(b), `"field":"location"`) {
		t.Fatalf("second item's error not in the answer: %s", b)
	}
}

func TestSubmitBatchErrors(t *testing.T) {
	f := newFixture(t)
	f.in.cfg.MaxEvents = 2
	for _, body := range []string{"", "[", "[]", "[1,2,3]", "not json"} {
		resp, err := f.in.Submit(context.Background(), "integrator:test", []byte(body))
		if body == "not json" {
			if err != nil || resp.Rejected != 1 {
				t.Errorf("%q: NDJSON line that is not JSON should be one rejected item, got %+v %v", body, resp, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%q: accepted as a batch: %+v", body, resp)
		}
	}
}

// A patrol position goes live at once; the first of each worker's minute
// is also stored as a sample and answers with its stream sequence, the
// others are accepted without one.
func TestSubmitPatrolsGoLiveAndSampled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	live := make(chan *event.Event, 8)
	stop, err := f.bus.SubscribeLive(func(e *event.Event) { live <- e })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	patrol := func(id, worker, at string) string {
		return fmt.Sprintf(`{"id":%q,"type":"patrol","time":%q,"location":[%v,%v],"patrol":{"worker_id":%q,"role":"grid_worker","on_duty":true,"heading":0,"speed":1}}`,
			id, at, f.inside[0], f.inside[1], worker)
	}
	body := "[" + strings.Join([]string{
		patrol("p1", "GW-1", "2026-11-21T07:59:01Z"),
		patrol("p2", "GW-1", "2026-11-21T07:59:31Z"),
		patrol("p3", "GW-2", "2026-11-21T07:59:31Z"),
	}, ",") + "]"
	resp, err := f.in.Submit(ctx, "integrator:test", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		stream string
		seq    uint64
	}{{bus.PatrolStream, 1}, {"", 0}, {bus.PatrolStream, 2}}
	for i, w := range want {
		r := resp.Results[i]
		if r.Status != Accepted || r.Stream != w.stream || r.Seq != w.seq {
			t.Errorf("patrol %d answered %+v, want accepted in %q seq %d", i, r, w.stream, w.seq)
		}
	}
	for i := range 3 {
		select {
		case e := <-live:
			if e.Area == nil || e.Area.Compound != f.compound.Code {
				t.Errorf("live position %s located at %+v, want compound %s", e.ID, e.Area, f.compound.Code)
			}
		case <-ctx.Done():
			t.Fatalf("%d of 3 positions arrived live", i)
		}
	}
}
