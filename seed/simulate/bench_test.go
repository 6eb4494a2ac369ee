package simulate

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/seed"
)

// BenchmarkShuangliuDay simulates whole days of the Shuangliu preset with
// the default config, after a week of work orders and alarms so their
// life cycles run at their steady rate, and reports the events a day by
// type, the busiest hour's rate at speed 1, and the cost of making and
// encoding an event. Rates at speed N are N times those at speed 1.
//
//	go test ./seed/simulate -run '^$' -bench ShuangliuDay -benchtime 1x
func BenchmarkShuangliuDay(b *testing.B) {
	d, err := seed.Generate(context.Background(), seed.Shuangliu(), nil)
	if err != nil {
		b.Fatal(err)
	}
	var perType [3]int
	var hourly [24]int
	events := 0
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s, err := New(Config{Start: testStart, Warmup: 7 * day}, d.Areas, d.Facilities)
		if err != nil {
			b.Fatal(err)
		}
		collect(s, testStart)
		b.StartTimer()
		perType, hourly, events = [3]int{}, [24]int{}, 0
		for to := testStart; to.Before(testStart.Add(day)); {
			to = to.Add(time.Minute)
			batch := collect(s, to)
			if _, err := json.Marshal(batch); err != nil {
				b.Fatal(err)
			}
			for _, e := range batch {
				perType[typeIndex(e.Type)]++
				hourly[hourOf(e.Time.Time)]++
			}
			events += len(batch)
		}
	}
	peak := 0
	for _, n := range hourly {
		peak = max(peak, n)
	}
	b.ReportMetric(float64(perType[typeIndex(event.TypeOrder)]), "orders/day")
	b.ReportMetric(float64(perType[typeIndex(event.TypePatrol)]), "patrols/day")
	b.ReportMetric(float64(perType[typeIndex(event.TypeAlarm)]), "alarms/day")
	b.ReportMetric(float64(events)/86400, "events/s-mean")
	b.ReportMetric(float64(peak)/3600, "events/s-peak")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(events), "ns/event")
}
