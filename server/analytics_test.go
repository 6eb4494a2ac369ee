package server

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/query"
	"github.com/gridpulse/gridpulse/area"
)

// newAnalyticsServer is a test server with testAreas and an analytics store
// holding new orders: two in the first compound of testAreas and one in the
// second, an hour ago.
func newAnalyticsServer(t *testing.T, cfg analytics.Config) *Server {
	t.Helper()
	s := newTestServer(t, true)
	store := analyticstest.Open(t, cfg)
	community := area.CommunityCode(area.StreetCode("510116", 1), 1)
	at := time.Now().Add(-time.Hour)
	for i, compound := range []int{1, 1, 2} {
		err := store.Engine().Exec(context.Background(), `INSERT INTO events
			(id, type, time, received, stream, seq, street, community, compound, order_id, state, channel, category)
			VALUES (?, 'order', ?, ?, 'orders', ?, ?, ?, ?, ?, 'received', 'hotline_12345', 'environment.parking')`,
			"ev-"+string(rune('a'+i)), at, at, uint64(i+1), community[:9], community,
			area.CompoundCode(community, compound), "WO-"+string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
	}
	s.SetAnalytics(Analytics{Query: query.New(store.Engine(), testAreas(t).Index.Areas(), nil)})
	return s
}

func TestHeatmapRoute(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := newAnalyticsServer(t, cfg)
		rec := do(t, s, http.MethodGet, "/api/v1/heatmap?level=compound&window=24h&area=510116001", nil, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var h struct {
			Level  string `json:"level"`
			Window struct {
				From, To string
			} `json:"window"`
			Cells []struct {
				Code  string `json:"code"`
				Count int    `json:"count"`
			} `json:"cells"`
			Thresholds []json.RawMessage `json:"thresholds"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
			t.Fatal(err)
		}
		community := area.CommunityCode(area.StreetCode("510116", 1), 1)
		want := []struct {
			code  string
			count int
		}{{area.CompoundCode(community, 1), 2}, {area.CompoundCode(community, 2), 1}, {area.CompoundCode(community, 3), 0}}
		if len(h.Cells) != len(want) {
			t.Fatalf("cells %+v, want %v", h.Cells, want)
		}
		for i, w := range want {
			if h.Cells[i].Code != w.code || h.Cells[i].Count != w.count {
				t.Errorf("cell %d = %+v, want %v", i, h.Cells[i], w)
			}
		}
		if h.Level != "compound" || len(h.Thresholds) != len(query.Thresholds) || len(h.Window.From) != len("2006-01-02T15:04:05.000Z") {
			t.Errorf("level %q, window %+v, %d thresholds", h.Level, h.Window, len(h.Thresholds))
		}
	})
}

func TestTrendsRoute(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := newAnalyticsServer(t, cfg)
		rec := do(t, s, http.MethodGet, "/api/v1/trends?window=24h&area=510116001001&category=environment", nil, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var tr struct {
			Interval string `json:"interval"`
			Totals   struct {
				Opened      int      `json:"opened"`
				ClosureRate *float64 `json:"closure_rate"`
			} `json:"totals"`
			Series    []json.RawMessage `json:"series"`
			ByChannel []struct {
				Code   string `json:"code"`
				Name   string `json:"name"`
				Opened int    `json:"opened"`
			} `json:"by_channel"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &tr); err != nil {
			t.Fatal(err)
		}
		if tr.Interval != "hour" || len(tr.Series) != 24 || tr.Totals.Opened != 3 || tr.Totals.ClosureRate == nil || *tr.Totals.ClosureRate != 0 {
			t.Errorf("interval %s, %d buckets, totals %+v; want 24 hourly, 3 opened, none closed", tr.Interval, len(tr.Series), tr.Totals)
		}
		if len(tr.ByChannel) != 1 || tr.ByChannel[0].Code != "hotline_12345" || tr.ByChannel[0].Name == "" || tr.ByChannel[0].Opened != 3 {
			t.Errorf("by channel %+v, want the hotline's 3", tr.ByChannel)
		}
	})
}

