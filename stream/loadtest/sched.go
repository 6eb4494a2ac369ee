package loadtest

import (
	"math"
	"runtime/metrics"
)

// The tail of a loaded server on few cores is mostly waiting, not work: a
// goroutine made ready by a channel, a timer or the network poller waits
// in a run queue behind every other ready one. Each event crosses several
// such hand-offs between its POST and a client's read, so the run-queue
// wait of this process's goroutines, from the Go runtime's own histogram,
// tells a tail of queueing apart from a tail of slow code.
const schedLatencies = "/sched/latencies:seconds"

// schedSample is the runtime's cumulative histogram of run-queue waits.
type schedSample struct {
	counts  []uint64
	buckets []float64 // len(counts)+1 boundaries, in seconds
}

// SchedReport is how long this process's goroutines waited, ready to run,
// before they ran, over the measured window. In-process it covers the
// server and the generator; against a URL, the generator alone. The
// runtime times a sample of the waits (one in eight), so there is no
// count of them here.
type SchedReport struct {
	P50Ms  float64 `json:"p50_ms"`
	P99Ms  float64 `json:"p99_ms"`
	P999Ms float64 `json:"p999_ms"`
}

func sampleSched() schedSample {
	s := []metrics.Sample{{Name: schedLatencies}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return schedSample{}
	}
	h := s[0].Value.Float64Histogram()
	return schedSample{counts: append([]uint64(nil), h.Counts...), buckets: append([]float64(nil), h.Buckets...)}
}

// since is the window from earlier to s; zero when the runtime keeps no
// such histogram.
func (s schedSample) since(earlier schedSample) SchedReport {
	if len(s.counts) == 0 || len(earlier.counts) != len(s.counts) {
		return SchedReport{}
	}
	delta := make([]uint64, len(s.counts))
	var total uint64
	for i := range s.counts {
		delta[i] = s.counts[i] - earlier.counts[i]
		total += delta[i]
	}
	return SchedReport{
		P50Ms:  histQuantile(delta, s.buckets, total, 0.5) * 1000,
		P99Ms:  histQuantile(delta, s.buckets, total, 0.99) * 1000,
		P999Ms: histQuantile(delta, s.buckets, total, 0.999) * 1000,
	}
}

// histQuantile is the upper bound of the bucket holding quantile q (the
// lower one for the last, unbounded bucket): an estimate that never
// understates the wait.
func histQuantile(counts []uint64, buckets []float64, total uint64, q float64) float64 {
	if total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, n := range counts {
		seen += n
		if seen >= rank {
			if math.IsInf(buckets[i+1], 1) {
				return buckets[i]
			}
			return buckets[i+1]
		}
	}
	return buckets[len(buckets)-1]
}
