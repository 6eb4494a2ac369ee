package query

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/engine"
)

// step is one event of an order in the trends fixture.
type step struct {
	order, state, channel, category string
	at                              time.Duration // before now
	deadline                        time.Duration // before now; 0 is none
	satisfaction                    uint8
}

// trendSteps are four orders in community 510116001001:
//
//	A hotline, received 10 h ago, dispatched 9 h, closed 6 h (rated 5)
//	B hotline, received 8 h ago, dispatched 5 h, escalated 4 h, deadline 1 h ago: open, overdue
//	C hotline, received 30 h ago (before a 24 h window), closed 2 h ago
//	D door-knocking, property.fee, received 3 h ago, dispatched 2 h, closed 1 h (rated 3) after its deadline 90 min ago
var trendSteps = []step{
	{"A", "received", "hotline_12345", "environment.parking", 10 * time.Hour, 0, 0},
	{"A", "dispatched", "hotline_12345", "environment.parking", 9 * time.Hour, 0, 0},
	{"A", "closed", "hotline_12345", "environment.parking", 6 * time.Hour, 0, 5},
	{"B", "received", "hotline_12345", "environment.noise", 8 * time.Hour, time.Hour, 0},
	{"B", "dispatched", "hotline_12345", "environment.noise", 5 * time.Hour, time.Hour, 0},
	{"B", "escalated", "hotline_12345", "environment.noise", 4 * time.Hour, time.Hour, 0},
	{"C", "received", "hotline_12345", "environment.noise", 30 * time.Hour, 0, 0},
	{"C", "closed", "hotline_12345", "environment.noise", 2 * time.Hour, 0, 4},
	{"D", "received", "door_knocking", "property.fee", 3 * time.Hour, 90 * time.Minute, 0},
	{"D", "dispatched", "door_knocking", "property.fee", 2 * time.Hour, 90 * time.Minute, 0},
	{"D", "closed", "door_knocking", "property.fee", time.Hour, 90 * time.Minute, 3},
}

func insertSteps(t testing.TB, eng engine.Engine, steps []step) {
	t.Helper()
	const micro = "510116001001001001"
	for i, s := range steps {
		err := eng.Exec(context.Background(), `INSERT INTO events
			(id, type, time, received, stream, seq, street, community, grid, micro_grid, compound, order_id, state, channel, category, deadline, satisfaction)
			VALUES (?, 'order', ?, ?, 'orders', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, if(?, toNullable(?), NULL), ?)`,
			fmt.Sprintf("st-%d", i), now.Add(-s.at), now.Add(-s.at), uint64(i+1),
			micro[:9], micro[:12], micro[:15], micro, micro[:12]+"0001", s.order, s.state, s.channel, s.category,
			s.deadline != 0, now.Add(-s.deadline), s.satisfaction)
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestTrends(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		store := analyticstest.Open(t, cfg)
		insertSteps(t, store.Engine(), trendSteps)
		s := New(store.Engine(), fixtureAreas(), nil)
		s.now = func() time.Time { return now }

		type want struct {
			opened, closed, late, escalated, rated uint64
			closure, satisfaction                  float64 // NaN: null
			responseMedian, responseP90            float64
			closingMedian, closingP90              float64
			open, overdue                          uint64
		}
		nan := math.NaN()
		tests := []struct {
			name string
			req  TrendsRequest
			want want
		}{
			// Response times A 1 h, B 3 h, D 1 h: median 1, p90 1+0.8×2;
			// closing times A 4 h, D 2 h: median 3, p90 2+0.9×2.
			{"the district today", TrendsRequest{WindowSpec: WindowSpec{Window: "24h"}},
				want{3, 3, 1, 1, 3, 1, 4, 1, 2.6, 3, 3.8, 1, 1}}, // ratings 5, 4, 3
			{"property orders", TrendsRequest{WindowSpec: WindowSpec{Window: "24h"}, Category: "property"},
				want{1, 1, 1, 0, 1, 1, 3, 1, 1, 2, 2, 0, 0}},
			{"door-knocking", TrendsRequest{WindowSpec: WindowSpec{Window: "24h"}, Channel: "door_knocking"},
				want{1, 1, 1, 0, 1, 1, 3, 1, 1, 2, 2, 0, 0}},
			{"another street", TrendsRequest{Area: "510116002"},
				want{0, 0, 0, 0, 0, nan, nan, nan, nan, nan, nan, 0, 0}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tr, err := s.Trends(context.Background(), tt.req)
				if err != nil {
					t.Fatal(err)
				}
				w, c := tt.want, tr.Totals
				if c.Opened != w.opened || c.Closed != w.closed || c.ClosedLate != w.late || c.Escalated != w.escalated || c.Rated != w.rated {
					t.Errorf("totals %+v, want %+v", c, w)
				}
				for _, f := range []struct {
					name string
					got  *float64
					want float64
				}{
					{"closure rate", c.ClosureRate, w.closure}, {"satisfaction", c.Satisfaction, w.satisfaction},
					{"response median", tr.ResponseHours.Median, w.responseMedian}, {"response p90", tr.ResponseHours.P90, w.responseP90},
					{"closing median", tr.ClosingHours.Median, w.closingMedian}, {"closing p90", tr.ClosingHours.P90, w.closingP90},
				} {
					switch {
					case math.IsNaN(f.want) && f.got != nil:
						t.Errorf("%s = %v, want null", f.name, *f.got)
					case !math.IsNaN(f.want) && (f.got == nil || math.Abs(*f.got-f.want) > 1e-9):
						t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
					}
				}
				if tr.Open != w.open || tr.Overdue != w.overdue {
					t.Errorf("open %d overdue %d, want %d %d", tr.Open, tr.Overdue, w.open, w.overdue)
				}
				var opened, byCat, byChan uint64
				for _, b := range tr.Series {
					opened += b.Opened
				}
				for _, b := range tr.ByCategory {
					byCat += b.Opened
				}
				for _, b := range tr.ByChannel {
					byChan += b.Opened
				}
				if opened != w.opened || byCat != w.opened || byChan != w.opened {
					t.Errorf("opened: series %d, by category %d, by channel %d; want %d", opened, byCat, byChan, w.opened)
				}
			})
		}
	})
}