func TestRankingsRoute(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := newAnalyticsServer(t, cfg)
		rec := do(t, s, http.MethodGet, "/api/v1/rankings?window=7d&sort=orders_per_100_households&order=asc&limit=2", nil, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var r struct {
			Total   int `json:"total"`
			Entries []struct {
				Rank   int    `json:"rank"`
				Code   string `json:"code"`
				Opened int    `json:"opened"`
			} `json:"entries"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		// testAreas' compounds have no households: no figure, ranked by code.
		community := area.CommunityCode(area.StreetCode("510116", 1), 1)
		if r.Total != 3 || len(r.Entries) != 2 || r.Entries[0].Code != area.CompoundCode(community, 1) ||
			r.Entries[0].Opened != 2 || r.Entries[1].Rank != 2 || r.Entries[1].Opened != 1 {
			t.Errorf("rankings %+v, want 2 of 3, compound 1 with 2 orders first", r)
		}
	})
}

func TestCellRoute(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := newAnalyticsServer(t, cfg)
		community := area.CommunityCode(area.StreetCode("510116", 1), 1)
		rec := do(t, s, http.MethodGet, "/api/v1/cells/"+area.CompoundCode(community, 1), nil, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var p struct {
			Level  string            `json:"level"`
			Trend  []json.RawMessage `json:"trend"`
			Totals struct {
				Opened int `json:"opened"`
			} `json:"totals"`
			Open struct {
				Open   int               `json:"open"`
				Orders []json.RawMessage `json:"orders"`
			} `json:"open_orders"`
			Patrol *json.RawMessage `json:"patrol"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if p.Level != "compound" || len(p.Trend) != query.ProfileDays || p.Totals.Opened != 2 || p.Open.Open != 2 || len(p.Open.Orders) != 2 || p.Patrol != nil {
			t.Errorf("profile %s, want compound 1's: %d days, 2 orders open", rec.Body, query.ProfileDays)
		}
		rec = do(t, s, http.MethodGet, "/api/v1/cells/510116009", nil, nil)
		if rec.Code != http.StatusNotFound || decodeError(t, rec).Code != CodeNotFound {
			t.Errorf("unknown cell: status %d %s, want 404 not_found", rec.Code, rec.Body)
		}
	})
}

func TestAnalyticsRoutesValidateEveryParameter(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := newAnalyticsServer(t, cfg)
		tests := []struct {
			target, field string
		}{
			{"/api/v1/heatmap?level=block", "level"},
			{"/api/v1/heatmap?level=street&level=community", "level"},
			{"/api/v1/heatmap?window=1y", "window"},
			{"/api/v1/heatmap?window=7d&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", "window"},
			{"/api/v1/heatmap?from=2026-01-01&to=2026-01-02T00:00:00Z", "from"},
			{"/api/v1/heatmap?from=2026-01-01T00:00:00Z", "to"},
			{"/api/v1/heatmap?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"},
			{"/api/v1/heatmap?metric=max", "metric"},
			{"/api/v1/heatmap?category=parking", "category"},
			{"/api/v1/heatmap?area=510116009", "area"},
			{"/api/v1/heatmap?area=x'%20OR%20''='", "area"},
			{"/api/v1/heatmap?limit=ten", "limit"},
			{"/api/v1/heatmap?limit=0x10", "limit"},
			{"/api/v1/heatmap?limit=50001", "limit"},
			{"/api/v1/heatmap?limit=-5", "limit"},
			{"/api/v1/heatmap?colour=red", "colour"},
			{"/api/v1/trends?interval=minute", "interval"},
			{"/api/v1/trends?interval=hour&window=365d", "interval"},
			{"/api/v1/trends?channel=telegram", "channel"},
			{"/api/v1/trends?category=", ""},
			{"/api/v1/trends?area=51011600100", "area"},
			{"/api/v1/trends?window=7d&window=30d", "window"},
			{"/api/v1/trends?limit=5", "limit"},
			{"/api/v1/rankings?of=grid", "of"},
			{"/api/v1/rankings?sort=name", "sort"},
			{"/api/v1/rankings?order=random", "order"},
			{"/api/v1/rankings?limit=201", "limit"},
			{"/api/v1/rankings?limit=1.5", "limit"},
			{"/api/v1/rankings?window=forever", "window"},
			{"/api/v1/cells/51011600100x", "code"},
			{"/api/v1/cells/5101", "code"},
			{"/api/v1/cells/510116001?window=7d", "window"},
		}
		for _, tt := range tests {
			rec := do(t, s, http.MethodGet, tt.target, nil, nil)
			if tt.field == "" { // an empty value is the default
				if rec.Code != http.StatusOK {
					t.Errorf("%s: status %d, want 200: %s", tt.target, rec.Code, rec.Body)
				}
				continue
			}
			if rec.Code != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400: %s", tt.target, rec.Code, rec.Body)
				continue
			}
			if d := decodeError(t, rec); d.Code != CodeInvalidField || d.Field != tt.field {
				t.Errorf("%s: error %+v, want invalid_field naming %s", tt.target, d, tt.field)
			}
		}
	})
}

func TestAnalyticsRoutesWaitForTheStore(t *testing.T) {
	s := newTestServer(t, true)
	rec := do(t, s, http.MethodGet, "/api/v1/heatmap", nil, nil)
	if rec.Code != http.StatusServiceUnavailable || decodeError(t, rec).Code != CodeNotReady {
		t.Errorf("status %d: %s, want 503 not_ready", rec.Code, rec.Body)
	}
}
