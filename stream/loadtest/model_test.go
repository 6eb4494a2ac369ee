package loadtest

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/seed"
)

var (
	tinyOnce sync.Once
	tiny     *seed.District
	tinyErr  error
)

// tinyDistrict is the seed package's tiny preset, generated once.
func tinyDistrict(t testing.TB) *seed.District {
	t.Helper()
	tinyOnce.Do(func() { tiny, tinyErr = seed.Generate(context.Background(), seed.Tiny(), nil) })
	if tinyErr != nil {
		t.Fatal(tinyErr)
	}
	return tiny
}

func testModel(t *testing.T, cfg Config) (*model, *geo.Index) {
	t.Helper()
	set := tinyDistrict(t).Areas
	d, err := newDistrict(set)
	if err != nil {
		t.Fatal(err)
	}
	return newModel(&cfg, d, "LTtest-"), geo.NewIndex(set)
}

// Every generated event is one ingest accepts: it decodes, validates, lies
// inside the district, and orders and alarms carry their send time.
func TestGeneratedEventsAreValidAndInside(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Workers, cfg.OpenOrders, cfg.ActiveAlarms = 50, 20, 10
	cfg.Mix = Mix{Patrol: 0.5, Order: 0.3, Alarm: 0.2}
	m, ix := testModel(t, cfg)
	now := time.Now()
	var kindsSeen [kinds]int
	for step := range 40 {
		evs := m.plan(nil, 25, now.Add(time.Duration(step)*time.Second))
		sent := now.Add(time.Duration(step) * time.Second)
		body := []byte{'['}
		for i := range evs {
			if i > 0 {
				body = append(body, ',')
			}
			body = appendEvent(body, &evs[i], m.prefix, sent)
		}
		body = append(body, ']')
		items, err := event.DecodeBatch(body, 1000)
		if err != nil {
			t.Fatalf("batch %d does not decode: %v\n%s", step, err, body)
		}
		for i, it := range items {
			if it.Err != nil {
				t.Fatalf("event %d: %v", i, it.Err)
			}
			e := it.Event
			if ferr := e.Validate(sent, event.DefaultLimits); ferr != nil {
				t.Fatalf("event %s is invalid: %v", e.ID, ferr)
			}
			if chain := ix.Locate(e.Location.Lon(), e.Location.Lat()); chain.Street == nil {
				t.Errorf("event %s at %v is outside the district", e.ID, e.Location)
			}
			p := &evs[i]
			if e.Location.Lon() != p.pos[0] || e.Location.Lat() != p.pos[1] {
				t.Errorf("event %s location %v does not round-trip %v", e.ID, e.Location, p.pos)
			}
			kindsSeen[p.kind]++
			var text string
			switch {
			case e.Order != nil:
				text = e.Order.Title
			case e.Alarm != nil:
				text = e.Alarm.Message
			default:
				continue
			}
			if want := stampMarker + strconv.FormatInt(sent.UnixNano(), 10) + " "; !strings.HasPrefix(text, want) {
				t.Errorf("event %s text %q does not start with the stamp %q", e.ID, text, want)
			}
			if !strings.HasPrefix(p.key(), m.prefix) {
				t.Errorf("key %q lacks the run prefix", p.key())
			}
			p.answered()
		}
	}
	for k, n := range kindsSeen {
		if n == 0 {
			t.Errorf("no %s events in 1,000", kindNames[k])
		}
	}
}

// Orders and alarms go through their life cycles in order, one step in
// flight at a time, and the pools stay near their size.
func TestLifeCycles(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Workers, cfg.OpenOrders, cfg.ActiveAlarms = 10, 5, 3
	cfg.Mix = Mix{Order: 0.5, Alarm: 0.5}
	m, _ := testModel(t, cfg)
	orderAt := map[string]int{}
	alarmAt := map[string]int{}
	for range 200 {
		evs := m.plan(nil, 4, time.Now())
		inBatch := map[string]bool{}
		for _, p := range evs {
			if inBatch[p.key()] {
				t.Fatalf("two steps of %s in one batch", p.key())
			}
			inBatch[p.key()] = true
			switch p.kind {
			case kindOrder:
				want := orderSteps[orderAt[p.key()]]
				if p.state != want {
					t.Fatalf("order %s step %s, want %s", p.key(), p.state, want)
				}
				if p.removal != (p.state == event.Closed) {
					t.Errorf("order %s %s: removal %v", p.key(), p.state, p.removal)
				}
				orderAt[p.key()]++
			case kindAlarm:
				want := alarmSteps[alarmAt[p.key()]]
				if p.act != want {
					t.Fatalf("alarm %s step %s, want %s", p.key(), p.act, want)
				}
				if p.removal != (p.act == event.Clear) {
					t.Errorf("alarm %s %s: removal %v", p.key(), p.act, p.removal)
				}
				alarmAt[p.key()]++
			}
		}
		for i := range evs {
			evs[i].answered()
		}
		// A pool grows past its size only while all of it waits for
		// answers: by at most the events in flight, one batch here.
		if len(m.orders) > cfg.OpenOrders+4 || len(m.alarms) > cfg.ActiveAlarms+4 {
			t.Fatalf("pools grew to %d orders, %d alarms", len(m.orders), len(m.alarms))
		}
	}
	closed := 0
	for _, n := range orderAt {
		if n == len(orderSteps) {
			closed++
		}
	}
	if closed == 0 {
		t.Error("no order was closed in 400 order events")
	}
}

// Workers walk: each report moves at most about walking pace, and they
// stay on their beats.
func TestWorkersWalkTheirBeats(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Workers = 20
	cfg.Mix = Mix{Patrol: 1}
	m, _ := testModel(t, cfg)
	start := time.Now()
	last := map[string][2]float64{}
	for step := range 50 {
		for _, p := range m.plan(nil, cfg.Workers, start.Add(time.Duration(step)*5*time.Second)) {
			if !p.w.beat.contains(p.pos) {
				t.Fatalf("worker %s left its beat at %v", p.w.id, p.pos)
			}
			if p.head < 0 || p.head >= 360 {
				t.Fatalf("heading %v", p.head)
			}
			if prev, ok := last[p.w.id]; ok {
				dLat := (p.pos[1] - prev[1]) * metresPerDegLat
				dLon := (p.pos[0] - prev[0]) * metresPerDegLon * 0.87
				if d := math.Hypot(dLat, dLon); d > 51 {
					t.Fatalf("worker %s jumped %.0f m", p.w.id, d)
				}
			}
			last[p.w.id] = p.pos
		}
	}
}
