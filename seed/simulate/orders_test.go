package simulate

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
)

// received picks the received events of orders.
func received(evs []*event.Event) []*event.Event {
	var out []*event.Event
	for _, e := range evs {
		if e.Order != nil && e.Order.State == event.Received {
			out = append(out, e)
		}
	}
	return out
}

func TestAppealsPerDayFollowTheDailyCurve(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run("seed", func(t *testing.T) {
			p := newParts(t, seed, true, true, false)
			recv := received(p.run(testStart.Add(day)))
			if n := float64(len(recv)); math.Abs(n-DefaultAppealsPerDay) > 0.15*DefaultAppealsPerDay {
				t.Errorf("seed %d: %d orders in a day, want 740 ± 15%%", seed, len(recv))
			}
			var hours [24]int
			for _, e := range recv {
				hours[hourOf(e.Time.Time)]++
			}
			peak := float64(hours[9]+hours[10]+hours[14]+hours[15]+hours[16]) / 5
			night := float64(hours[0]+hours[1]+hours[2]+hours[3]+hours[4]+hours[5]) / 6
			if peak < 4*night || peak < float64(len(recv))/24 {
				t.Errorf("seed %d: %.1f orders an hour at the peaks, %.1f at night: the peaks should be far busier (by hour %v)", seed, peak, night, hours)
			}
		})
	}
}

func TestChannelMixMeetsTheTargets(t *testing.T) {
	p := newParts(t, 7, true, true, false)
	recv := received(p.run(testStart.Add(5 * day)))
	count := map[event.Channel]int{}
	for _, e := range recv {
		count[e.Order.Channel]++
	}
	for _, c := range channelSpecs {
		got := float64(count[c.channel]) / float64(len(recv))
		if math.Abs(got-c.share) > 0.03 {
			t.Errorf("channel %s: %.1f%% of orders, want %.0f%% ± 3", c.channel, 100*got, 100*c.share)
		}
	}
	for ch := range count {
		if !event.Channels.Has(string(ch)) || ch == "open311" {
			t.Errorf("channel %q is not one the simulator should use", ch)
		}
	}
}

func TestCategoryMixDependsOnThePlace(t *testing.T) {
	p := newParts(t, 11, true, false, false)
	recv := received(p.run(testStart.Add(10 * day)))
	compounds := tinyDistrict(t).Areas.Layer(area.Compound)
	// share[type][category] of orders located in compounds of that type.
	count := map[string]map[string]float64{"street": {}}
	total := map[string]float64{}
	overall := map[string]int{}
	for _, e := range recv {
		overall[e.Order.Category]++
		typ := "street"
		for _, k := range compounds {
			if k.Contains(orb.Point(e.Location)) {
				typ = propString(k.Props, "type")
				break
			}
		}
		if count[typ] == nil {
			count[typ] = map[string]float64{}
		}
		count[typ][e.Order.Category]++
		total[typ]++
	}
	share := func(typ string, cats ...string) float64 {
		n := 0.0
		for _, c := range cats {
			n += count[typ][c]
		}
		return n / total[typ]
	}
	tests := []struct {
		name       string
		more, less string
		cats       []string
	}{
		{"old compounds leak and clog", typeOld, typeCommercial, []string{"facility.roof_leak", "facility.drains", "safety.dangerous_building"}},
		{"commercial compounds argue about fees, parking and elevators", typeCommercial, typeOld, []string{"property.fee", "environment.parking", "facility.elevator"}},
		{"the street has city matters", "street", typeOld, []string{"city.road_damage", "city.street_vending", "city.street_light"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if total[tt.more] < 100 || total[tt.less] < 100 {
				t.Fatalf("too few orders to compare: %v", total)
			}
			if m, l := share(tt.more, tt.cats...), share(tt.less, tt.cats...); m < 1.5*l {
				t.Errorf("%s: %.1f%% in %s vs %.1f%% in %s", strings.Join(tt.cats, ", "), 100*m, tt.more, 100*l, tt.less)
			}
		})
	}
	// The common complaints lead and every category is a known one.
	for _, c := range []string{"environment.parking", "environment.garbage", "environment.noise"} {
		if float64(overall[c]) < 0.03*float64(len(recv)) {
			t.Errorf("%s: %d of %d orders, want a leading category", c, overall[c], len(recv))
		}
	}
	for c := range overall {
		if !event.Categories.Has(c) {
			t.Errorf("unknown category %q", c)
		}
	}
}

