package simulate

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
)

// channelSpec is one intake channel: its share of all work orders, its
// hours, and how often its appeals come from inside a compound.
type channelSpec struct {
	channel    event.Channel
	share      float64
	curve      curve
	inCompound float64
}

// channelSpecs is the channel mix of the district's work orders. The
// sensor share is met by orders the alarms open plus orders the IoT
// platform opens by itself (bins full, lights out, drains blocked).
var channelSpecs = []channelSpec{
	{"hotline_12345", 0.45, hotlineCurve, 0.75},
	{"grid_discovery", 0.20, patrolHoursCurve, 0.6},
	{"qr_code", 0.12, qrCurve, 0.92},
	{"door_knocking", 0.08, doorKnockCurve, 1},
	{"secretary_reception", 0.05, receptionCurve, 0.8},
	{channelSensor, 0.10, flatCurve, 0.5},
}

const channelSensor event.Channel = "sensor"

// Life-cycle odds.
const (
	returnOdds        = 0.06 // dispatched to the wrong hands and returned (退回)
	hardOdds          = 0.04 // stuck for weeks: with the slow tail, the ~5% that keep the closure rate near 95%
	extendOdds        = 0.4  // of orders about to miss their deadline, those that ask for more time (延期)
	reworkOdds        = 0.03 // failing verification and sent back for rework
	maxEscalations    = 3    // community → street → district → efficiency office
	officeOpenHour    = 8    // community offices dispatch and verify from 08:00…
	officeCloseHour   = 21   // …to 21:00; non-urgent orders wait overnight
	minStepSeparation = time.Second
)

// residentChannels are those where a resident stands behind the order and
// rates the outcome.
var residentChannels = map[event.Channel]bool{
	"hotline_12345": true, "qr_code": true, "door_knocking": true, "secretary_reception": true,
}

// satisfaction weighs ratings 1–5; an escalated order pleases fewer.
var (
	satisfactionWeights          = newWeights([]float64{2, 3, 8, 25, 62})
	satisfactionEscalatedWeights = newWeights([]float64{6, 8, 16, 30, 40})
)

// orders makes the district's work orders: arrivals on the daily curve,
// each walked through its whole life cycle as timed events.
type orders struct {
	d     *district
	sch   *schedule
	ids   *ids
	r     *rand.Rand
	specs []channelSpec
	proc  *process
	cats  categoryPickers
	// compoundW and gridW draw where appeals come from, by households.
	compoundW, gridW weights
	opened           int
}

// newOrders makes the order generator for perDay orders a day in all,
// alarmOrders of which the alarms open.
func newOrders(d *district, sch *schedule, ids *ids, seed uint64, perDay, alarmOrders float64) *orders {
	o := &orders{d: d, sch: sch, ids: ids, r: newRand(seed, "orders"), cats: newCategoryPickers()}
	var streams []stream
	for _, c := range channelSpecs {
		n := c.share * perDay
		if c.channel == channelSensor {
			n = max(0, n-alarmOrders)
		}
		o.specs = append(o.specs, c)
		streams = append(streams, stream{perDay: n, curve: c.curve})
	}
	o.proc = newProcess(streams)
	var kw []float64
	for _, k := range d.compounds {
		kw = append(kw, float64(max(k.households, 20)))
	}
	o.compoundW = newWeights(kw)
	var gw []float64
	for _, g := range d.grids {
		gw = append(gw, float64(max(g.households, 50)))
	}
	o.gridW = newWeights(gw)
	return o
}

// start schedules the first arrival after from.
func (o *orders) start(from time.Time) { o.scheduleNext(from) }

func (o *orders) scheduleNext(after time.Time) {
	at, i, ok := o.proc.next(o.r, after)
	if !ok {
		return
	}
	at = at.Truncate(time.Millisecond) // the wire carries milliseconds
	o.sch.at(at, func(at time.Time) {
		o.arrive(at, o.specs[i])
		o.scheduleNext(at)
	})
}

// orderSpec is a new work order: what, where and how it came in.
type orderSpec struct {
	at       time.Time
	channel  event.Channel
	kind     *appealKind
	priority event.Priority
	loc      orb.Point
	place    string // for the title: a compound or grid name
	title    string // the whole title, when not place and complaint
	grid     *grid
	compound *compound // nil for the street
}

