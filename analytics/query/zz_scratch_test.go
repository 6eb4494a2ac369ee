package query

import (
	"context"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
)

func BenchmarkScratch(b *testing.B) {
	store := analyticstest.Open(b, analytics.Config{Dir: b.TempDir(), Database: "gridpulse", Sessions: 3})
	insertBenchYear(b, store.Engine())
	type cnt struct {
		N uint64 `ch:"n"`
	}
	var c []cnt
	for _, q := range []string{"SELECT count() AS n FROM orders_hourly", "SELECT count() AS n FROM events", "SELECT count() AS n FROM system.parts WHERE active AND table = 'orders_hourly'", "SELECT uniqExact(micro_grid) AS n FROM orders_hourly"} {
		c = c[:0]
		store.Engine().Select(context.Background(), &c, q)
		b.Log(q, c)
	}
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []string{
		"SELECT 1 AS n",
		"SELECT toUInt64(count()) AS n FROM (SELECT micro_grid, sum(opened) FROM orders_opened_hourly WHERE hour >= ? GROUP BY micro_grid)",
		"SELECT sum(opened) AS n FROM orders_opened_hourly WHERE hour >= ?",
	} {
		b.Run(q[:min(len(q), 20)], func(b *testing.B) {
			args := []any{}
			if len(q) > 30 {
				args = append(args, from)
			}
			measure(b, func() {
				c = c[:0]
				if err := store.Engine().Select(context.Background(), &c, q, args...); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
	var rows []heatmapRow
	b.Run("selectrows", func(b *testing.B) {
		measure(b, func() {
			rows = rows[:0]
			if err := store.Engine().Select(context.Background(), &rows, "SELECT micro_grid AS code, sum(opened) AS count, toUInt64(0) AS previous FROM orders_opened_hourly WHERE hour >= ? GROUP BY code", from); err != nil {
				b.Fatal(err)
			}
		})
	})
}
