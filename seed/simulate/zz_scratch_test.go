package simulate

import (
	"testing"
	"time"
	"github.com/gridpulse/gridpulse/event"
)

func TestScratch(t *testing.T) {
	s := newTestSim(t, Config{})
	t0 := time.Now()
	evs := collect(s, testStart.Add(24*time.Hour))
	t.Log(time.Since(t0), len(evs), len(s.patrols.workers), s.alarms.perDay(), s.alarms.ordersPerDay())
	n := map[string]int{}
	ch := map[string]int{}
	for _, e := range evs {
		if err := e.Validate(e.Time.Time, event.DefaultLimits); err != nil {
			t.Fatal(err, e)
		}
		n[string(e.Type)]++
		if e.Order != nil && e.Order.State == "received" {
			ch[string(e.Order.Channel)]++
		}
	}
	t.Log(n, ch)
}
