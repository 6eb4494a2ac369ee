package loadtest

import (
	"fmt"
	"slices"
)

// Patrol positions wait on the server for its next flush tick, so their
// latency from the POST includes up to one tick. The latency without
// that wait runs from the tick itself, which the clients do not see; they
// see each batch's "at", stamped when the connection's writer builds it,
// some time after the tick. The ticks come every interval at a fixed
// phase, so the batches' times modulo the interval bunch up just after
// the phase and leave the rest of the cycle empty: the phase is where the
// largest empty stretch ends. When batches arrive all through the cycle
// (a server so far behind that writers run into the next tick) there is
// no phase to find and the figure is not given.

// tickClock is the server's flush ticks: every interval milliseconds, at
// phase milliseconds into it.
type tickClock struct {
	interval, phase int64
}

// estimateTicks finds the tick clock from every client's patrol batches,
// each client's in the order read.
func estimateTicks(perClient [][]tickObs) (tickClock, error) {
	var diffs []int64
	var n int
	for _, obs := range perClient {
		n += len(obs)
		for i := 1; i < len(obs); i++ {
			if d := obs[i].atMs - obs[i-1].atMs; d > 0 {
				diffs = append(diffs, d)
			}
		}
	}
	if len(diffs) < 3 {
		return tickClock{}, fmt.Errorf("too few patrol batches (%d) to find the flush ticks", n)
	}
	slices.Sort(diffs)
	// A writer that fell behind sends two ticks in one batch: the median
	// gap between a client's batches is still one tick. Ticks are set in
	// tens of milliseconds.
	interval := (diffs[len(diffs)/2] + 5) / 10 * 10
	if interval < 10 {
		return tickClock{}, fmt.Errorf("patrol batches %d ms apart are not ticks", interval)
	}
	phases := make([]int64, 0, n)
	for _, obs := range perClient {
		for _, o := range obs {
			phases = append(phases, mod(o.atMs, interval))
		}
	}
	slices.Sort(phases)
	gap, phase := phases[0]+interval-phases[len(phases)-1], phases[0]
	for i := 1; i < len(phases); i++ {
		if d := phases[i] - phases[i-1]; d > gap {
			gap, phase = d, phases[i]
		}
	}
	if gap < interval/10 {
		return tickClock{}, fmt.Errorf("patrol batches were built all through the %d ms tick: the server is behind its flush ticks", interval)
	}
	return tickClock{interval: interval, phase: phase}, nil
}

// tickBefore is the time of the last tick at or before atMs.
func (t tickClock) tickBefore(atMs int64) int64 { return atMs - mod(atMs-t.phase, t.interval) }

func mod(a, m int64) int64 { return (a%m + m) % m }

// tickLatencies records each patrol batch's latency from its tick.
func tickLatencies(perClient [][]tickObs, s *sampler) error {
	clock, err := estimateTicks(perClient)
	if err != nil {
		return err
	}
	for _, obs := range perClient {
		for _, o := range obs {
			s.add(seriesTick, o.recv-clock.tickBefore(o.atMs)*1e6)
		}
	}
	s.flush()
	return nil
}