// arrive draws an appeal of channel c at time at and opens it.
func (o *orders) arrive(at time.Time, c channelSpec) {
	r := o.r
	sp := orderSpec{at: at, channel: c.channel}
	if len(o.d.compounds) > 0 && chance(r, c.inCompound) {
		k := o.d.compounds[o.compoundW.pick(r)]
		sp.compound, sp.grid, sp.place = k, k.grid, k.a.Name
		if p, ok := k.shape.randomPoint(r, 2); ok {
			sp.loc = k.shape.toLonLat(p)
		} else {
			sp.loc = k.shape.toLonLat(orb.Point{})
		}
		switch {
		case c.channel == channelSensor:
			sp.kind = o.cats.sensedCompound.pick(r)
		default:
			sp.kind = o.cats.byType[k.typ].pick(r)
		}
	} else {
		g := o.d.grids[o.gridW.pick(r)]
		sp.grid, sp.place = g, g.comm.name+g.a.Name
		sp.loc = o.streetPoint(g)
		if c.channel == channelSensor {
			sp.kind = o.cats.sensedStreet.pick(r)
		} else {
			sp.kind = o.cats.street.pick(r)
		}
	}
	sp.priority = pickPriority(r, sp.kind.serious)
	o.open(sp)
}

// streetPoint draws a point of grid g outside the compounds of its
// community, where street appeals happen; in a grid all compounds, any
// point of it.
func (o *orders) streetPoint(g *grid) orb.Point {
	var last orb.Point
	for range 20 {
		p, ok := g.shape.randomPoint(o.r, 2)
		if !ok {
			return g.shape.toLonLat(orb.Point{})
		}
		last = g.shape.toLonLat(p)
		inCompound := false
		for _, k := range g.comm.compounds {
			if k.a.Bound().Contains(last) && k.a.Contains(last) {
				inCompound = true
				break
			}
		}
		if !inCompound {
			return last
		}
	}
	return last
}

// step is one life-cycle event of an order, before it becomes an event.
type step struct {
	state        event.State
	at           time.Time
	actor        string
	assignee     string // set from here on; empty keeps the last
	deadline     time.Time
	escalations  int // set from here on when > 0
	satisfaction int
}

// open walks a new order through its whole life cycle and puts every
// step on the schedule.
func (o *orders) open(sp orderSpec) {
	o.opened++
	r := o.r
	id := o.ids.order(sp.at, o.opened)
	community := "community:" + sp.grid.comm.code
	gridWorker := sp.grid.workerID()
	p := sp.priority
	// The server's deadline table, so the simulated offices keep the
	// deadlines the server's scheduler enforces.
	period := dispatch.DefaultDeadlines.Period(sp.kind.category, p)
	deadline := sp.at.Add(period)

	steps := []step{{state: event.Received, at: sp.at, actor: receivedBy(sp), deadline: deadline}}
	add := func(s step) { steps = append(steps, s) }

	filed := sp.at.Add(clampDur(lognormal(r, 8*time.Minute, 0.6), time.Minute, time.Hour))
	add(step{state: event.Filed, at: filed, actor: community})

	dispatched := o.officeHours(filed.Add(lognormal(r, 12*time.Minute, 0.7)), p)
	assignee := gridWorker
	add(step{state: event.Dispatched, at: dispatched, actor: community, assignee: assignee})
	if chance(r, returnOdds) {
		back := dispatched.Add(lognormal(r, 50*time.Minute, 0.7))
		add(step{state: event.Returned, at: back, actor: assignee})
		assignee = redispatchTo(sp)
		dispatched = o.officeHours(back.Add(lognormal(r, 25*time.Minute, 0.6)), p)
		add(step{state: event.Dispatched, at: dispatched, actor: community, assignee: assignee})
	}
	steps = o.finish(sp, steps, event.Dispatched, dispatched, sp.at, deadline, assignee, 0)
	for _, ev := range o.events(id, sp, steps, carried{}) {
		o.sch.emit(ev)
	}
}

