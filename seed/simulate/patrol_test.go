package simulate

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
)

func TestPatrolsWalkInsideTheirGrids(t *testing.T) {
	p := newParts(t, 3, false, false, true)
	evs := p.run(testStart.Add(day))
	grids := map[string]*area.Area{}
	for _, g := range tinyDistrict(t).Areas.Layer(area.GeneralGrid) {
		grids[g.Code] = g
	}
	byWorker := byKey(evs)
	if len(byWorker) != len(p.patrols.workers) {
		t.Errorf("%d of %d workers reported in a day", len(byWorker), len(p.patrols.workers))
	}
	var onDuty [24]map[string]bool
	for h := range onDuty {
		onDuty[h] = map[string]bool{}
	}
	for id, reps := range byWorker {
		for i, e := range reps {
			r := e.Patrol
			g, ok := grids[r.Grid]
			if !ok {
				t.Fatalf("%s: home grid %q does not exist", id, r.Grid)
			}
			if !g.Contains(orb.Point(e.Location)) {
				t.Fatalf("%s at %v is outside its grid %s", id, e.Location, r.Grid)
			}
			if r.OnDuty {
				onDuty[hourOf(e.Time.Time)][id] = true
			}
			if r.Speed != 0 && (r.Speed < minWalkSpeed || r.Speed > maxWalkSpeed) {
				t.Fatalf("%s reports %.2f m/s, not a walk", id, r.Speed)
			}
			if i == 0 {
				continue
			}
			prev := reps[i-1]
			dt := e.Time.Sub(prev.Time.Time)
			if !prev.Patrol.OnDuty {
				// A new shift: silence since the last one ended.
				if dt < time.Hour {
					t.Fatalf("%s back on duty %s after going off", id, dt)
				}
				continue
			}
			if dt <= 0 || dt > DefaultPatrolMax {
				t.Fatalf("%s reports %s apart, want at most %s", id, dt, DefaultPatrolMax)
			}
			dist := geo.Distance(orb.Point(prev.Location), orb.Point(e.Location))
			if dist > maxWalkSpeed*dt.Seconds()*1.01+0.01 {
				t.Fatalf("%s moved %.1f m in %s: faster than walking", id, dist, dt)
			}
			if r.Battery > prev.Patrol.Battery {
				t.Fatalf("%s's battery charged on patrol: %.1f → %.1f", id, prev.Patrol.Battery, r.Battery)
			}
			// On a straight stretch the heading is the direction of travel.
			if r.Speed > 0 && prev.Patrol.Speed > 0 && r.Heading == prev.Patrol.Heading && dist > 2 {
				bearing := geo.Bearing(orb.Point(prev.Location), orb.Point(e.Location))
				if diff := math.Abs(math.Mod(bearing-r.Heading+540, 360) - 180); diff > 2 {
					t.Fatalf("%s heads %.1f° but moved towards %.1f°", id, r.Heading, bearing)
				}
			}
		}
		if last := reps[len(reps)-1]; last.Patrol.OnDuty && last.Time.Sub(testStart) < 23*time.Hour {
			t.Errorf("%s fell silent at %s while on duty", id, last.Time.In(beijing).Format("15:04"))
		}
	}
	night, morning, evening := len(onDuty[3]), len(onDuty[10]), len(onDuty[20])
	if !(morning > 3*night && evening > night && night > 0) {
		t.Errorf("workers on duty at 03:00 %d, 10:00 %d, 20:00 %d: want a full day shift, an evening patrol and a small night shift", night, morning, evening)
	}
}

func TestRosterFillsTheGrids(t *testing.T) {
	d, err := newDistrict(tinyDistrict(t).Areas)
	if err != nil {
		t.Fatal(err)
	}
	grids := len(d.grids)
	tests := []struct {
		n                        int
		gridWorkers, leaders, pm int
	}{
		{1, 1, 0, 0},
		{grids / 2, grids / 2, 0, 0},
		{grids, grids, 0, 0},
		{grids + 10, grids, 6, 4},
		{4 * grids, grids, int(math.Round(1.8 * float64(grids))), 3*grids - int(math.Round(1.8*float64(grids)))},
	}
	for _, tt := range tests {
		ws := roster(d, tt.n, 1)
		roles := map[event.Role]int{}
		ids := map[string]bool{}
		for _, w := range ws {
			roles[w.role]++
			if ids[w.id] {
				t.Errorf("n=%d: worker id %s twice", tt.n, w.id)
			}
			ids[w.id] = true
			if !strings.HasPrefix(strings.TrimLeft(w.id, "GWMP"), w.home.a.Code) {
				t.Errorf("n=%d: worker %s patrols grid %s", tt.n, w.id, w.home.a.Code)
			}
		}
		if len(ws) != tt.n || roles["grid_worker"] != tt.gridWorkers || roles["micro_grid_leader"] != tt.leaders || roles["party_member"] != tt.pm {
			t.Errorf("roster(%d) = %d workers %v, want %d grid workers, %d leaders, %d party members",
				tt.n, len(ws), roles, tt.gridWorkers, tt.leaders, tt.pm)
		}
	}
}

func TestShiftsAreFoundWhereverTheClockStands(t *testing.T) {
	tests := []struct {
		name     string
		sessions []session
		at       string // Beijing time
		running  bool
	}{
		{"day shift at noon", dayShift, "12:00", true},
		{"day shift before dawn", dayShift, "05:00", false},
		{"night shift after midnight", nightShift, "02:00", true},
		{"night shift in the afternoon", nightShift, "15:00", false},
		{"leader between sessions", leaderShifts, "13:00", false},
		{"leader in the afternoon", leaderShifts, "16:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-21 "+tt.at, beijing)
			sh := nextShift(1, "GW1", tt.sessions, clock)
			if !sh.end.After(clock) || !sh.start.Before(sh.end) {
				t.Fatalf("shift %v–%v does not end after %v", sh.start, sh.end, clock)
			}
			if running := !sh.start.After(clock); running != tt.running {
				t.Fatalf("running = %v at %s (shift %s–%s)", running, tt.at,
					sh.start.In(beijing).Format("15:04"), sh.end.In(beijing).Format("15:04"))
			}
			next := nextShift(1, "GW1", tt.sessions, sh.end)
			if !next.start.After(sh.end) {
				t.Fatalf("the next shift starts %v, before this one ends %v", next.start, sh.end)
			}
		})
	}
}
