package query

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/area"
)

// fixtureService is a Service over the fixture's areas and orders.
func fixtureService(t *testing.T, cfg analytics.Config) *Service {
	store := analyticstest.Open(t, cfg)
	insertOrders(t, store.Engine(), fixtureOrders)
	s := New(store.Engine(), fixtureAreas(), nil)
	s.now = func() time.Time { return now }
	return s
}

func TestHeatmap(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := fixtureService(t, cfg)
		type want struct {
			count, previous uint64
			weather         string
		}
		tests := []struct {
			name string
			req  HeatmapRequest
			want map[string]want
			// order is the codes first to last
			order []string
		}{
			{"communities this week", HeatmapRequest{},
				map[string]want{
					// 4 per 2,000 households in a week: 2 per 1,000
					"510116001001": {4, 0, "多云"},
					"510116001002": {0, 2, "晴"},
					// 1 per 500: 2 per 1,000
					"510116002001": {1, 0, "多云"},
				},
				[]string{"510116001001", "510116002001", "510116001002"}},
			{"change first", HeatmapRequest{Metric: MetricChange}, nil,
				[]string{"510116001001", "510116002001", "510116001002"}},
			{"property class", HeatmapRequest{Category: "property"},
				map[string]want{"510116001001": {1, 0, "晴"}, "510116001002": {0, 0, "晴"}, "510116002001": {1, 0, "多云"}}, nil},
			{"one item", HeatmapRequest{Category: "environment.noise"},
				map[string]want{"510116001001": {1, 0, "晴"}, "510116001002": {0, 0, "晴"}, "510116002001": {0, 0, "晴"}}, nil},
			{"street scope", HeatmapRequest{Area: "510116001"},
				map[string]want{"510116001001": {4, 0, "多云"}, "510116001002": {0, 2, "晴"}}, nil},
			{"community scope", HeatmapRequest{Area: "510116002001"},
				map[string]want{"510116002001": {1, 0, "多云"}}, nil},
			{"streets over a month", HeatmapRequest{Level: "street", WindowSpec: WindowSpec{Window: "30d"}},
				// 6 per 3,000 in 30 days is 0.47 a week; 2 per 500 is 0.93
				map[string]want{"510116001": {6, 0, "晴"}, "510116002": {2, 0, "晴"}}, nil},
			{"micro grids per household", HeatmapRequest{Level: "micro_grid", Metric: MetricPer1000, Area: "510116001001"},
				// 3 per 100 households is 30 per 1,000; no households, no weather
				map[string]want{"510116001001001001": {3, 0, "大雨"}, "510116001001001002": {1, 0, ""}},
				[]string{"510116001001001001", "510116001001001002"}},
			{"from and to", HeatmapRequest{Level: "grid", Area: "510116001001", WindowSpec: WindowSpec{From: "2026-03-10T10:00:00Z", To: "2026-03-10T12:10:00+00:00"}},
				map[string]want{"510116001001001": {2, 0, "暴雨"}}, nil}, // 1 per 1,000 in 3 hours
			{"limit", HeatmapRequest{Limit: 1}, map[string]want{"510116001001": {4, 0, "多云"}}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h, err := s.Heatmap(context.Background(), tt.req)
				if err != nil {
					t.Fatal(err)
				}
				if tt.want != nil && len(h.Cells) != len(tt.want) {
					t.Errorf("%d cells, want %d: %+v", len(h.Cells), len(tt.want), h.Cells)
				}
				for i, c := range h.Cells {
					if tt.order != nil && (i >= len(tt.order) || c.Code != tt.order[i]) {
						t.Errorf("cell %d is %s, want order %v", i, c.Code, tt.order)
					}
					w, ok := tt.want[c.Code]
					if tt.want == nil {
						continue
					}
					if !ok {
						t.Errorf("unexpected cell %s", c.Code)
						continue
					}
					if c.Count != w.count || c.Previous != w.previous || c.Change != int64(w.count)-int64(w.previous) || c.Weather != w.weather {
						t.Errorf("cell %s: count %d previous %d change %d weather %q, want %d %d %q",
							c.Code, c.Count, c.Previous, c.Change, c.Weather, w.count, w.previous, w.weather)
					}
					if c.Name == "" {
						t.Errorf("cell %s has no name", c.Code)
					}
				}
			})
		}
	})
}

