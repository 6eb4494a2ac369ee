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
	"github.com/gridpulse/gridpulse/area"
)

// rankingAreas are fixtureAreas with three compounds: C1 (200 households)
// and C2 (100) of company P1 in community 001001, C3 (50) of P2 in 001002.
func rankingAreas() *area.Set {
	s := fixtureAreas()
	for _, c := range []struct {
		code, company string
		hh            int
	}{{"5101160010010001", "P1", 200}, {"5101160010010002", "P1", 100}, {"5101160010020001", "P2", 50}} {
		s.Add(&area.Area{Code: c.code, Parent: c.code[:12], Layer: area.Compound, Name: "小区" + c.code[12:],
			Props: map[string]any{"households": float64(c.hh), "property_company": c.company, "property_company_name": "物业" + c.company}})
	}
	return s
}

// rankingSteps, in a 30-day window:
//
//	C1 parking 40, 20 and 5 days ago (the last two repeats, the last closed
//	   4 days ago rated 2), noise 2 days ago: 3 opened, 1 closed, 2 repeats
//	C2 fee 10 days ago (closed 9 days ago rated 5) and twice in one hour 3
//	   days ago: 3 opened, 1 closed, 2 repeats
//	C3 noise 50 days ago: nothing in the window
var rankingSteps = []struct {
	compound, category, state, order string
	days                             float64
	satisfaction                     uint8
}{
	{"5101160010010001", "environment.parking", "received", "a", 40, 0},
	{"5101160010010001", "environment.parking", "received", "b", 20, 0},
	{"5101160010010001", "environment.parking", "received", "c", 5, 0},
	{"5101160010010001", "environment.parking", "closed", "c", 4, 2},
	{"5101160010010001", "environment.noise", "received", "d", 2, 0},
	{"5101160010010002", "property.fee", "received", "e", 10, 0},
	{"5101160010010002", "property.fee", "closed", "e", 9, 5},
	{"5101160010010002", "property.fee", "received", "f", 3, 0},
	{"5101160010010002", "property.fee", "received", "g", 3, 0},
	{"5101160010020001", "environment.noise", "received", "h", 50, 0},
}

func rankingService(t *testing.T, cfg analytics.Config) *Service {
	store := analyticstest.Open(t, cfg)
	for i, st := range rankingSteps {
		at := now.Add(-time.Duration(st.days * float64(24*time.Hour)))
		err := store.Engine().Exec(context.Background(), `INSERT INTO events
			(id, type, time, received, stream, seq, street, community, compound, order_id, state, channel, category, satisfaction)
			VALUES (?, 'order', ?, ?, 'orders', ?, ?, ?, ?, ?, ?, 'hotline_12345', ?, ?)`,
			fmt.Sprintf("rk-%d", i), at, at, uint64(i+1), st.compound[:9], st.compound[:12], st.compound,
			st.order, st.state, st.category, st.satisfaction)
		if err != nil {
			t.Fatal(err)
		}
	}
	s := New(store.Engine(), rankingAreas(), nil)
	s.now = func() time.Time { return now }
	return s
}

func TestRankings(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		s := rankingService(t, cfg)
		type want struct {
			code                   string
			opened, closed, repeat uint64
			per100, closure, satis float64 // NaN: null
		}
		nan := math.NaN()
		c1 := want{"5101160010010001", 3, 1, 2, 1.5, 1.0 / 3, 2}
		c2 := want{"5101160010010002", 3, 1, 2, 3, 1.0 / 3, 5}
		c3 := want{"5101160010020001", 0, 0, 0, 0, nan, nan}
		tests := []struct {
			name  string
			req   RankingsRequest
			total int
			want  []want
		}{
			{"most orders per household first", RankingsRequest{}, 3, []want{c2, c1, c3}},
			{"closure rate, ties by code", RankingsRequest{Sort: SortClosureRate}, 3, []want{c1, c2, c3}},
			{"least satisfied first", RankingsRequest{Sort: SortSatisfaction, Order: "asc"}, 3, []want{c1, c2, c3}},
			{"repeats", RankingsRequest{Sort: SortRepeats}, 3, []want{c1, c2, c3}},
			{"one community", RankingsRequest{Area: "510116001002"}, 1, []want{c3}},
			{"limit", RankingsRequest{Limit: 1}, 3, []want{c2}},
			{"companies", RankingsRequest{Of: RankPropertyCompanies}, 2, []want{
				{"P1", 6, 2, 4, 2, 1.0 / 3, 3.5}, {"P2", 0, 0, 0, 0, nan, nan}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := s.Rankings(context.Background(), tt.req)
				if err != nil {
					t.Fatal(err)
				}
				if r.Total != tt.total || len(r.Entries) != len(tt.want) {
					t.Fatalf("%d entries of %d: %+v; want %d of %d", len(r.Entries), r.Total, r.Entries, len(tt.want), tt.total)
				}
				for i, w := range tt.want {
					e := r.Entries[i]
					if e.Rank != i+1 || e.Code != w.code || e.Name == "" || e.Opened != w.opened || e.Closed != w.closed || e.RepeatComplaints != w.repeat {
						t.Errorf("entry %d = %+v, want %+v", i, e, w)
					}
					for _, f := range []struct {
						name string
						got  *float64
						want float64
					}{{"per 100", e.OrdersPer100, w.per100}, {"closure", e.ClosureRate, w.closure}, {"satisfaction", e.Satisfaction, w.satis}} {
						if math.IsNaN(f.want) != (f.got == nil) || (f.got != nil && math.Abs(*f.got-f.want) > 1e-9) {
							t.Errorf("%s %s = %v, want %v", e.Code, f.name, f.got, f.want)
						}
					}
				}
			})
		}
	})
}

func TestRankingsRejects(t *testing.T) {
	s := New(nil, rankingAreas(), nil)
	s.now = func() time.Time { return now }
	tests := []struct {
		req   RankingsRequest
		field string
	}{
		{RankingsRequest{Of: "street"}, "of"},
		{RankingsRequest{Sort: "opened"}, "sort"},
		{RankingsRequest{Order: "up"}, "order"},
		{RankingsRequest{Limit: 201}, "limit"},
		{RankingsRequest{Area: "9"}, "area"},
		{RankingsRequest{WindowSpec: WindowSpec{Window: "5d"}}, "window"},
	}
	for _, tt := range tests {
		_, err := s.Rankings(context.Background(), tt.req)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%+v: error %v, want one naming %s", tt.req, err, tt.field)
		}
	}
}