// finish adds the steps of an order from its state from, reached at at, to
// its closing: work starting on it (from dispatched), asking for more time
// and escalations as it runs late, reporting it done and perhaps being
// sent back for rework (from dispatched or in progress), verification and
// closing with the resident's rating. Handling takes its usual time
// counted from since: the receipt of a new order, the moment an adopted
// one is taken over; escalations counts those it has had before.
func (o *orders) finish(sp orderSpec, steps []step, from event.State, at, since, deadline time.Time, assignee string, escalations int) []step {
	r := o.r
	p := sp.priority
	period := dispatch.DefaultDeadlines.Period(sp.kind.category, p)
	community := "community:" + sp.grid.comm.code
	gridWorker := sp.grid.workerID()
	add := func(s step) { steps = append(steps, s) }
	done := at
	if from == event.Dispatched || from == event.InProgress {
		started := at
		if from == event.Dispatched {
			started = at.Add(lognormal(r, startDelay(p), 0.7))
			add(step{state: event.InProgress, at: started, actor: assignee})
		}
		done = o.work(sp, &steps, started, since, period, deadline, assignee, escalations)
	}
	if from != event.Verified {
		verified := o.officeHours(done.Add(lognormal(r, 2*time.Hour, 0.8)), "")
		add(step{state: event.Verified, at: verified, actor: gridWorker})
		done = verified
	}
	closed := done.Add(clampDur(lognormal(r, 40*time.Minute, 0.6), 2*time.Minute, 12*time.Hour))
	sat := 0
	if residentChannels[sp.channel] {
		w := satisfactionWeights
		if escalated(steps) {
			w = satisfactionEscalatedWeights
		}
		sat = 1 + w.pick(r)
	}
	add(step{state: event.Closed, at: closed, actor: community, satisfaction: sat})
	return steps
}

// work adds the steps of an order's handling once work has started on
// it, up to the report that it is done, and returns when that is.
func (o *orders) work(sp orderSpec, steps *[]step, started, since time.Time, period time.Duration, deadline time.Time, assignee string, escalations int) time.Time {
	r := o.r
	p := sp.priority
	gridWorker := sp.grid.workerID()
	add := func(s step) { *steps = append(*steps, s) }
	hard := chance(r, hardOdds)
	var took time.Duration
	if hard {
		took = uniformDur(r, 15*24*time.Hour, 60*24*time.Hour)
	} else {
		took = lognormal(r, handlingTime(period, p), handlingSigma)
	}
	done := maxTime(since.Add(took), started.Add(clampDur(lognormal(r, 20*time.Minute, 0.5), 5*time.Minute, 4*time.Hour)))

	// About to miss the deadline: some ask for more time first; the
	// watchdog escalates the rest, once per missed deadline.
	if done.After(deadline) && p != "urgent" && chance(r, extendOdds) {
		asked := deadline.Add(-time.Duration(uniform(r, 0.05, 0.3) * float64(period)))
		if asked.After(started.Add(time.Minute)) {
			deadline = deadline.Add(period)
			add(step{state: event.Extended, at: asked, actor: assignee, deadline: deadline})
		}
	}
	district := area.ParentCode(area.Street, sp.grid.comm.street)
	for esc := escalations + 1; done.After(deadline) && esc <= maxEscalations; esc++ {
		// An adopted order may be overdue already: the watchdog acts on
		// it once it is taken over, not in the past.
		at := maxTime(deadline, since).Add(min(uniformDur(r, time.Minute, 10*time.Minute), done.Sub(deadline)/2))
		deadline = at.Add(period / 2) // as the server's scheduler gives it
		add(step{state: event.Escalated, at: at, actor: escalatedTo(esc, sp.grid.comm.street, district),
			deadline: deadline, escalations: esc})
	}
	add(step{state: event.ReportedDone, at: done, actor: assignee})

	if !hard && chance(r, reworkOdds) {
		back := done.Add(lognormal(r, 2*time.Hour, 0.6))
		add(step{state: event.Returned, at: back, actor: gridWorker})
		again := back.Add(lognormal(r, 30*time.Minute, 0.6))
		add(step{state: event.InProgress, at: again, actor: assignee})
		done = again.Add(lognormal(r, handlingTime(period, p)/3, 0.6))
		add(step{state: event.ReportedDone, at: done, actor: assignee})
	}
	return done
}