func TestHeatmapTruncates(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := fixtureService(t, cfg)
		h, err := s.Heatmap(context.Background(), HeatmapRequest{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Cells) != 2 || h.Total != 3 || !h.Truncated {
			t.Errorf("%d cells of %d, truncated %v; want 2 of 3, truncated", len(h.Cells), h.Total, h.Truncated)
		}
	})
}

func TestHeatmapRejects(t *testing.T) {
	s := New(nil, fixtureAreas(), nil) // rejected before any query runs
	s.now = func() time.Time { return now }
	tests := []struct {
		req   HeatmapRequest
		field string
	}{
		{HeatmapRequest{Level: "building"}, "level"},
		{HeatmapRequest{Level: "micro_grid; DROP TABLE events"}, "level"},
		{HeatmapRequest{WindowSpec: WindowSpec{Window: "2d"}}, "window"},
		{HeatmapRequest{WindowSpec: WindowSpec{Window: "7d", From: "2026-03-01T00:00:00Z", To: "2026-03-02T00:00:00Z"}}, "window"},
		{HeatmapRequest{WindowSpec: WindowSpec{From: "2026-03-01T00:00:00Z"}}, "to"},
		{HeatmapRequest{WindowSpec: WindowSpec{To: "2026-03-01T00:00:00Z"}}, "from"},
		{HeatmapRequest{WindowSpec: WindowSpec{From: "yesterday", To: "2026-03-01T00:00:00Z"}}, "from"},
		{HeatmapRequest{WindowSpec: WindowSpec{From: "2026-03-01T00:00:00Z", To: "2026-03-01"}}, "to"},
		{HeatmapRequest{WindowSpec: WindowSpec{From: "2026-03-02T00:00:00Z", To: "2026-03-01T00:00:00Z"}}, "to"},
		{HeatmapRequest{WindowSpec: WindowSpec{From: "2025-01-01T00:00:00Z", To: "2026-03-01T00:00:00Z"}}, "to"},
		{HeatmapRequest{Metric: "sum"}, "metric"},
		{HeatmapRequest{Category: "parking"}, "category"},
		{HeatmapRequest{Category: "property.fee' OR 1=1 --"}, "category"},
		{HeatmapRequest{Area: "510116003"}, "area"},
		{HeatmapRequest{Area: "510116001001001"}, "area"},
		{HeatmapRequest{Area: "510117"}, "area"},
		{HeatmapRequest{Level: "street", Area: "510116001001"}, "level"},
		{HeatmapRequest{Limit: -1}, "limit"},
		{HeatmapRequest{Limit: MaxHeatmapLimit + 1}, "limit"},
	}
	for _, tt := range tests {
		_, err := s.Heatmap(context.Background(), tt.req)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%+v: error %v, want one naming %s", tt.req, err, tt.field)
		}
	}
}

// A city holds several districts: a district's code scopes to its own.
func TestHeatmapDistrictScope(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := fixtureService(t, cfg)
		s.areas.Add(&area.Area{Code: "510117", Layer: area.District, Name: "另一区"})
		s.areas.Add(&area.Area{Code: "510117001", Parent: "510117", Layer: area.Street, Name: "另一街道"})
		insertOrders(t, s.eng, []fixtureOrder{{"510117001001001001", "property.fee", "received", time.Hour}})
		for _, tt := range []struct {
			area string
			want []string
		}{
			{"", []string{"510116001", "510116002", "510117001"}},
			{"510116", []string{"510116001", "510116002"}},
			{"510117", []string{"510117001"}},
		} {
			h, err := s.Heatmap(context.Background(), HeatmapRequest{Level: "street", Area: tt.area})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range h.Cells {
				got = append(got, c.Code)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("area %q: cells %v, want %v", tt.area, got, tt.want)
			}
		}
	})
}

