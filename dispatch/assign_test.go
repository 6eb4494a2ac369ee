package dispatch

import (
	"slices"
	"testing"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

func TestRank(t *testing.T) {
	const grid, otherGrid, otherCommunityGrid = "510116001002003", "510116001002004", "510116001003001"
	o := &live.Order{OrderID: "WO-1", Area: event.Chain{Street: "510116001", Community: "510116001002", GeneralGrid: grid}}
	worker := func(id string, g string, role event.Role, onDuty bool) *live.Worker {
		return &live.Worker{WorkerID: id, Role: role, OnDuty: onDuty, HomeGrid: g}
	}
	near := func(ws ...live.Nearby) []live.Nearby { return ws }
	tests := []struct {
		name string
		near []live.Nearby
		load map[string]int
		k    int
		want []string
	}{
		{"the own grid's worker beats a nearer one of the next grid",
			near(live.Nearby{Worker: worker("next", otherGrid, "grid_worker", true), Meters: 100},
				live.Nearby{Worker: worker("own", grid, "grid_worker", true), Meters: 350}),
			nil, 2, []string{"own", "next"}},
		{"but not when the next grid's is much nearer",
			near(live.Nearby{Worker: worker("next", otherGrid, "grid_worker", true), Meters: 100},
				live.Nearby{Worker: worker("own", grid, "grid_worker", true), Meters: 500}),
			nil, 2, []string{"next", "own"}},
		{"another community costs more than another grid",
			near(live.Nearby{Worker: worker("far-community", otherCommunityGrid, "grid_worker", true), Meters: 50},
				live.Nearby{Worker: worker("same-community", otherGrid, "grid_worker", true), Meters: 900}),
			nil, 2, []string{"same-community", "far-community"}},
		{"a busy worker gives way",
			near(live.Nearby{Worker: worker("busy", grid, "grid_worker", true), Meters: 100},
				live.Nearby{Worker: worker("free", grid, "micro_grid_leader", true), Meters: 400}),
			map[string]int{"busy": 3}, 2, []string{"free", "busy"}},
		{"off duty and other roles are left out",
			near(live.Nearby{Worker: worker("off", grid, "grid_worker", false), Meters: 10},
				live.Nearby{Worker: worker("member", grid, "party_member", true), Meters: 20},
				live.Nearby{Worker: worker("on", grid, "grid_worker", true), Meters: 800}),
			nil, 5, []string{"on"}},
		{"ties go to the nearer, then the lower id",
			near(live.Nearby{Worker: worker("b", grid, "grid_worker", true), Meters: 200},
				live.Nearby{Worker: worker("a", grid, "grid_worker", true), Meters: 200},
				live.Nearby{Worker: worker("c", grid, "grid_worker", true), Meters: 100}),
			nil, 3, []string{"c", "a", "b"}},
		{"k bounds the list",
			near(live.Nearby{Worker: worker("a", grid, "grid_worker", true), Meters: 1},
				live.Nearby{Worker: worker("b", grid, "grid_worker", true), Meters: 2}),
			nil, 1, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rank(o, tt.near, tt.load, DefaultAssignWeights, defaultRoles, tt.k)
			ids := make([]string, len(got))
			for i, s := range got {
				ids[i] = s.WorkerID
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("ranked %v, want %v (%+v)", ids, tt.want, got)
			}
		})
	}
}

func TestRankExplainsTheScore(t *testing.T) {
	o := &live.Order{Area: event.Chain{Community: "510116001002", GeneralGrid: "510116001002003"}}
	w := &live.Worker{WorkerID: "w", Role: "grid_worker", OnDuty: true, Area: event.Chain{GeneralGrid: "510116001002004"}}
	got := Rank(o, []live.Nearby{{Worker: w, Meters: 120}}, map[string]int{"w": 2}, DefaultAssignWeights, defaultRoles, 1)
	if len(got) != 1 {
		t.Fatalf("got %d suggestions", len(got))
	}
	s := got[0]
	// No home grid: the grid the worker stands in counts.
	if s.SameGrid || !s.SameCommunity || s.Load != 2 {
		t.Errorf("same grid %v, same community %v, load %d", s.SameGrid, s.SameCommunity, s.Load)
	}
	if want := 120 + 300 + 2*250.0; s.Score != want {
		t.Errorf("score %v, want %v", s.Score, want)
	}
}

func TestDepartments(t *testing.T) {
	codes := func(ds []Department) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Code)
		}
		return out
	}
	if got := codes(DepartmentsFor("facility.elevator")); !slices.Equal(got, []string{"market_regulation"}) {
		t.Errorf("elevators: %v", got)
	}
	if got := codes(DepartmentsFor("city.manhole")); !slices.Equal(got, []string{"law_enforcement"}) {
		t.Errorf("manholes (by class): %v", got)
	}
	if got := codes(DepartmentsFor("safety.flooding")); !slices.Equal(got, []string{"emergency", "water"}) {
		t.Errorf("flooding: %v", got)
	}
	if d, ok := FindDepartment("dept:judicial"); !ok || d.Assignee() != "dept:judicial" {
		t.Errorf("FindDepartment(dept:judicial) = %v, %v", d, ok)
	}
	for _, bad := range []string{"judicial", "dept:", "dept:zoo"} {
		if _, ok := FindDepartment(bad); ok {
			t.Errorf("FindDepartment(%q) found one", bad)
		}
	}
	// Every category has a department to summon, and every remit names
	// real categories or classes.
	for _, c := range event.Categories {
		if len(DepartmentsFor(c.Code)) == 0 {
			t.Errorf("no department handles %s", c.Code)
		}
	}
	for _, d := range Departments {
		for _, h := range d.Handles {
			if !event.Categories.Has(h) && !event.Classes.Has(h) {
				t.Errorf("%s handles %q, which is no category or class", d.Code, h)
			}
		}
	}
}
