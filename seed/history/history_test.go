package history

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/seed"
	"github.com/gridpulse/gridpulse/seed/simulate"
)

// A week of the tiny district ending on a Saturday midnight in Beijing.
var (
	weekEnd   = time.Date(2026, 11, 21, 16, 0, 0, 0, time.UTC)
	weekStart = weekEnd.Add(-7 * 24 * time.Hour)
)

// writtenWeek is a week of history of the tiny district in a fresh
// embedded store, and the summary Write returned.
func writtenWeek(t *testing.T) (*analytics.Store, *seed.District, Summary) {
	t.Helper()
	if !engine.Embedded {
		t.Skip("built with -tags nochdb: needs the embedded engine")
	}
	ctx := context.Background()
	d, err := seed.Generate(ctx, seed.Tiny(), nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := analytics.Open(ctx, analytics.Config{Dir: t.TempDir(), Sessions: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	progress := 0
	sum, err := Write(ctx, store, d.Areas, d.Facilities, Config{From: weekStart, To: weekEnd, Batch: 20_000, Shards: 3,
		Progress: func(Summary) { progress++ }})
	if err != nil {
		t.Fatal(err)
	}
	if progress != 7*24 {
		t.Errorf("progress reported %d times, want once a simulated hour, 168", progress)
	}
	return store, d, sum
}

type count struct {
	N uint64 `ch:"n"`
}

func selectCount(t *testing.T, eng engine.Engine, q string, args ...any) uint64 {
	t.Helper()
	var rows []count
	if err := eng.Select(context.Background(), &rows, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rows[0].N
}

func TestWriteWeek(t *testing.T) {
	store, _, sum := writtenWeek(t)
	eng := store.Engine()

	t.Run("summary matches the tables", func(t *testing.T) {
		checks := []struct {
			what string
			got  uint64
			want int64
		}{
			{"orders", selectCount(t, eng, "SELECT count() AS n FROM events FINAL WHERE type = 'order' AND state = 'received'"), sum.Orders},
			{"order events", selectCount(t, eng, "SELECT count() AS n FROM events FINAL WHERE type = 'order'"), sum.OrderEvents},
			{"alarms", selectCount(t, eng, "SELECT count() AS n FROM events FINAL WHERE type = 'alarm' AND action = 'raise'"), sum.Alarms},
			{"alarm events", selectCount(t, eng, "SELECT count() AS n FROM events FINAL WHERE type = 'alarm'"), sum.AlarmEvents},
			{"patrol samples", selectCount(t, eng, "SELECT count() AS n FROM patrol_samples FINAL"), sum.PatrolSamples},
			{"rows written", uint64(sum.Written), sum.Rows()},
		}
		for _, c := range checks {
			if c.got != uint64(c.want) || c.want == 0 {
				t.Errorf("%s: the table holds %d, the summary says %d (want equal, above 0)", c.what, c.got, c.want)
			}
		}
		if sum.Outside != 0 {
			t.Errorf("%d events outside the district", sum.Outside)
		}
	})

	t.Run("rows are history, inside the range", func(t *testing.T) {
		if n := selectCount(t, eng, "SELECT count() AS n FROM events WHERE stream != ? OR sender != ? OR seq = 0 OR time < ? OR time >= ? OR received != time OR street = ''",
			Stream, Sender, weekStart, weekEnd); n != 0 {
			t.Errorf("%d events not marked as history in range", n)
		}
		if n := selectCount(t, eng, "SELECT count() AS n FROM patrol_samples WHERE seq != 0 OR time < ? OR time >= ? OR micro_grid = ''", weekStart, weekEnd); n != 0 {
			t.Errorf("%d patrol samples with a bus sequence or out of range", n)
		}
		if n := selectCount(t, eng, "SELECT toUInt64(count() - uniqExact(seq)) AS n FROM events"); n != 0 {
			t.Errorf("%d events share a sequence", n)
		}
	})

	t.Run("order rate", func(t *testing.T) {
		// The simulator's default rate for one district, over seven days.
		want := simulate.DefaultAppealsPerDay * 7
		if got := float64(sum.Orders); got < 0.9*want || got > 1.1*want {
			t.Errorf("%.0f orders in a week, want %.0f ± 10%%", got, want)
		}
	})

	t.Run("closure rate", func(t *testing.T) {
		// Orders of the first two days have had five days or more to close.
		var rows []struct {
			Opened uint64 `ch:"opened"`
			Closed uint64 `ch:"closed"`
		}
		if err := eng.Select(context.Background(), &rows, `
			SELECT count() AS opened, countIf(closed_at IS NOT NULL) AS closed FROM (
				SELECT order_id, min(opened_at) AS opened_at, max(closed_at) AS closed_at FROM orders GROUP BY order_id)
			WHERE opened_at < ?`, weekStart.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		rate := float64(rows[0].Closed) / float64(rows[0].Opened)
		if rows[0].Opened < 500 || rate < 0.90 || rate > 0.985 {
			t.Errorf("%d of %d orders of the first two days closed (%.1f%%), want 90–98.5%%", rows[0].Closed, rows[0].Opened, 100*rate)
		}
	})

	t.Run("life cycles in legal order", func(t *testing.T) {
		var rows []struct {
			ID     string   `ch:"order_id"`
			States []string `ch:"states"`
		}
		if err := eng.Select(context.Background(), &rows,
			"SELECT order_id, arrayMap(x -> x.3, arraySort(groupArray((time, seq, state)))) AS states FROM events FINAL WHERE type = 'order' GROUP BY order_id"); err != nil {
			t.Fatal(err)
		}
		if len(rows) != int(sum.Orders) {
			t.Fatalf("%d orders with events, %d received", len(rows), sum.Orders)
		}
		for _, r := range rows {
			if err := legalLifeCycle(r.States); err != nil {
				t.Fatalf("order %s %v: %v", r.ID, r.States, err)
			}
		}
	})

	t.Run("rollups equal raw counts", func(t *testing.T) {
		pairs := []struct{ what, rollup, raw string }{
			{"opened", "SELECT sum(opened) AS n FROM orders_hourly", "SELECT count() AS n FROM events FINAL WHERE type = 'order' AND state = 'received'"},
			{"opened (weather map)", "SELECT sum(opened) AS n FROM orders_opened WHERE grain = 'year'", "SELECT count() AS n FROM events FINAL WHERE type = 'order' AND state = 'received'"},
			{"closed", "SELECT sum(closed) AS n FROM orders_hourly", "SELECT count() AS n FROM events FINAL WHERE type = 'order' AND state = 'closed'"},
			{"escalated", "SELECT sum(escalated) AS n FROM orders_hourly", "SELECT count() AS n FROM events FINAL WHERE type = 'order' AND state = 'escalated'"},
			{"steps", "SELECT sum(steps) AS n FROM orders_hourly", "SELECT count() AS n FROM events FINAL WHERE type = 'order'"},
			{"rated", "SELECT sum(rated) AS n FROM orders_hourly", "SELECT count() AS n FROM events FINAL WHERE state = 'closed' AND satisfaction > 0"},
			{"raised", "SELECT sum(raised) AS n FROM alarms_hourly", "SELECT count() AS n FROM events FINAL WHERE type = 'alarm' AND action = 'raise'"},
			{"cleared", "SELECT sum(cleared) AS n FROM alarms_hourly", "SELECT count() AS n FROM events FINAL WHERE type = 'alarm' AND action = 'clear'"},
			{"patrol minutes", "SELECT sum(minutes) AS n FROM patrol_hourly", "SELECT count() AS n FROM patrol_samples FINAL"},
			{"orders folded", "SELECT uniqExact(order_id) AS n FROM orders", "SELECT uniqExact(order_id) AS n FROM events WHERE type = 'order'"},
			{"alarms folded", "SELECT uniqExact(alarm_id) AS n FROM alarms", "SELECT uniqExact(alarm_id) AS n FROM events WHERE type = 'alarm'"},
		}
		for _, p := range pairs {
			rollup, raw := selectCount(t, eng, p.rollup), selectCount(t, eng, p.raw)
			if rollup != raw || raw == 0 {
				t.Errorf("%s: rollup %d, raw %d (want equal, above 0)", p.what, rollup, raw)
			}
		}
	})

	t.Run("a second run writes nothing", func(t *testing.T) {
		before := selectCount(t, eng, "SELECT count() AS n FROM events") + selectCount(t, eng, "SELECT count() AS n FROM patrol_samples")
		d, err := seed.Generate(context.Background(), seed.Tiny(), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Write(context.Background(), store, d.Areas, d.Facilities, Config{From: weekStart.Add(time.Hour), To: weekEnd.Add(time.Hour)})
		if !errors.Is(err, ErrExists) {
			t.Errorf("second run: %v, want ErrExists", err)
		}
		after := selectCount(t, eng, "SELECT count() AS n FROM events") + selectCount(t, eng, "SELECT count() AS n FROM patrol_samples")
		if after != before {
			t.Errorf("second run changed the rows from %d to %d", before, after)
		}
	})
}

// legalLifeCycle checks an order's states in time order: received first;
// filed, dispatched, in progress, reported done, verified and closed in
// that order where present; nothing after closed; returns, extensions and
// escalations only between received and closed.
func legalLifeCycle(states []string) error {
	main := map[string]int{
		string(event.Received): 0, string(event.Filed): 1, string(event.Dispatched): 2, string(event.InProgress): 3,
		string(event.ReportedDone): 4, string(event.Verified): 5, string(event.Closed): 6,
	}
	if len(states) == 0 || states[0] != string(event.Received) {
		return errors.New("does not start with received")
	}
	reached := 0
	for i, s := range states[1:] {
		rank, isMain := main[s]
		switch {
		case reached == main[string(event.Closed)]:
			return errors.New("an event after closed")
		case s == string(event.Received):
			return errors.New("received twice")
		case isMain && rank < reached && !(s == string(event.Dispatched) && states[i] == string(event.Returned)) &&
			!(s == string(event.InProgress) && states[i] == string(event.Returned)) &&
			!(s == string(event.ReportedDone) && reached == main[string(event.ReportedDone)]):
			return errors.New(s + " after " + states[i])
		case isMain && rank > reached+1 && s != string(event.Closed):
			return errors.New(s + " skips a step")
		case isMain:
			reached = max(reached, rank)
		case s != string(event.Returned) && s != string(event.Extended) && s != string(event.Escalated):
			return errors.New("unknown state " + s)
		}
	}
	return nil
}

func TestLegalLifeCycle(t *testing.T) {
	tests := []struct {
		states []string
		ok     bool
	}{
		{[]string{"received", "filed", "dispatched", "in_progress", "reported_done", "verified", "closed"}, true},
		{[]string{"received", "filed", "dispatched", "returned", "dispatched", "in_progress", "escalated", "reported_done",
			"returned", "in_progress", "reported_done", "verified", "closed"}, true},
		{[]string{"received", "filed", "dispatched", "in_progress", "extended", "escalated", "escalated"}, true},
		{[]string{"filed", "received"}, false},
		{[]string{"received", "dispatched"}, false},
		{[]string{"received", "filed", "dispatched", "in_progress", "filed"}, false},
		{[]string{"received", "filed", "dispatched", "in_progress", "reported_done", "verified", "closed", "escalated"}, false},
		{[]string{"received", "received"}, false},
		{[]string{"received", "lost"}, false},
	}
	for _, tt := range tests {
		if err := legalLifeCycle(tt.states); (err == nil) != tt.ok {
			t.Errorf("%v: got %v, want ok=%v", tt.states, err, tt.ok)
		}
	}
}
