package simulate

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// newRand gives the random stream of one named part of the simulation.
// Every part (the appeals, one worker, the alarms) draws from its own
// stream keyed by name, so adding workers does not change the appeals and
// the same seed and start give the same events.
func newRand(seed uint64, key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// uniform draws from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

// uniformDur draws a duration from [lo, hi).
func uniformDur(r *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64(hi-lo)))
}

// lognormal draws a duration whose median is median and whose spread is
// sigma in log space: most draws fall within a factor e^sigma of the
// median, a few far beyond, as handling times do.
func lognormal(r *rand.Rand, median time.Duration, sigma float64) time.Duration {
	return time.Duration(float64(median) * math.Exp(sigma*r.NormFloat64()))
}

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// weights picks indexes in proportion to their weights.
type weights struct {
	cum []float64
}

func newWeights(ws []float64) weights {
	cum := make([]float64, len(ws))
	sum := 0.0
	for i, w := range ws {
		sum += max(w, 0)
		cum[i] = sum
	}
	return weights{cum: cum}
}

// total is the sum of the weights.
func (w weights) total() float64 {
	if len(w.cum) == 0 {
		return 0
	}
	return w.cum[len(w.cum)-1]
}

// pick draws an index; it panics on no positive weight, which is a bug in
// the tables that build it.
func (w weights) pick(r *rand.Rand) int {
	x := r.Float64() * w.total()
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if w.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