// carried is what an order's steps before these set, for the steps of an
// adopted order: its holder, deadline and escalations so far, and the tag
// that keeps its new steps' event ids apart from those of the run that
// opened it. Zero for a new order.
type carried struct {
	assignee    string
	deadline    time.Time
	escalations int
	tag         string
}

// events turns an order's steps into events in time order, each carrying
// the order's state so far: assignee, deadline, escalations.
func (o *orders) events(id string, sp orderSpec, steps []step, from carried) []*event.Event {
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at.Before(steps[j].at) })
	out := make([]*event.Event, 0, len(steps))
	assignee, deadline, escalations := from.assignee, from.deadline, from.escalations
	last := time.Time{}
	for i, s := range steps {
		at := s.at.Truncate(time.Millisecond)
		if i > 0 && at.Before(last.Add(minStepSeparation)) {
			at = last.Add(minStepSeparation)
		}
		last = at
		if s.assignee != "" {
			assignee = s.assignee
		}
		if !s.deadline.IsZero() {
			deadline = s.deadline.Truncate(time.Millisecond)
		}
		if s.escalations > 0 {
			escalations = s.escalations
		}
		dl := event.Time{Time: deadline}
		ord := &event.Order{
			OrderID: id, State: s.state, Channel: sp.channel, Category: sp.kind.category,
			Priority: sp.priority, Deadline: &dl, Actor: s.actor, Assignee: assignee,
			Escalations: escalations, Satisfaction: s.satisfaction,
		}
		if s.state == event.Received {
			ord.Title = sp.title
			if ord.Title == "" {
				ord.Title = sp.place + "：" + sp.kind.phrase
			}
		}
		out = append(out, &event.Event{
			ID: fmt.Sprintf("%s.%s%d", id, from.tag, i+1), Type: event.TypeOrder, Time: event.Time{Time: at},
			Location: event.Position(sp.loc), Order: ord,
		})
	}
	return out
}

// officeHours moves a step that needs the community office to its next
// opening when it falls at night; urgent and high-priority orders are
// handled by the duty desk at once. An empty priority always waits.
func (o *orders) officeHours(t time.Time, p event.Priority) time.Time {
	if p == "urgent" || p == "high" {
		return t
	}
	local := t.In(beijing)
	h := local.Hour()
	if h >= officeOpenHour && h < officeCloseHour {
		return t
	}
	day := local
	if h >= officeCloseHour {
		day = local.AddDate(0, 0, 1)
	}
	open := time.Date(day.Year(), day.Month(), day.Day(), officeOpenHour, 0, 0, 0, beijing)
	return open.Add(uniformDur(o.r, 5*time.Minute, 90*time.Minute)).UTC()
}

// startDelay is the median time from dispatch to work starting.
func startDelay(p event.Priority) time.Duration {
	switch p {
	case "urgent":
		return 10 * time.Minute
	case "high":
		return 40 * time.Minute
	case "low":
		return 5 * time.Hour
	}
	return 2 * time.Hour
}

// receivedBy is who took the appeal in.
func receivedBy(sp orderSpec) string {
	switch sp.channel {
	case "hotline_12345":
		return "hotline_12345"
	case "grid_discovery", "door_knocking":
		return sp.grid.workerID()
	case "secretary_reception":
		return "secretary:" + sp.grid.comm.code
	case channelSensor:
		return "iot"
	}
	return "resident"
}

// redispatchTo is who gets an order its grid worker returned: the
// compound's property company, or the street's office for the street.
func redispatchTo(sp orderSpec) string {
	if sp.compound != nil && sp.compound.company != "" {
		return sp.compound.company
	}
	return "street:" + sp.grid.comm.street
}

// escalatedTo is who supervises an order after its n-th escalation: the
// street, the district, then the efficiency office (作风效能办).
func escalatedTo(n int, street, district string) string {
	switch n {
	case 1:
		return "street:" + street
	case 2:
		return "district:" + district
	}
	return "efficiency_office:" + district
}

func escalated(steps []step) bool {
	for _, s := range steps {
		if s.state == event.Escalated {
			return true
		}
	}
	return false
}

func clampDur(d, lo, hi time.Duration) time.Duration { return min(max(d, lo), hi) }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
