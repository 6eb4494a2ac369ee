package simulate

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/seed"
)

// testStart is a Saturday midnight in Beijing.
var testStart = time.Date(2026, 11, 21, 0, 0, 0, 0, beijing).UTC()

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

// newTestSim builds a simulator of the tiny district starting at
// testStart unless cfg says otherwise.
func newTestSim(t testing.TB, cfg Config) *Simulator {
	t.Helper()
	d := tinyDistrict(t)
	if cfg.Start.IsZero() {
		cfg.Start = testStart
	}
	s, err := New(cfg, d.Areas, d.Facilities)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// collect runs the simulation to `to` and returns every event that came
// due, without sending anything.
func collect(s *Simulator, to time.Time) []*event.Event {
	return s.sch.drain(to, math.MaxInt, nil)
}

// parts is the simulator's generators on their own schedule, so a test
// can run one part for weeks without the others.
type parts struct {
	d       *district
	sch     *schedule
	orders  *orders
	alarms  *alarms
	patrols *patrols
}

// newParts builds the tiny district's parts for seed. Only the parts
// named are started.
func newParts(t testing.TB, seed uint64, withOrders, withAlarms, withPatrols bool) *parts {
	t.Helper()
	td := tinyDistrict(t)
	d, err := newDistrict(td.Areas)
	if err != nil {
		t.Fatal(err)
	}
	p := &parts{d: d, sch: &schedule{}}
	ids := newIDs(seed, testStart)
	p.alarms = newAlarms(p.sch, ids, devices(d, td.Facilities, seed), seed)
	p.orders = newOrders(d, p.sch, ids, seed, DefaultAppealsPerDay, p.alarms.ordersPerDay())
	p.alarms.orders = p.orders
	p.patrols = &patrols{sch: p.sch, ids: ids, interval: [2]time.Duration{DefaultPatrolMin, DefaultPatrolMax},
		workers: roster(d, DefaultWorkersPerGrid*len(d.grids), seed)}
	if withOrders {
		p.orders.start(testStart)
	}
	if withAlarms {
		p.alarms.start(testStart)
	}
	if withPatrols {
		p.patrols.start(testStart)
	}
	return p
}

// run collects every event due by to.
func (p *parts) run(to time.Time) []*event.Event { return p.sch.drain(to, math.MaxInt, nil) }

// byKey groups events by the order, alarm or worker they are about,
// each group in time order.
func byKey(evs []*event.Event) map[string][]*event.Event {
	out := map[string][]*event.Event{}
	for _, e := range evs {
		out[e.Key()] = append(out[e.Key()], e)
	}
	return out
}

// hourOf is the Beijing hour of t.
func hourOf(t time.Time) int { return t.In(beijing).Hour() }

const day = 24 * time.Hour
