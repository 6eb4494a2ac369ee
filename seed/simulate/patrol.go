package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/event"
)

// Walking.
const (
	minWalkSpeed = 1.0   // m/s
	maxWalkSpeed = 1.5   // m/s
	legRadius    = 250.0 // how far ahead a walker picks the next waypoint, in metres
	edgeMargin   = 3.0   // waypoints keep this far from the grid's edge
	pathMargin   = 1.0   // and every walk this far
	pauseOdds    = 0.35  // a waypoint is a stop: a chat, a look at a drain
	minPause     = 20 * time.Second
	maxPause     = 3 * time.Minute
	minDrain     = 4.0 // battery percent an hour
	maxDrain     = 7.0
	minBattery   = 5.0
)

// worker is one person on patrol: who, where they walk, when, and where
// they are now.
type worker struct {
	id, name string
	role     event.Role
	home     *grid  // the general grid reported as home_grid
	area     *shape // where they walk: the grid, or a micro grid
	sessions []session
	seed     uint64
	r        *rand.Rand
	speed    float64 // this worker's pace

	// The walk, in the area's local metres.
	onDuty     bool
	shiftEnd   time.Time
	last       time.Time // when pos was last advanced
	pos, from  orb.Point // where they are, and the waypoint they left
	to         orb.Point // the waypoint they walk to
	legSpeed   float64
	pauseUntil time.Time
	head       float64
	battery    float64
	drain      float64 // percent an hour
	reports    int
	// tick sends a report and schedules the next; made once per worker,
	// since reports are the bulk of all events.
	tick func(at time.Time)
}

// roster makes n workers for the district's grids: a grid worker for each
// grid first (for every n/grids-th grid when there are fewer), then
// micro-grid leaders and in-service party members, three to two, spread
// over the grids.
func roster(d *district, n int, seed uint64) []*worker {
	var out []*worker
	grids := d.grids
	add := func(w *worker) {
		w.seed = seed
		w.r = newRand(seed, "worker/"+w.id)
		w.speed = uniform(w.r, minWalkSpeed+0.1, maxWalkSpeed-0.1)
		out = append(out, w)
	}
	nGrid := min(n, len(grids))
	for i := range nGrid {
		g := grids[i*len(grids)/nGrid]
		w := &worker{id: g.workerID(), name: g.worker, role: "grid_worker", home: g, area: g.shape}
		w.sessions = dayShift
		if newRand(seed, "night/"+w.id).Float64() < nightShare {
			w.sessions = nightShift
		}
		add(w)
	}
	rest := n - nGrid
	leaders := int(math.Round(float64(rest) * 0.6))
	for round := 0; leaders > 0; round++ {
		placed := false
		for _, g := range grids {
			if leaders == 0 {
				break
			}
			if round >= len(g.micros) {
				continue
			}
			m := g.micros[round]
			s := newShape(m.Geometry)
			if s == nil {
				continue
			}
			add(&worker{id: "MG" + m.Code, name: propString(m.Props, "leader"), role: "micro_grid_leader",
				home: g, area: s, sessions: leaderShifts})
			leaders--
			placed = true
		}
		if !placed {
			break // no micro grids left: the rest patrol as party members
		}
	}
	party := n - len(out)
	for k := 1; party > 0; k++ {
		for _, g := range grids {
			if party == 0 {
				break
			}
			add(&worker{id: fmt.Sprintf("PM%s-%02d", g.a.Code, k), role: "party_member",
				home: g, area: g.shape, sessions: partyShift})
			party--
		}
	}
	return out
}

// patrols drives the workers' shifts and reports.
type patrols struct {
	sch      *schedule
	ids      *ids
	interval [2]time.Duration
	workers  []*worker
}

// start puts every worker on the schedule from t: on duty now when a
// shift is running, else at their next shift.
func (p *patrols) start(t time.Time) {
	for _, w := range p.workers {
		sh := nextShift(w.seed, w.id, w.sessions, t)
		if !sh.start.After(t) {
			p.begin(w, t, sh.end)
			continue
		}
		p.scheduleShift(w, sh)
	}
}

// onDuty counts the workers on duty.
func (p *patrols) onDuty() int {
	n := 0
	for _, w := range p.workers {
		if w.onDuty {
			n++
		}
	}
	return n
}

func (p *patrols) scheduleShift(w *worker, sh shift) {
	p.sch.at(sh.start, func(at time.Time) { p.begin(w, at, sh.end) })
}

