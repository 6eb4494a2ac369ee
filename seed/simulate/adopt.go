package simulate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// listLimit is the most orders one answer of the server's queue holds.
const listLimit = 1000

// orderList is an answer of GET /api/v1/orders.
type orderList struct {
	Total  int           `json:"total"`
	Orders []*live.Order `json:"orders"`
}

// openOrders lists every order the server holds open in the simulator's
// area. The queue answers at most listLimit orders at once, so where an
// area holds more it asks again area by area: its streets, then their
// communities, then their grids.
func (a *actor) openOrders(ctx context.Context, d *district) ([]*live.Order, error) {
	var out []*live.Order
	for queue := []string{""}; len(queue) > 0; queue = queue[1:] {
		list, err := a.listOrders(ctx, queue[0])
		if err != nil {
			return nil, err
		}
		finer := d.within(queue[0])
		if list.Total <= len(list.Orders) || len(finer) == 0 {
			out = append(out, list.Orders...)
			continue
		}
		queue = append(queue, finer...)
	}
	return out, nil
}

// listOrders asks the server's queue for the open orders in one area ("":
// the caller's own).
func (a *actor) listOrders(ctx context.Context, code string) (*orderList, error) {
	q := url.Values{"limit": {fmt.Sprint(listLimit)}}
	if code != "" {
		q.Set("area", code)
	}
	status, reply, _, err := a.do(ctx, http.MethodGet, a.base+OrdersPath+"?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("list the open orders of %q: %w", code, err)
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("list the open orders of %q: %d %s", code, status, describeError(reply))
	}
	var list orderList
	if err := json.Unmarshal(reply, &list); err != nil {
		return nil, fmt.Errorf("list the open orders of %q: %w", code, err)
	}
	return &list, nil
}

// within is the areas one level finer than code that the queue can be
// asked for: the streets of the whole district (code ""), the communities
// of a street, the grids of a community; none below that.
func (d *district) within(code string) []string {
	var out []string
	switch {
	case code == "":
		for _, c := range d.communities {
			out = append(out, c.street)
		}
	case d.communities[code] != nil:
		for _, g := range d.grids {
			if g.comm.code == code {
				out = append(out, g.a.Code)
			}
		}
	default:
		for _, c := range d.communities {
			if c.street == code {
				out = append(out, c.code)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
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

// adoptOpenOrders adopts every order the server holds open when the run
// starts, so that a restart, or a start on seeded history, leaves no order
// open for good. A server that cannot list them is logged and the run goes
// on without them.
func (s *Simulator) adoptOpenOrders(ctx context.Context, at time.Time) {
	open, err := s.act.openOrders(ctx, s.orders.d)
	if err != nil {
		s.log.Warn("simulate: cannot adopt the orders the server holds open", "err", err)
		return
	}
	adopted := 0
	for _, v := range open {
		if s.orders.adopt(v, at, s.orders.ids.run+"-") {
			adopted++
		}
	}
	s.c.adopted.Add(int64(adopted))
	s.log.Info("simulate: adopted the orders the server holds open", "adopted", adopted, "open", len(open))
}
