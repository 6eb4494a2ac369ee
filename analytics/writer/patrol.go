package writer

import (
	"time"

	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// downsampler keeps the first position of each worker in each minute, and
// every change of on/off duty, of the thousands of reports a minute the
// patrol stream carries.
type downsampler struct {
	last map[string]kept // worker → the newest sample kept
}

type kept struct {
	minute int64 // Unix minute
	onDuty bool
}

func newDownsampler() *downsampler { return &downsampler{last: make(map[string]kept)} }

// pick returns the messages to store. It does not change the downsampler:
// the returned commit does, once the rows are stored, so a batch that
// failed to insert is picked the same way when it comes again. Messages in
// stored are already in ClickHouse: they are not returned but count as
// kept.
func (d *downsampler) pick(msgs []bus.Message, stored map[uint64]bool) (keep []bus.Message, commit func()) {
	batch := make(map[string]kept)
	for _, m := range msgs {
		if m.Event == nil || m.Event.Patrol == nil {
			continue
		}
		p := m.Event.Patrol
		cur := kept{minute: m.Event.Time.Unix() / 60, onDuty: p.OnDuty}
		prev, seen := batch[p.WorkerID]
		if !seen {
			prev, seen = d.last[p.WorkerID]
		}
		if seen && prev == cur {
			continue
		}
		if !seen || cur.minute >= prev.minute {
			batch[p.WorkerID] = cur
		}
		if !stored[m.Seq] {
			keep = append(keep, m)
		}
	}
	return keep, func() {
		for w, k := range batch {
			d.last[w] = k
		}
	}
}

// patrolColumns gathers kept patrol samples as the columns of
// patrol_samples.
type patrolColumns struct {
	minute, time                          []time.Time
	workerID, role                        []string
	onDuty                                []bool
	lon, lat                              []float64
	heading, speed, battery               []float32
	homeGrid, street, community, compound []string
	grid, microGrid, dedicatedGrid        []string
	seq                                   []uint64
	stored                                []time.Time
}

func newPatrolColumns(msgs []bus.Message) *patrolColumns {
	n := len(msgs)
	s := func() []string { return make([]string, 0, n) }
	c := &patrolColumns{
		minute: make([]time.Time, 0, n), time: make([]time.Time, 0, n),
		workerID: s(), role: s(), onDuty: make([]bool, 0, n),
		lon: make([]float64, 0, n), lat: make([]float64, 0, n),
		heading: make([]float32, 0, n), speed: make([]float32, 0, n), battery: make([]float32, 0, n),
		homeGrid: s(), street: s(), community: s(), compound: s(), grid: s(), microGrid: s(), dedicatedGrid: s(),
		seq: make([]uint64, 0, n), stored: make([]time.Time, 0, n),
	}
	for _, m := range msgs {
		c.add(m)
	}
	return c
}

func (c *patrolColumns) add(m bus.Message) {
	e, p := m.Event, m.Event.Patrol
	t := e.Time.UTC()
	c.minute = append(c.minute, t.Truncate(time.Minute))
	c.time = append(c.time, t)
	c.workerID = append(c.workerID, p.WorkerID)
	c.role = append(c.role, string(p.Role))
	c.onDuty = append(c.onDuty, p.OnDuty)
	c.lon = append(c.lon, e.Location.Lon())
	c.lat = append(c.lat, e.Location.Lat())
	c.heading = append(c.heading, float32(p.Heading))
	c.speed = append(c.speed, float32(p.Speed))
	c.battery = append(c.battery, float32(p.Battery))
	c.homeGrid = append(c.homeGrid, p.Grid)
	var a event.Chain
	if e.Area != nil {
		a = *e.Area
	}
	c.street = append(c.street, a.Street)
	c.community = append(c.community, a.Community)
	c.compound = append(c.compound, a.Compound)
	c.grid = append(c.grid, a.GeneralGrid)
	c.microGrid = append(c.microGrid, a.MicroGrid)
	c.dedicatedGrid = append(c.dedicatedGrid, a.DedicatedGrid)
	c.seq = append(c.seq, m.Seq)
	c.stored = append(c.stored, m.Stored)
}

func (c *patrolColumns) block() *engine.Block {
	return &engine.Block{Table: "patrol_samples", Columns: []engine.Column{
		{Name: "minute", Values: c.minute}, {Name: "time", Values: c.time},
		{Name: "worker_id", Values: c.workerID}, {Name: "role", Values: c.role}, {Name: "on_duty", Values: c.onDuty},
		{Name: "lon", Values: c.lon}, {Name: "lat", Values: c.lat},
		{Name: "heading", Values: c.heading}, {Name: "speed", Values: c.speed}, {Name: "battery", Values: c.battery},
		{Name: "home_grid", Values: c.homeGrid}, {Name: "street", Values: c.street}, {Name: "community", Values: c.community},
		{Name: "compound", Values: c.compound}, {Name: "grid", Values: c.grid}, {Name: "micro_grid", Values: c.microGrid},
		{Name: "dedicated_grid", Values: c.dedicatedGrid}, {Name: "seq", Values: c.seq}, {Name: "stored", Values: c.stored},
	}}
}
