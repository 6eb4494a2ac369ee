package loadtest

import (
	"sync"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// series names one measured latency.
type series int

const (
	// seriesOrder and seriesAlarm: from posting an order or alarm event
	// to a client reading its delta. Never coalesced; the goal is on
	// these.
	seriesOrder series = iota
	seriesAlarm
	// seriesPatrol: from posting a position to a client reading it in a
	// patrol batch; it includes the wait for the next flush tick.
	seriesPatrol
	// seriesTick: from the flush tick (the first batch of that tick any
	// client saw) to a client reading its batch: patrol latency without
	// the tick phase.
	seriesTick
	// seriesPost: from starting a POST to having ingest's answer, which
	// comes once JetStream has stored every event of the batch.
	seriesPost
	seriesCount
)

// Histograms hold microseconds from 1 µs to 10 minutes at three
// significant digits.
const (
	histMin    = 1
	histMax    = 600_000_000
	histDigits = 3
)

func newHistogram() *hdrhistogram.Histogram { return hdrhistogram.New(histMin, histMax, histDigits) }

// latencies are the run's histograms, in shards so a thousand clients
// rarely wait for each other; each client fills a small buffer and hands
// it over a few hundred samples at a time.
type latencies struct {
	shards [8]latencyShard
}

type latencyShard struct {
	mu sync.Mutex
	h  [seriesCount]*hdrhistogram.Histogram
}

func newLatencies() *latencies {
	l := &latencies{}
	for i := range l.shards {
		for s := range l.shards[i].h {
			l.shards[i].h[s] = newHistogram()
		}
	}
	return l
}

// merged is one histogram per series over every shard.
func (l *latencies) merged() [seriesCount]*hdrhistogram.Histogram {
	var out [seriesCount]*hdrhistogram.Histogram
	for s := range out {
		out[s] = newHistogram()
		for i := range l.shards {
			sh := &l.shards[i]
			sh.mu.Lock()
			out[s].Merge(sh.h[s])
			sh.mu.Unlock()
		}
	}
	return out
}

// sampler buffers one client's samples.
type sampler struct {
	shard *latencyShard
	buf   [seriesCount][]int64
}

const samplerBuffer = 256

// sampler is a buffer for client i (any int) over one of the shards.
func (l *latencies) sampler(i int) *sampler {
	n := len(l.shards)
	return &sampler{shard: &l.shards[(i%n+n)%n]}
}

// add records d nanoseconds.
func (s *sampler) add(k series, d int64) {
	us := max(d/1000, histMin)
	s.buf[k] = append(s.buf[k], min(us, histMax))
	if len(s.buf[k]) >= samplerBuffer {
		s.flush()
	}
}

func (s *sampler) flush() {
	s.shard.mu.Lock()
	defer s.shard.mu.Unlock()
	for k, b := range s.buf {
		for _, v := range b {
			// Values are clamped into the histogram's range above.
			_ = s.shard.h[k].RecordValue(v)
		}
		s.buf[k] = b[:0]
	}
}

// Summary is one latency's distribution, in milliseconds.
type Summary struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	P999  float64 `json:"p999_ms"`
	Max   float64 `json:"max_ms"`
	Mean  float64 `json:"mean_ms"`
}

func summarise(h *hdrhistogram.Histogram) Summary {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Summary{
		Count: h.TotalCount(),
		P50:   ms(h.ValueAtQuantile(50)),
		P95:   ms(h.ValueAtQuantile(95)),
		P99:   ms(h.ValueAtQuantile(99)),
		P999:  ms(h.ValueAtQuantile(99.9)),
		Max:   ms(h.Max()),
		Mean:  h.Mean() / 1000,
	}
}
