package query

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/area"
)

// now is the fixture's present: windows end at 13:00 that day.
var now = time.Date(2026, 3, 10, 12, 30, 0, 0, time.UTC)

// fixtureAreas is a district of two streets: street 001 with communities
// 001 (2,000 households; one grid of two micro grids of 100 and 0
// households) and 002 (1,000), street 002 with community 001 (500).
func fixtureAreas() *area.Set {
	s := area.NewSet()
	add := func(l area.Layer, code, parent, name string, hh int) {
		s.Add(&area.Area{Code: code, Parent: parent, Layer: l, Name: name, Props: map[string]any{"households": float64(hh)}})
	}
	add(area.District, "510116", "", "双流区", 3500)
	add(area.Street, "510116001", "510116", "东升街道", 3000)
	add(area.Street, "510116002", "510116", "西航港街道", 500)
	add(area.Community, "510116001001", "510116001", "一社区", 2000)
	add(area.Community, "510116001002", "510116001", "二社区", 1000)
	add(area.Community, "510116002001", "510116002", "三社区", 500)
	add(area.GeneralGrid, "510116001001001", "510116001001", "一网格", 2000)
	add(area.MicroGrid, "510116001001001001", "510116001001001", "一微网格", 100)
	add(area.MicroGrid, "510116001001001002", "510116001001001", "二微网格", 0)
	return s
}

// fixtureOrder is one order event in the fixture.
type fixtureOrder struct {
	microGrid string // the cell; its street, community and grid are its prefixes
	category  string
	state     string
	ago       time.Duration // before now
}

// fixtureOrders: four new orders in community 001001 (three in micro grid
// 001, one property order in 002) and one property order in 002001 this
// week; two in 001002 the week before; one three weeks ago; steps after
// receipt that are no new orders.
var fixtureOrders = []fixtureOrder{
	{"510116001001001001", "environment.parking", "received", time.Hour},
	{"510116001001001001", "environment.parking", "received", 2 * time.Hour},
	{"510116001001001001", "environment.noise", "received", 3 * 24 * time.Hour},
	{"510116001001001001", "environment.noise", "closed", time.Hour},
	{"510116001001001002", "property.fee", "received", 6 * 24 * time.Hour},
	{"510116001002001001", "facility.elevator", "received", 8 * 24 * time.Hour},
	{"510116001002001001", "facility.elevator", "received", 10 * 24 * time.Hour},
	{"510116001002001001", "facility.elevator", "dispatched", 2 * time.Hour},
	{"510116002001001001", "property.fee", "received", 30 * time.Minute},
	{"510116002001001001", "property.fee", "received", 21 * 24 * time.Hour},
}

// insertOrders writes order events straight into the events table, whose
// views fill the rollups as the writer's inserts do.
func insertOrders(t testing.TB, eng engine.Engine, orders []fixtureOrder) {
	t.Helper()
	for i, o := range orders {
		err := eng.Exec(context.Background(), `INSERT INTO events
			(id, type, time, received, stream, seq, street, community, grid, micro_grid, order_id, state, channel, category)
			VALUES (?, 'order', ?, ?, 'orders', ?, ?, ?, ?, ?, ?, ?, 'hotline_12345', ?)`,
			fmt.Sprintf("ev-%d", i), now.Add(-o.ago), now.Add(-o.ago), uint64(i+1),
			o.microGrid[:9], o.microGrid[:12], o.microGrid[:15], o.microGrid, fmt.Sprintf("WO-%d", i), o.state, o.category)
		if err != nil {
			t.Fatal(err)
		}
	}
}
