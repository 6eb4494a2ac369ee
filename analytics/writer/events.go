package writer

import (
	"time"

	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// eventColumns gathers work-order and alarm events as the columns of the
// events table, one slice per column.
type eventColumns struct {
	id, typ, stream                                            []string
	time, received                                             []time.Time
	seq                                                        []uint64
	stored                                                     []time.Time
	lon, lat                                                   []float64
	street, community, compound, building                      []string
	grid, microGrid, dedicatedGrid                             []string
	orderID, state, channel, category, priority                []string
	deadline                                                   []*time.Time
	title, actor, sender, assignee                             []string
	escalations, satisfaction                                  []uint8
	alarmID, deviceID, deviceType, kind, severity, action, msg []string
}

func newEventColumns(n int) *eventColumns {
	s := func() []string { return make([]string, 0, n) }
	return &eventColumns{
		id: s(), typ: s(), stream: s(),
		time: make([]time.Time, 0, n), received: make([]time.Time, 0, n),
		seq: make([]uint64, 0, n), stored: make([]time.Time, 0, n), lon: make([]float64, 0, n), lat: make([]float64, 0, n),
		street: s(), community: s(), compound: s(), building: s(),
		grid: s(), microGrid: s(), dedicatedGrid: s(),
		orderID: s(), state: s(), channel: s(), category: s(), priority: s(),
		deadline: make([]*time.Time, 0, n),
		title:    s(), actor: s(), sender: s(), assignee: s(),
		escalations: make([]uint8, 0, n), satisfaction: make([]uint8, 0, n),
		alarmID: s(), deviceID: s(), deviceType: s(), kind: s(), severity: s(), action: s(), msg: s(),
	}
}

// add appends one event. Fields an event type does not have stay empty.
func (c *eventColumns) add(m bus.Message) {
	e := m.Event
	c.id = append(c.id, e.ID)
	c.typ = append(c.typ, string(e.Type))
	c.stream = append(c.stream, m.Stream)
	c.time = append(c.time, e.Time.Time)
	received := e.Received.Time
	if received.IsZero() {
		// Ingest always sets it; an event published some other way was
		// at least received when the bus stored it.
		received = m.Stored
	}
	c.received = append(c.received, received)
	c.seq = append(c.seq, m.Seq)
	c.stored = append(c.stored, m.Stored)
	c.lon = append(c.lon, e.Location.Lon())
	c.lat = append(c.lat, e.Location.Lat())

	var a event.Chain
	if e.Area != nil {
		a = *e.Area
	}
	c.street = append(c.street, a.Street)
	c.community = append(c.community, a.Community)
	c.compound = append(c.compound, a.Compound)
	c.building = append(c.building, a.Building)
	c.grid = append(c.grid, a.GeneralGrid)
	c.microGrid = append(c.microGrid, a.MicroGrid)
	c.dedicatedGrid = append(c.dedicatedGrid, a.DedicatedGrid)

	var o event.Order
	if e.Order != nil {
		o = *e.Order
	}
	c.orderID = append(c.orderID, o.OrderID)
	c.state = append(c.state, string(o.State))
	c.channel = append(c.channel, string(o.Channel))
	c.category = append(c.category, o.Category)
	c.priority = append(c.priority, string(o.Priority))
	// Points into the event, which outlives the batch: no copy per row.
	var deadline *time.Time
	if e.Order != nil && e.Order.Deadline != nil && !e.Order.Deadline.IsZero() {
		deadline = &e.Order.Deadline.Time
	}
	c.deadline = append(c.deadline, deadline)
	c.title = append(c.title, o.Title)
	c.actor = append(c.actor, o.Actor)
	c.sender = append(c.sender, e.Sender)
	c.assignee = append(c.assignee, o.Assignee)
	c.escalations = append(c.escalations, clampUint8(o.Escalations))
	c.satisfaction = append(c.satisfaction, clampUint8(o.Satisfaction))

	var al event.Alarm
	if e.Alarm != nil {
		al = *e.Alarm
	}
	c.alarmID = append(c.alarmID, al.AlarmID)
	c.deviceID = append(c.deviceID, al.DeviceID)
	c.deviceType = append(c.deviceType, string(al.DeviceType))
	c.kind = append(c.kind, string(al.Kind))
	c.severity = append(c.severity, string(al.Severity))
	c.action = append(c.action, string(al.Action))
	c.msg = append(c.msg, al.Message)
}

func (c *eventColumns) len() int { return len(c.id) }

// block names the columns as the events table does.
func (c *eventColumns) block() *engine.Block {
	return &engine.Block{Table: "events", Columns: []engine.Column{
		{Name: "id", Values: c.id}, {Name: "type", Values: c.typ}, {Name: "stream", Values: c.stream},
		{Name: "time", Values: c.time}, {Name: "received", Values: c.received}, {Name: "seq", Values: c.seq},
		{Name: "stored", Values: c.stored}, {Name: "lon", Values: c.lon}, {Name: "lat", Values: c.lat},
		{Name: "street", Values: c.street}, {Name: "community", Values: c.community},
		{Name: "compound", Values: c.compound}, {Name: "building", Values: c.building},
		{Name: "grid", Values: c.grid}, {Name: "micro_grid", Values: c.microGrid}, {Name: "dedicated_grid", Values: c.dedicatedGrid},
		{Name: "order_id", Values: c.orderID}, {Name: "state", Values: c.state}, {Name: "channel", Values: c.channel},
		{Name: "category", Values: c.category}, {Name: "priority", Values: c.priority}, {Name: "deadline", Values: c.deadline},
		{Name: "title", Values: c.title}, {Name: "actor", Values: c.actor}, {Name: "sender", Values: c.sender},
		{Name: "assignee", Values: c.assignee},
		{Name: "escalations", Values: c.escalations}, {Name: "satisfaction", Values: c.satisfaction},
		{Name: "alarm_id", Values: c.alarmID}, {Name: "device_id", Values: c.deviceID}, {Name: "device_type", Values: c.deviceType},
		{Name: "kind", Values: c.kind}, {Name: "severity", Values: c.severity}, {Name: "action", Values: c.action},
		{Name: "message", Values: c.msg},
	}}
}

func clampUint8(n int) uint8 {
	return uint8(min(max(n, 0), 255))
}
