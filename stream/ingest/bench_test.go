package ingest

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSubmit posts batches of 100 events in the load test's mix (90
// patrol positions of 2,000 workers, 7 work orders, 3 alarms) through
// decoding, validation, locating, the live hand-over and JetStream's
// acknowledgements of what is stored; ns/event is the cost per event.
func BenchmarkSubmit(b *testing.B) {
	f := newFixture(b)
	lon, lat := f.inside[0], f.inside[1]
	var seq int
	batch := func() []byte {
		at := now.Add(-time.Minute + time.Duration(seq%60000)*time.Millisecond).Format(time.RFC3339Nano)
		items := make([]string, 0, 100)
		for i := range 100 {
			seq++
			switch {
			case i < 90:
				items = append(items, fmt.Sprintf(`{"id":"p%d","type":"patrol","time":%q,"location":[%v,%v],"patrol":{"worker_id":"GW-%d","role":"grid_worker","on_duty":true,"heading":90,"speed":1.2,"battery":80}}`,
					seq, at, lon, lat, seq%2000))
			case i < 97:
				items = append(items, fmt.Sprintf(`{"id":"o%d","type":"order","time":%q,"location":[%v,%v],"order":{"order_id":"WO-%d","state":"received","channel":"hotline_12345","category":"facility.elevator"}}`,
					seq, at, lon, lat, seq))
			default:
				items = append(items, fmt.Sprintf(`{"id":"a%d","type":"alarm","time":%q,"location":[%v,%v],"alarm":{"alarm_id":"AL-%d","device_id":"SM-1","device_type":"smoke","kind":"smoke","severity":"major","action":"raise"}}`,
					seq, at, lon, lat, seq))
			}
		}
		return []byte("[" + strings.Join(items, ",") + "]")
	}
	ctx := context.Background()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		body := batch() // fresh ids: a repeat would only be a duplicate
		b.StartTimer()
		cpu0 := cpuTime()
		resp, err := f.in.Submit(ctx, "integrator:test", body)
		cpu += cpuTime() - cpu0
		if err != nil {
			b.Fatal(err)
		}
		if resp.Rejected+resp.Failed > 0 {
			b.Fatalf("%d rejected, %d failed: %+v", resp.Rejected, resp.Failed, resp.FirstError())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/event")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*100), "cpu-ns/event")
	b.ReportMetric(0, "ns/op")
}

// cpuTime is the CPU time the process (every thread, the embedded NATS
// server's included) has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
