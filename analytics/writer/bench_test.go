package writer

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// benchEvents is batch events as the bus would deliver them from seq
// first on: work-order steps (nine in ten) and alarms spread over a
// district's 118 communities, 10,000 micro grids and a month.
func benchEvents(first uint64, batch int) []bus.Message {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	states := []event.State{event.Received, event.Filed, event.Dispatched, event.InProgress, event.ReportedDone, event.Verified, event.Closed}
	msgs := make([]bus.Message, batch)
	for i := range msgs {
		seq := first + uint64(i)
		n := int(seq)
		community := fmt.Sprintf("510116%03d%03d", 1+n%9, 1+n%13)
		area := &event.Chain{Street: community[:9], Community: community, Compound: community + fmt.Sprintf("%04d", n%10),
			GeneralGrid: community + fmt.Sprintf("%03d", n%6), MicroGrid: community + fmt.Sprintf("%06d", n%85)}
		e := &event.Event{ID: fmt.Sprintf("ev-%d", seq), Time: event.Time{Time: start.Add(time.Duration(n*97%2_592_000) * time.Second)},
			Location: event.Position{103.9 + float64(n%1000)*1e-4, 30.5 + float64(n%997)*1e-4}, Area: area}
		e.Received = e.Time
		if n%10 == 9 {
			e.Type = event.TypeAlarm
			e.Alarm = &event.Alarm{AlarmID: fmt.Sprintf("AL%d", n/3), DeviceID: fmt.Sprintf("dev-%d", n%1158), DeviceType: "elevator",
				Kind: "elevator_fault", Severity: "major", Action: event.Raise, Message: "电梯故障，请尽快处理"}
		} else {
			deadline := event.Time{Time: e.Time.Add(72 * time.Hour)}
			e.Type = event.TypeOrder
			e.Order = &event.Order{OrderID: fmt.Sprintf("WO%d", n/7), State: states[n%7], Channel: "hotline_12345",
				Category: event.Categories[n%len(event.Categories)].Code, Priority: "normal", Deadline: &deadline,
				Title: "小区停车位被占用，请协调处理", Actor: "dispatcher-3", Assignee: fmt.Sprintf("GW-%d", n%736), Satisfaction: n % 6}
		}
		msgs[i] = bus.Message{Stream: bus.EventsStream, Seq: seq, Stored: e.Time.Time, Event: e}
	}
	return msgs
}

// processCPU is the CPU time this process has used, all threads.
func processCPU(b testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPatrols is batch patrol reports from seq first on, each a new
// minute of one of 3,000 workers, so the downsampler keeps every one and
// each report is a row.
func benchPatrols(first uint64, batch int) []bus.Message {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	msgs := make([]bus.Message, batch)
	for i := range msgs {
		seq := first + uint64(i)
		n := int(seq)
		community := fmt.Sprintf("510116%03d%03d", 1+n%9, 1+n%13)
		e := &event.Event{ID: fmt.Sprintf("pt-%d", seq), Type: event.TypePatrol,
			Time:     event.Time{Time: start.Add(time.Duration(n/3000) * time.Minute)},
			Location: event.Position{103.9 + float64(n%1000)*1e-4, 30.5 + float64(n%997)*1e-4},
			Area:     &event.Chain{Street: community[:9], Community: community, GeneralGrid: community + "001", MicroGrid: community + fmt.Sprintf("%06d", n%85)},
			Patrol:   &event.Patrol{WorkerID: fmt.Sprintf("GW-%d", n%3000), Role: "grid_worker", OnDuty: true, Heading: 90, Speed: 1.3, Battery: 77, Grid: community + "001"}}
		msgs[i] = bus.Message{Stream: bus.PatrolStream, Seq: seq, Stored: e.Time.Time, Event: e}
	}
	return msgs
}

// BenchmarkInsert measures the writer's sustained insert rate on the
// embedded engine, background merges included: each op is one batch of
// 5,000 new events from the stream, built into columns and inserted, with
// the materialized views feeding the states and rollups. events are work
// orders and alarms (four views); patrol_samples are kept patrol reports
// (one view). Run with a fixed -benchtime Nx: every op adds rows.
func BenchmarkInsert(b *testing.B) {
	for _, batch := range []int{5000, 50000} {
		benchmarkInsert(b, batch)
	}
}

func benchmarkInsert(b *testing.B, batch int) {
	for _, tc := range []struct {
		table string
		msgs  func(first uint64, n int) []bus.Message
		sink  func(w *Writer) *sink
	}{
		{"events", benchEvents, func(w *Writer) *sink { return w.events }},
		{"patrol_samples", benchPatrols, func(w *Writer) *sink { return w.patrols }},
	} {
		b.Run(fmt.Sprintf("embedded/%s/batch=%d", tc.table, batch), func(b *testing.B) {
			if !engine.Embedded {
				b.Skip("built with -tags nochdb")
			}
			store := analyticstest.Open(b, analytics.Config{Dir: b.TempDir(), Database: "gridpulse", Sessions: 2})
			w := New(store, DefaultConfig())
			s := tc.sink(w)
			ctx := context.Background()
			// The first batch also reads the watermark.
			if err := w.write(ctx, s, tc.msgs(1, batch)); err != nil {
				b.Fatal(err)
			}
			seq := uint64(batch + 1)
			cpu0 := processCPU(b)
			for b.Loop() {
				b.StopTimer()
				msgs := tc.msgs(seq, batch)
				seq += uint64(batch)
				b.StartTimer()
				if err := w.write(ctx, s, msgs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
			// On a shared machine the wall-clock rate follows the load;
			// rows per CPU-second of the whole process (the engine's
			// insert and merge threads included, building the next batch
			// too) does not.
			b.ReportMetric(float64(b.N*batch)/(processCPU(b)-cpu0).Seconds(), "rows/cpu-s")
		})
	}
}
