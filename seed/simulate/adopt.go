package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// livePath is the server's live WebSocket, read once at start for what
// it holds open.
const livePath = "/ws"

// heldOpen is what the server holds open: its open orders and active
// alarms, as a snapshot of its live WebSocket gives them.
type heldOpen struct {
	Op     string        `json:"op"`
	Orders []*live.Order `json:"orders"`
	Alarms []*live.Alarm `json:"alarms"`
	// Message says why, in an error.
	Message string `json:"message"`
}

// readHeldOpen subscribes once to the server's live WebSocket, as the
// simulator's user, for the orders and alarms of that user's whole area,
// and returns the snapshot.
func (a *actor) readHeldOpen(ctx context.Context) (*heldOpen, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	header := a.header
	if a.token != nil {
		t, err := a.token(ctx)
		if err != nil {
			return nil, fmt.Errorf("sign in to read what the server holds open: %w", err)
		}
		header = withBearer(header, t)
	}
	target := "ws" + strings.TrimPrefix(a.base, "http") + livePath
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, target, header)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", target, err)
	}
	defer ws.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = ws.SetReadDeadline(deadline)
	}
	sub := map[string]any{"op": "subscribe", "id": "adopt", "layers": []string{"orders", "alarms"}}
	if err := ws.WriteJSON(sub); err != nil {
		return nil, fmt.Errorf("subscribe at %s: %w", target, err)
	}
	for {
		_, frame, err := ws.ReadMessage()
		if err != nil {
			return nil, fmt.Errorf("read the snapshot from %s: %w", target, err)
		}
		// A frame carries one message a line.
		for line := range bytes.Lines(frame) {
			var m heldOpen
			if err := json.Unmarshal(line, &m); err != nil {
				return nil, fmt.Errorf("read the snapshot from %s: %w", target, err)
			}
			switch m.Op {
			case "snapshot":
				return &m, nil
			case "error":
				return nil, fmt.Errorf("subscribe at %s: %s", target, m.Message)
			}
		}
	}
}

// adopt takes over an order the server holds open that no running
// simulator moves any more: one restored from the seeded history, or left
// open by an earlier run. Its remaining steps, from the state it is in to
// its closing, go on the agenda from at (or just after its last step, if
// later), timed as a new order's would be from then on; without them it
// would stay open, and in time overdue, for good. An order whose grid this
// simulator does not drive is left alone.
func (o *orders) adopt(v *live.Order, at time.Time, tag string) bool {
	g := o.d.gridByCode[v.Area.GeneralGrid]
	if g == nil || v.State == event.Closed {
		return false
	}
	r := o.r
	sp := orderSpec{at: at, channel: v.Channel, kind: &appealKind{category: v.Category}, priority: v.Priority,
		loc: orb.Point(v.Location), grid: g, compound: o.d.compoundByCode[v.Area.Compound]}
	since := maxTime(at, v.Updated.Add(time.Second))
	from := carried{assignee: v.Assignee, escalations: v.Escalations, tag: tag}
	deadline := since.Add(dispatch.DefaultDeadlines.Period(v.Category, v.Priority))
	if v.Deadline != nil {
		from.deadline, deadline = v.Deadline.Time, v.Deadline.Time
	}
	community := "community:" + g.comm.code
	var steps []step
	t, state, assignee := since, v.State, v.Assignee
	if state == event.Received {
		t = t.Add(clampDur(lognormal(r, 8*time.Minute, 0.6), time.Minute, time.Hour))
		steps = append(steps, step{state: event.Filed, at: t, actor: community})
		state = event.Filed
	}
	switch {
	case state == event.Filed || state == event.Returned || (state == event.Escalated && assignee == ""):
		// Nobody holds it: the community dispatches it, a returned order
		// to whoever takes what its grid worker handed back.
		switch {
		case state == event.Returned:
			assignee = redispatchTo(sp)
		case assignee == "":
			assignee = g.workerID()
		}
		t = o.officeHours(t.Add(lognormal(r, 12*time.Minute, 0.7)), sp.priority)
		steps = append(steps, step{state: event.Dispatched, at: t, actor: community, assignee: assignee})
		state = event.Dispatched
	case state == event.Extended || state == event.Escalated:
		// Held, and work on it is to go on: it starts as after a dispatch.
		state = event.Dispatched
	}
	steps = o.finish(sp, steps, state, t, since, deadline, assignee, v.Escalations)
	for _, ev := range o.events(v.OrderID, sp, steps, from) {
		o.sch.emit(ev)
	}
	return true
}

// adoptHeldOpen adopts every order and alarm the server holds open when
// the run starts, so that a restart, or a start on seeded history, leaves
// none open for good. A server that cannot say what it holds is logged and
// the run goes on without them.
func (s *Simulator) adoptHeldOpen(ctx context.Context, at time.Time) {
	held, err := s.act.readHeldOpen(ctx)
	if err != nil {
		s.log.Warn("simulate: cannot adopt what the server holds open", "err", err)
		return
	}
	tag := s.orders.ids.run + "-"
	orders, alarms := 0, 0
	for _, v := range held.Orders {
		if s.orders.adopt(v, at, tag) {
			orders++
		}
	}
	for _, v := range held.Alarms {
		if s.alarms.adopt(v, at, tag) {
			alarms++
		}
	}
	s.c.adoptedOrders.Add(int64(orders))
	s.c.adoptedAlarms.Add(int64(alarms))
	s.log.Info("simulate: adopted what the server holds open", "orders", orders, "open_orders", len(held.Orders),
		"alarms", alarms, "active_alarms", len(held.Alarms))
}
