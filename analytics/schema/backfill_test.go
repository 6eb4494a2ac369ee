package schema

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics/engine"
)

// A store that held orders before orders_opened existed gets them counted
// when the migration adds it, once at every grain, even when the migration
// runs again; orders written afterwards come through the view.
func TestOrdersOpenedBackfill(t *testing.T) {
	if !engine.Embedded {
		t.Skip("built with -tags nochdb")
	}
	ctx := context.Background()
	eng, err := engine.OpenEmbedded(ctx, t.TempDir(), "gridpulse", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	all, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	before := 0
	for before < len(all) && all[before].Name != "orders_opened" {
		before++
	}
	if _, err := migrate(ctx, eng, all[:before]); err != nil {
		t.Fatal(err)
	}
	insert := func(first int, states ...string) {
		t.Helper()
		at := time.Date(2025, 12, 31, 22, 0, 0, 0, time.UTC)
		for i, state := range states {
			err := eng.Exec(ctx, `INSERT INTO events (id, type, time, received, stream, seq, street, community, grid, micro_grid, compound, order_id, state, category)
				VALUES (?, 'order', ?, ?, 'events', ?, '510116001', '510116001001', '510116001001001', '510116001001001001', '5101160010010001', ?, ?, ?)`,
				fmt.Sprintf("ev-%d", first+i), at.Add(time.Duration(i)*time.Hour), at, uint64(first+i),
				fmt.Sprintf("WO-%d", first+i), state, []string{"property.fee", "environment.noise"}[i%2])
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// Three new orders across a new year, and a step that is no new order.
	insert(1, "received", "received", "received", "closed")
	if _, err := Migrate(ctx, eng); err != nil {
		t.Fatal(err)
	}
	type grainCount struct {
		Grain   string `ch:"grain"`
		Buckets uint64 `ch:"buckets"`
		Opened  uint64 `ch:"opened"`
		Fee     uint64 `ch:"fee"`
	}
	check := func(stage string, want map[string]grainCount) {
		t.Helper()
		var got []grainCount
		if err := eng.Select(ctx, &got, "SELECT toString(grain) AS grain, uniqExact(bucket) AS buckets, sum(opened) AS opened, "+
			"sum(categories['property.fee']) AS fee FROM orders_opened GROUP BY grain ORDER BY grain"); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d grains, want %d: %+v", stage, len(got), len(want), got)
		}
		for _, g := range got {
			if w := want[g.Grain]; g.Opened != w.Opened || g.Buckets != w.Buckets || g.Fee != w.Fee {
				t.Errorf("%s: grain %s has %d orders (%d property.fee) in %d buckets, want %d (%d) in %d",
					stage, g.Grain, g.Opened, g.Fee, g.Buckets, w.Opened, w.Fee, w.Buckets)
			}
		}
	}
	// 22:00 and 23:00 on 31 December, 00:00 on 1 January.
	check("backfilled", map[string]grainCount{
		"hour": {"hour", 3, 3, 2}, "month": {"month", 2, 3, 2}, "quarter": {"quarter", 2, 3, 2}, "year": {"year", 2, 3, 2},
	})

	// The migration cut short after filling the table runs again.
	m := all[before]
	for i, stmt := range m.Statements {
		if err := eng.Exec(ctx, stmt); err != nil {
			t.Fatalf("statement %d again: %v", i+1, err)
		}
	}
	check("migrated twice", map[string]grainCount{
		"hour": {"hour", 3, 3, 2}, "month": {"month", 2, 3, 2}, "quarter": {"quarter", 2, 3, 2}, "year": {"year", 2, 3, 2},
	})

	insert(5, "received")
	check("after a new order", map[string]grainCount{
		"hour": {"hour", 3, 4, 3}, "month": {"month", 2, 4, 3}, "quarter": {"quarter", 2, 4, 3}, "year": {"year", 2, 4, 3},
	})
}
