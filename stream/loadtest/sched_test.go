package loadtest

import (
	"math"
	"testing"
)

func TestHistQuantile(t *testing.T) {
	buckets := []float64{math.Inf(-1), 0.001, 0.002, 0.004, math.Inf(1)}
	tests := []struct {
		name   string
		counts []uint64
		q      float64
		want   float64
	}{
		{"empty", []uint64{0, 0, 0, 0}, 0.99, 0},
		{"median in the first bounded bucket", []uint64{0, 10, 0, 0}, 0.5, 0.002},
		{"p99 in the tail bucket", []uint64{0, 98, 1, 1}, 0.99, 0.004},
		{"rank on a bucket's edge", []uint64{0, 50, 50, 0}, 0.5, 0.002},
		{"just past the edge", []uint64{0, 50, 50, 0}, 0.51, 0.004},
		{"unbounded last bucket gives its lower bound", []uint64{0, 0, 0, 5}, 0.5, 0.004},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var total uint64
			for _, n := range tt.counts {
				total += n
			}
			if got := histQuantile(tt.counts, buckets, total, tt.q); got != tt.want {
				t.Errorf("quantile %v = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

// The window counts only the waits between its two samples.
func TestSchedSince(t *testing.T) {
	buckets := []float64{0, 0.001, 0.01, 0.1}
	before := schedSample{counts: []uint64{100, 5, 0}, buckets: buckets}
	after := schedSample{counts: []uint64{190, 15, 0}, buckets: buckets}
	got := after.since(before)
	want := SchedReport{P50Ms: 1, P99Ms: 10, P999Ms: 10}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := after.since(schedSample{}); got != (SchedReport{}) {
		t.Errorf("against a missing sample: %+v, want zero", got)
	}
}

// The runtime keeps the histogram, and goroutines handing work to each
// other add to it.
func TestSampleSchedCountsWakeups(t *testing.T) {
	before := sampleSched()
	if len(before.counts) == 0 || len(before.buckets) != len(before.counts)+1 {
		t.Fatalf("no run-queue histogram from the runtime: %d counts, %d buckets", len(before.counts), len(before.buckets))
	}
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	for i := range 1000 {
		ping <- i
		<-pong
	}
	close(ping)
	<-pong
	after := sampleSched()
	var added uint64
	for i := range after.counts {
		added += after.counts[i] - before.counts[i]
	}
	if added == 0 {
		t.Error("2,000 hand-offs between goroutines added no run-queue wait to the histogram")
	}
}
