package ingest

import (
	"sync"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// sampler picks the patrol positions kept in the patrol stream: a worker's
// first report in each minute, and every report that changes its duty.
// That is the grain the analytics store keeps and enough to place every
// worker again after a restart, at a sixth to a twelfth of the reports
// (workers report every 5–10 s); the rest only travel live.
type sampler struct {
	mu sync.Mutex
	// Two generations of the last kept sample per worker: cur is filled,
	// and every rotateEvery the older is dropped, so workers who stopped
	// reporting are forgotten without a sweep.
	cur, prev map[string]sample
	rotated   time.Time
}

type sample struct {
	minute int64 // Unix minute of the report
	onDuty bool
}

// rotateEvery bounds how long a silent worker is remembered (between one
// and two of these); one that reports again after that is sampled at once.
const rotateEvery = 10 * time.Minute

func newSampler() *sampler {
	return &sampler{cur: map[string]sample{}, prev: map[string]sample{}}
}

func sampleOf(e *event.Event) sample {
	return sample{minute: e.Time.Unix() / 60, onDuty: e.Patrol.OnDuty}
}

// pick tells, for each position of a batch, whether it should be kept: the
// worker has no kept sample (before or earlier in the batch) for its
// minute, or its duty changed since the last one.
func (s *sampler) pick(evs []*event.Event) []bool {
	keep := make([]bool, len(evs))
	batch := map[string]sample{}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range evs {
		id := e.Patrol.WorkerID
		last, ok := batch[id]
		if !ok {
			last, ok = s.cur[id]
		}
		if !ok {
			last, ok = s.prev[id]
		}
		cur := sampleOf(e)
		if keep[i] = !ok || last.onDuty != cur.onDuty || cur.minute > last.minute; keep[i] {
			batch[id] = cur
		}
	}
	return keep
}

// kept records that position e is stored, once JetStream has it.
func (s *sampler) kept(e *event.Event, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.rotated) >= rotateEvery {
		s.prev, s.cur, s.rotated = s.cur, make(map[string]sample, len(s.cur)), now
	}
	cur := sampleOf(e)
	if last, ok := s.cur[e.Patrol.WorkerID]; ok && last.minute > cur.minute {
		return // a late report must not move the sample back
	}
	s.cur[e.Patrol.WorkerID] = cur
}
