package seed

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// rngFor gives the random stream of one named part of the district. Each
// part (a street's communities, a compound's buildings…) draws from its
// own stream keyed by its code, so what one part draws never shifts
// another: changing a compound count does not reshuffle every building.
func rngFor(seed uint64, key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// uniform draws from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

// logUniform draws from [lo, hi) with small values more likely, as sizes
// of real plots are.
func logUniform(r *rand.Rand, lo, hi float64) float64 {
	return math.Exp(uniform(r, math.Log(lo), math.Log(hi)))
}

// between draws an integer from [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// pick draws one element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