// lifeCycle says which main state may follow which; side steps
// (escalated, extended) may come while an order is being worked on and
// leave its main state as it was.
var lifeCycle = map[event.State][]event.State{
	event.Received:     {event.Filed},
	event.Filed:        {event.Dispatched},
	event.Dispatched:   {event.InProgress, event.Returned},
	event.Returned:     {event.Dispatched, event.InProgress},
	event.InProgress:   {event.ReportedDone},
	event.ReportedDone: {event.Verified, event.Returned},
	event.Verified:     {event.Closed},
}

var sideSteps = map[event.State]bool{event.Escalated: true, event.Extended: true}

// inWork are the main states during which an order can be escalated or
// extended.
var inWork = map[event.State]bool{event.Filed: true, event.Dispatched: true, event.Returned: true, event.InProgress: true}

// checkOrder reports the first way an order's events break the life
// cycle, or "".
func checkOrder(evs []*event.Event) string {
	if evs[0].Order.State != event.Received {
		return "does not start with received"
	}
	main := event.Received
	esc := 0
	for i, e := range evs[1:] {
		o, prev := e.Order, evs[i]
		if !e.Time.After(prev.Time.Time) {
			return "times do not increase at " + string(o.State)
		}
		// Every step is one the server's dispatch actions would take.
		if !dispatch.CanMove(prev.Order.State, o.State) {
			return "the state machine refuses " + string(prev.Order.State) + " → " + string(o.State)
		}
		if e.Location != evs[0].Location || o.Category != evs[0].Order.Category || o.Channel != evs[0].Order.Channel {
			return "location, category or channel changed"
		}
		switch {
		case sideSteps[o.State]:
			if !inWork[main] {
				return string(o.State) + " while " + string(main)
			}
			if o.State == event.Escalated {
				if o.Escalations != esc+1 {
					return "escalations do not count up by one"
				}
				if !e.Time.After(prev.Order.Deadline.Time) {
					return "escalated before the deadline passed"
				}
				esc++
			}
			if !o.Deadline.After(prev.Order.Deadline.Time) {
				return string(o.State) + " without moving the deadline"
			}
		default:
			ok := false
			for _, next := range lifeCycle[main] {
				ok = ok || next == o.State
			}
			if !ok {
				return string(main) + " → " + string(o.State)
			}
			main = o.State
		}
		if o.Escalations != esc {
			return "escalations count lost"
		}
		if o.State == event.Dispatched && o.Assignee == "" {
			return "dispatched to no one"
		}
	}
	if esc > maxEscalations {
		return "escalated more than three times"
	}
	return ""
}

