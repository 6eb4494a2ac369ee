package query

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/area"
)

// cellService holds trendSteps (orders in micro grid 510116001001001001,
// compound 5101160010010001), two alarms there (smoke raised 2 h ago; a
// gas leak raised 3 h ago and cleared 1 h ago), three patrol minutes (w1
// twice at 10:30, w2 at 07:30) and facilities: two elevators in the
// compound, one of them inside a square given to the micro grid, and a
// control room in compound 5101160010020001.
func cellService(t *testing.T, cfg analytics.Config) *Service {
	store := analyticstest.Open(t, cfg)
	eng := store.Engine()
	insertSteps(t, eng, trendSteps)
	const micro = "510116001001001001"
	for i, al := range []struct {
		id, kind, action string
		ago              time.Duration
	}{{"al1", "smoke", "raise", 2 * time.Hour}, {"al2", "gas_leak", "raise", 3 * time.Hour}, {"al2", "gas_leak", "clear", time.Hour}} {
		err := eng.Exec(context.Background(), `INSERT INTO events
			(id, type, time, received, stream, seq, street, community, compound, grid, micro_grid, alarm_id, kind, action)
			VALUES (?, 'alarm', ?, ?, 'alarms', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			"al-"+al.id+al.action, now.Add(-al.ago), now.Add(-al.ago), uint64(100+i),
			micro[:9], micro[:12], micro[:12]+"0001", micro[:15], micro, al.id, al.kind, al.action)
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range []struct {
		worker string
		ago    time.Duration
	}{{"w1", 2 * time.Hour}, {"w1", 2*time.Hour - time.Minute}, {"w2", 5 * time.Hour}} {
		at := now.Add(-p.ago)
		err := eng.Exec(context.Background(), `INSERT INTO patrol_samples
			(minute, time, worker_id, on_duty, street, community, grid, micro_grid, seq)
			VALUES (toStartOfMinute(?), ?, ?, true, ?, ?, ?, ?, ?)`,
			at, at, p.worker, micro[:9], micro[:12], micro[:15], micro, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
	}
	areas := rankingAreas()
	m, _ := areas.Get(area.MicroGrid, micro)
	m.Geometry = orb.Polygon{{{103.90, 30.50}, {103.91, 30.50}, {103.91, 30.51}, {103.90, 30.51}, {103.90, 30.50}}}
	s := New(eng, areas, []*area.Facility{
		{ID: "EL-1", Kind: "elevator", Compound: "5101160010010001", Point: orb.Point{103.905, 30.505}},
		{ID: "EL-2", Kind: "elevator", Compound: "5101160010010001", Point: orb.Point{103.95, 30.55}},
		{ID: "CR-1", Kind: "control_room", Compound: "5101160010020001", Point: orb.Point{103.95, 30.55}},
	})
	s.now = func() time.Time { return now }
	return s
}

func TestCell(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := cellService(t, cfg)
		tests := []struct {
			code        string
			level       Level
			facilities  map[string]int
			patrol      bool
			activeAlarm uint64
		}{
			{"510116001001001001", LevelMicroGrid, map[string]int{"elevator": 1}, true, 1},
			{"510116001001001", LevelGrid, map[string]int{}, true, 1},
			{"5101160010010001", LevelCompound, map[string]int{"elevator": 2}, false, 1},
			{"510116001001", LevelCommunity, map[string]int{"elevator": 2}, true, 1},
			{"510116001", LevelStreet, map[string]int{"elevator": 2, "control_room": 1}, true, 1},
		}
		for _, tt := range tests {
			t.Run(string(tt.level), func(t *testing.T) {
				p, err := s.Cell(context.Background(), CellRequest{Code: tt.code})
				if err != nil {
					t.Fatal(err)
				}
				if p.Level != tt.level || p.Name == "" || len(p.Trend) != ProfileDays {
					t.Errorf("level %s name %q, %d days; want %s, a name, %d days", p.Level, p.Name, len(p.Trend), tt.level, ProfileDays)
				}
				// Orders A–D were all received within 30 days; A, C, D closed, D late.
				if c := p.Totals; c.Opened != 4 || c.Closed != 3 || c.ClosedLate != 1 || c.Escalated != 1 {
					t.Errorf("totals %+v, want 4 opened, 3 closed, 1 late, 1 escalated", c)
				}
				if o := p.Open; o.Open != 1 || o.Overdue != 1 || len(o.Orders) != 1 || o.Orders[0].OrderID != "B" ||
					o.Orders[0].State != "escalated" || !o.Orders[0].Overdue || o.Orders[0].Deadline == nil {
					t.Errorf("open orders %+v, want B, escalated and overdue", o)
				}
				if a := p.Alarms; a.Raised != 2 || a.Cleared != 1 || a.Active != tt.activeAlarm || len(a.ByKind) != 2 || a.ByKind[0].Name == "" {
					t.Errorf("alarms %+v, want 2 raised, 1 cleared, 1 active, 2 named kinds", a)
				}
				switch {
				case !tt.patrol && p.Patrol != nil:
					t.Errorf("patrol %+v at compound level, want none", p.Patrol)
				case tt.patrol && (p.Patrol == nil || p.Patrol.WorkerMinutes != 3 || p.Patrol.Workers != 2 ||
					p.Patrol.HoursCovered != 2 || p.Patrol.Hours != 717):
					// 29 whole days and today's 21 hours to 13:00 UTC (21:00 in the district).
					t.Errorf("patrol %+v, want 3 minutes of 2 workers in 2 of 717 hours", p.Patrol)
				}
				if len(p.Facilities) != len(tt.facilities) {
					t.Errorf("facilities %v, want %v", p.Facilities, tt.facilities)
				}
				for k, n := range tt.facilities {
					if p.Facilities[k] != n {
						t.Errorf("facilities %v, want %v", p.Facilities, tt.facilities)
					}
				}
			})
		}
		other, err := s.Cell(context.Background(), CellRequest{Code: "5101160010020001"})
		if err != nil {
			t.Fatal(err)
		}
		if other.Totals.Opened != 0 || other.Open.Open != 0 || other.Alarms.Raised != 0 || other.Facilities["control_room"] != 1 {
			t.Errorf("compound C3 %+v, want no orders or alarms and its control room", other)
		}
	})
}

func TestProfileSpan(t *testing.T) {
	tests := []struct {
		name     string
		now      time.Time
		from, to time.Time
	}{
		{"district evening", time.Date(2026, 3, 10, 12, 30, 0, 0, time.UTC),
			time.Date(2026, 2, 8, 16, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)},
		{"the district's last hour", time.Date(2026, 11, 22, 15, 12, 0, 0, time.UTC),
			time.Date(2026, 10, 23, 16, 0, 0, 0, time.UTC), time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC)},
		{"district midnight exactly", time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 24, 16, 0, 0, 0, time.UTC), time.Date(2026, 11, 22, 17, 0, 0, 0, time.UTC)},
		{"UTC midnight, district morning", time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC),
			time.Date(2025, 12, 2, 16, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span := profileSpan(tt.now)
			if !span.From.Equal(tt.from) || !span.To.Equal(tt.to) {
				t.Errorf("span %s to %s, want %s to %s", span.From, span.To, tt.from, tt.to)
			}
			if n := len(fillBuckets(nil, span, IntervalDay)); n != ProfileDays {
				t.Errorf("%d daily buckets, want %d", n, ProfileDays)
			}
		})
	}
}

func TestCellRejects(t *testing.T) {
	s := New(nil, rankingAreas(), nil)
	s.now = func() time.Time { return now }
	tests := []struct {
		req   CellRequest
		field string // "" for ErrNoCell
	}{
		{CellRequest{Code: "abc"}, "code"},
		{CellRequest{Code: "51011600100A"}, "code"},
		{CellRequest{Code: "5101160010"}, "code"},
		{CellRequest{Code: "510116009001"}, ""},
		{CellRequest{Code: "510116001001", Area: "510116002"}, ""},
	}
	for _, tt := range tests {
		_, err := s.Cell(context.Background(), tt.req)
		var fe *FieldError
		switch {
		case tt.field == "" && !errors.Is(err, ErrNoCell):
			t.Errorf("%+v: error %v, want ErrNoCell", tt.req, err)
		case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field):
			t.Errorf("%+v: error %v, want one naming %s", tt.req, err, tt.field)
		}
	}
}
