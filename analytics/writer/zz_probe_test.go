package writer

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
)

func TestProbeInsert(t *testing.T) {
	store := analyticstest.Open(t, analytics.Config{Dir: t.TempDir(), Database: "gridpulse", Sessions: 1})
	ctx := context.Background()
	eng := store.Engine()
	for _, v := range strings.Fields("orders_mv alarms_mv orders_hourly_mv alarms_hourly_mv") {
		eng.Exec(ctx, "DROP VIEW "+v)
	}
	for _, st := range strings.Split(os.Getenv("PROBE_SQL"), ";") {
		if strings.TrimSpace(st) != "" {
			if err := eng.Exec(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
	}
	w := New(store, DefaultConfig())
	w.write(ctx, w.events, benchEvents(1, 50000))
	t0 := time.Now()
	for i := 1; i < 7; i++ {
		if err := w.write(ctx, w.events, benchEvents(uint64(1+i*50000), 50000)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("sql %.60q: %.0f rows/s", os.Getenv("PROBE_SQL"), 300000/time.Since(t0).Seconds())
}