func TestOrdersWalkTheLifeCycle(t *testing.T) {
	p := newParts(t, 5, true, true, false)
	evs := p.run(testStart.Add(14 * day))
	orders := map[string][]*event.Event{}
	for _, e := range evs {
		if e.Order != nil {
			orders[e.Order.OrderID] = append(orders[e.Order.OrderID], e)
		}
	}
	grids := map[string]*area.Area{}
	for _, g := range tinyDistrict(t).Areas.Layer(area.GeneralGrid) {
		grids["GW"+g.Code] = g
	}
	communities := map[string]*area.Area{}
	for _, c := range tinyDistrict(t).Areas.Layer(area.Community) {
		communities[c.Code] = c
	}
	var firstDay, closed, escalated, extended, returned, rated, happy int
	for id, o := range orders {
		if why := checkOrder(o); why != "" {
			t.Fatalf("order %s: %s (%d events)", id, why, len(o))
		}
		first := o[0]
		// The first dispatch goes to the grid worker of a grid in the
		// community where the order is.
		for _, e := range o {
			if e.Order.State != event.Dispatched {
				continue
			}
			g, ok := grids[e.Order.Assignee]
			if !ok {
				t.Fatalf("order %s first dispatched to %q, not a grid worker", id, e.Order.Assignee)
			}
			if !communities[g.Parent].Contains(orb.Point(first.Location)) {
				t.Fatalf("order %s at %v dispatched to %s of another community", id, first.Location, g.Code)
			}
			break
		}
		if first.Time.Sub(testStart) >= day {
			continue
		}
		firstDay++
		last := o[len(o)-1].Order
		if last.State == event.Closed {
			closed++
			if residentChannels[first.Order.Channel] {
				rated++
				if last.Satisfaction < 1 || last.Satisfaction > 5 {
					t.Fatalf("order %s closed with satisfaction %d", id, last.Satisfaction)
				}
				if last.Satisfaction >= 4 {
					happy++
				}
			} else if last.Satisfaction != 0 {
				t.Fatalf("order %s from %s rated %d; no resident rates it", id, first.Order.Channel, last.Satisfaction)
			}
		}
		seen := map[event.State]bool{}
		for _, e := range o {
			seen[e.Order.State] = true
		}
		if seen[event.Escalated] {
			escalated++
		}
		if seen[event.Extended] {
			extended++
		}
		if seen[event.Returned] {
			returned++
		}
	}
	rate := func(n int) float64 { return float64(n) / float64(firstDay) }
	checks := []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"closed within two weeks", rate(closed), 0.90, 0.985},
		{"escalated at least once", rate(escalated), 0.02, 0.2},
		{"extended", rate(extended), 0.005, 0.1},
		{"returned", rate(returned), 0.03, 0.15},
		{"rated 4 or 5", float64(happy) / float64(rated), 0.75, 0.95},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %.1f%% of the first day's %d orders, want %.1f–%.1f%%", c.what, 100*c.got, firstDay, 100*c.lo, 100*c.hi)
		}
	}
}

func TestOrdersAreInTheirPlaces(t *testing.T) {
	p := newParts(t, 9, true, false, false)
	recv := received(p.run(testStart.Add(2 * day)))
	district := tinyDistrict(t).Areas.Layer(area.District)[0]
	compounds := tinyDistrict(t).Areas.Layer(area.Compound)
	inCompound := 0
	for _, e := range recv {
		if !district.Contains(orb.Point(e.Location)) {
			t.Fatalf("order %s at %v is outside the district", e.Order.OrderID, e.Location)
		}
		for _, k := range compounds {
			if planar.PolygonContains(k.Geometry.(orb.Polygon), orb.Point(e.Location)) {
				inCompound++
				if !strings.HasPrefix(e.Order.Title, k.Name) {
					t.Errorf("order in %s titled %q", k.Name, e.Order.Title)
				}
				break
			}
		}
	}
	if share := float64(inCompound) / float64(len(recv)); share < 0.6 || share > 0.95 {
		t.Errorf("%.0f%% of orders inside compounds, want most but not all", 100*share)
	}
}

func TestCheckOrderCatchesBrokenLifeCycles(t *testing.T) {
	p := newParts(t, 5, true, false, false)
	var good []*event.Event
	for _, o := range byKey(p.run(testStart.Add(12 * day))) {
		if o[0].Order != nil && len(o) >= 7 && o[len(o)-1].Order.State == event.Closed {
			good = o
			break
		}
	}
	if good == nil {
		t.Fatal("no closed order to break")
	}
	if why := checkOrder(good); why != "" {
		t.Fatalf("a generated order fails the check: %s", why)
	}
	clone := func() []*event.Event {
		out := make([]*event.Event, len(good))
		for i, e := range good {
			c, o := *e, *e.Order
			c.Order = &o
			out[i] = &c
		}
		return out
	}
	tests := []struct {
		name   string
		mutate func(o []*event.Event) []*event.Event
	}{
		{"skips filing", func(o []*event.Event) []*event.Event { return append(o[:1:1], o[2:]...) }},
		{"closes twice", func(o []*event.Event) []*event.Event {
			c := *o[len(o)-1]
			c.Time.Time = c.Time.Add(time.Hour)
			return append(o, &c)
		}},
		{"goes back in time", func(o []*event.Event) []*event.Event { o[2].Time = o[1].Time; return o }},
		{"escalates out of the blue", func(o []*event.Event) []*event.Event { o[3].Order.Escalations = 2; return o }},
		{"moves", func(o []*event.Event) []*event.Event { o[2].Location[0] += 0.01; return o }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if why := checkOrder(tt.mutate(clone())); why == "" {
				t.Fatal("the check passed a broken order")
			}
		})
	}
}