// begin puts a worker on duty at a random place of their area; the first
// report comes within one interval, so workers do not report in step.
func (p *patrols) begin(w *worker, at, end time.Time) {
	pos, ok := w.area.randomPoint(w.r, edgeMargin)
	if !ok {
		return // an area too small to stand in; the worker stays home
	}
	w.onDuty, w.shiftEnd, w.last = true, end, at
	w.pos, w.from, w.to = pos, pos, pos
	w.pauseUntil = time.Time{}
	w.battery = uniform(w.r, 70, 100)
	w.drain = uniform(w.r, minDrain, maxDrain)
	w.nextLeg(at)
	first := at.Add(uniformDur(w.r, 0, p.interval[1]))
	p.scheduleReport(w, first)
}

func (p *patrols) scheduleReport(w *worker, at time.Time) {
	at = at.Truncate(time.Millisecond)
	if !at.Before(w.shiftEnd) {
		p.sch.at(w.shiftEnd, func(at time.Time) { p.end(w, at) })
		return
	}
	if w.tick == nil {
		w.tick = func(at time.Time) {
			p.report(w, at, true)
			p.scheduleReport(w, at.Add(uniformDur(w.r, p.interval[0], p.interval[1])))
		}
	}
	p.sch.at(at, w.tick)
}

// end sends the worker's last report, off duty, and schedules the next
// shift.
func (p *patrols) end(w *worker, at time.Time) {
	p.report(w, at, false)
	w.onDuty = false
	p.scheduleShift(w, nextShift(w.seed, w.id, w.sessions, maxTime(at, w.shiftEnd)))
}

// report walks the worker up to at and sends where they are.
func (p *patrols) report(w *worker, at time.Time, onDuty bool) {
	w.advance(at)
	w.reports++
	speed := 0.0
	if onDuty && !at.Before(w.pauseUntil) && w.pos != w.to {
		speed = w.legSpeed
	}
	ll := w.area.toLonLat(w.pos)
	p.sch.emit(&event.Event{
		ID: p.ids.patrol(w.id, w.reports), Type: event.TypePatrol, Time: event.Time{Time: at},
		Location: event.Position(ll),
		Patrol: &event.Patrol{
			WorkerID: w.id, Name: w.name, Role: w.role, OnDuty: onDuty,
			Heading: roundHeading(w.head), Speed: math.Round(speed*100) / 100,
			Battery: math.Round(w.battery*10) / 10, Grid: w.home.a.Code,
		},
	})
}

// advance walks the worker from their last time to t: along the leg,
// pausing at stops, picking new legs at waypoints.
func (w *worker) advance(t time.Time) {
	now := w.last
	if !t.After(now) {
		return
	}
	w.battery = math.Max(minBattery, w.battery-w.drain*t.Sub(now).Hours())
	for now.Before(t) {
		if now.Before(w.pauseUntil) {
			now = minT(t, w.pauseUntil)
			continue
		}
		left := orb.Point{w.to[0] - w.pos[0], w.to[1] - w.pos[1]}
		dist := math.Hypot(left[0], left[1])
		step := w.legSpeed * t.Sub(now).Seconds()
		if dist == 0 || w.legSpeed == 0 {
			w.nextLeg(now)
			if w.pos == w.to {
				// Nowhere to go: stand a while and try again.
				w.pauseUntil = now.Add(time.Minute)
			}
			continue
		}
		if step < dist {
			f := step / dist
			w.pos = orb.Point{w.pos[0] + left[0]*f, w.pos[1] + left[1]*f}
			now = t
			break
		}
		now = now.Add(time.Duration(dist / w.legSpeed * float64(time.Second)))
		w.pos = w.to
		if chance(w.r, pauseOdds) {
			w.pauseUntil = now.Add(uniformDur(w.r, minPause, maxPause))
		}
		w.nextLeg(now)
	}
	w.last = t
}

// nextLeg picks the next waypoint: a point nearby that a straight walk
// reaches without leaving the area, or, failing that, back the way they
// came.
func (w *worker) nextLeg(now time.Time) {
	radius := math.Min(legRadius, math.Hypot(w.area.bound.Max[0]-w.area.bound.Min[0], w.area.bound.Max[1]-w.area.bound.Min[1]))
	next, ok := orb.Point{}, false
	for range 30 {
		p, found := w.area.randomNear(w.r, w.pos, radius, edgeMargin, 4)
		if found && w.area.corridorClear(w.pos, p, pathMargin) {
			next, ok = p, true
			break
		}
	}
	if !ok {
		next = w.from // the leg that brought them here is clear
	}
	w.from, w.to = w.pos, next
	w.legSpeed = math.Min(maxWalkSpeed, math.Max(minWalkSpeed, w.speed+uniform(w.r, -0.1, 0.1)))
	if next != w.pos {
		w.head = heading(w.pos, next)
	}
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// roundHeading rounds a heading to a tenth of a degree, keeping it below
// 360.
func roundHeading(h float64) float64 {
	h = math.Round(h*10) / 10
	if h >= 360 {
		h -= 360
	}
	return h
}