func TestTrendsSeries(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		store := analyticstest.Open(t, cfg)
		insertSteps(t, store.Engine(), trendSteps)
		s := New(store.Engine(), fixtureAreas(), nil)
		s.now = func() time.Time { return now }
		hourly, err := s.Trends(context.Background(), TrendsRequest{WindowSpec: WindowSpec{Window: "24h"}})
		if err != nil {
			t.Fatal(err)
		}
		if hourly.Interval != IntervalHour || len(hourly.Series) != 24 {
			t.Fatalf("%s series of %d buckets, want 24 hourly", hourly.Interval, len(hourly.Series))
		}
		// now is 12:30, the window 13:00 yesterday to 13:00; A was received
		// at 02:30, in the bucket of 02:00, the 14th.
		if b := hourly.Series[13]; !b.T.Equal(time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)) || b.Opened != 1 {
			t.Errorf("bucket 13 = %+v, want A's receipt at 02:00", b)
		}
		daily, err := s.Trends(context.Background(), TrendsRequest{WindowSpec: WindowSpec{Window: "7d"}})
		if err != nil {
			t.Fatal(err)
		}
		// Seven days from 13:00 UTC (21:00 in the district) span eight
		// district days, the first starting at 16:00 UTC.
		if daily.Interval != IntervalDay || len(daily.Series) != 8 || daily.Series[0].T.Hour() != 16 {
			t.Fatalf("%s series %+v, want 8 daily buckets from 16:00 UTC", daily.Interval, daily.Series)
		}
		// C at 06:30 UTC on the 9th is 14:30 on the 9th in the district,
		// the others on the 10th.
		last := daily.Series[len(daily.Series)-1]
		prev := daily.Series[len(daily.Series)-2]
		if prev.Opened != 1 || last.Opened != 3 {
			t.Errorf("last two days opened %d and %d, want 1 and 3", prev.Opened, last.Opened)
		}
	})
}

func TestTrendsRejects(t *testing.T) {
	s := New(nil, fixtureAreas(), nil)
	s.now = func() time.Time { return now }
	tests := []struct {
		req   TrendsRequest
		field string
	}{
		{TrendsRequest{Interval: "week"}, "interval"},
		{TrendsRequest{Interval: "hour", WindowSpec: WindowSpec{Window: "90d"}}, "interval"},
		{TrendsRequest{Channel: "fax"}, "channel"},
		{TrendsRequest{Category: "property.nothing"}, "category"},
		{TrendsRequest{Area: "5101160010"}, "area"},
		{TrendsRequest{WindowSpec: WindowSpec{Window: "1h"}}, "window"},
	}
	for _, tt := range tests {
		_, err := s.Trends(context.Background(), tt.req)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%+v: error %v, want one naming %s", tt.req, err, tt.field)
		}
	}
}