// The heatmap's counts are those of the raw events, for windows whose ends
// fall anywhere (so every grain of orders_opened is read), for a category
// class and item, at micro-grid and community level.
func TestHeatmapMatchesRawEvents(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		store := analyticstest.Open(t, cfg)
		eng := store.Engine()
		start := time.Date(2024, 2, 3, 5, 0, 0, 0, time.UTC)
		// 6,000 events over two years and 200 micro grids, four in five
		// of them new orders.
		err := eng.Exec(context.Background(), `INSERT INTO events
			(id, type, time, received, stream, seq, street, community, grid, micro_grid, order_id, state, category)
			WITH concat('510116', leftPad(toString(cityHash64(number, 1) % 3 + 1), 3, '0'), leftPad(toString(cityHash64(number, 2) % 4 + 1), 3, '0'),
				'001', leftPad(toString(cityHash64(number, 3) % 17 + 1), 3, '0')) AS m
			SELECT concat('ev-', toString(number)), 'order', ? + toIntervalSecond(cityHash64(number) % (2 * 366 * 86400)) AS t, t,
				'events', number + 1, substring(m, 1, 9), substring(m, 1, 12), substring(m, 1, 15), m, concat('WO-', toString(number)),
				if(number % 5 = 0, 'closed', 'received'), arrayElement(?, cityHash64(number, 4) % 4 + 1)
			FROM numbers(6000)`,
			start, []string{"property.fee", "property.parking", "environment.noise", "facility.elevator"})
		if err != nil {
			t.Fatal(err)
		}
		s := New(eng, benchAreas(), nil)
		s.now = func() time.Time { return time.Date(2025, 11, 17, 9, 41, 0, 0, time.UTC) }
		for _, tt := range []struct {
			level, category string
			window          WindowSpec
		}{
			{"micro_grid", "", WindowSpec{Window: "365d"}},
			{"micro_grid", "property", WindowSpec{Window: "90d"}},
			{"community", "environment.noise", WindowSpec{Window: "30d"}},
			{"micro_grid", "", WindowSpec{Window: "24h"}},
			{"community", "", WindowSpec{From: "2024-12-31T17:00:00Z", To: "2025-04-02T03:00:00Z"}},
		} {
			t.Run(tt.level+" "+tt.category+" "+tt.window.Window+tt.window.From, func(t *testing.T) {
				h, err := s.Heatmap(context.Background(), HeatmapRequest{Level: tt.level, Category: tt.category, WindowSpec: tt.window})
				if err != nil {
					t.Fatal(err)
				}
				span, err := tt.window.resolve(s.now())
				if err != nil {
					t.Fatal(err)
				}
				cat, catArgs := "1", []any{}
				switch {
				case strings.Contains(tt.category, "."):
					cat, catArgs = "category = ?", []any{tt.category}
				case tt.category != "":
					cat, catArgs = "startsWith(category, ?)", []any{tt.category + "."}
				}
				var raw []heatmapCount
				if err := eng.Select(context.Background(), &raw, "SELECT "+tt.level+" AS code, countIf(time >= ?) AS count, countIf(time < ?) AS previous "+
					"FROM events WHERE state = 'received' AND time >= ? AND time < ? AND "+cat+" GROUP BY code",
					append([]any{span.From, span.From, span.Previous().From, span.To}, catArgs...)...); err != nil {
					t.Fatal(err)
				}
				want := make(map[string]heatmapCount)
				var orders uint64
				for _, r := range raw {
					want[r.Code] = r
					orders += r.Count + r.Previous
				}
				if orders == 0 {
					t.Fatal("no orders in the windows: the test tests nothing")
				}
				for _, c := range h.Cells {
					w := want[c.Code]
					if c.Count != w.Count || c.Previous != w.Previous {
						t.Errorf("%s: %d and %d before, raw events %d and %d", c.Code, c.Count, c.Previous, w.Count, w.Previous)
					}
					delete(want, c.Code)
				}
				for code, w := range want {
					t.Errorf("%s: missing, raw events %d and %d before", code, w.Count, w.Previous)
				}
			})
		}
	})
}

// An order located in a community but in none of its micro grids counts
// at community level and is no cell at micro-grid level.
func TestHeatmapLeavesOutOrdersWithoutCell(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := fixtureService(t, cfg)
		err := s.eng.Exec(context.Background(), `INSERT INTO events (id, type, time, received, stream, seq, street, community, order_id, state, category)
			VALUES ('ev-outside', 'order', ?, ?, 'events', 100, '510116001', '510116001001', 'WO-outside', 'received', 'property.fee')`,
			now.Add(-time.Hour), now.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for level, want := range map[string]uint64{"community": 5, "micro_grid": 4} {
			h, err := s.Heatmap(context.Background(), HeatmapRequest{Level: level, Area: "510116001001"})
			if err != nil {
				t.Fatal(err)
			}
			var sum uint64
			for _, c := range h.Cells {
				if c.Code == "" {
					t.Errorf("%s: a cell without a code: %+v", level, c)
				}
				sum += c.Count
			}
			if sum != want {
				t.Errorf("%s: %d new orders in the cells, want %d", level, sum, want)
			}
		}
	})
}
