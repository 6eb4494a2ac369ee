package seed

import (
	"fmt"
	"sort"
)

// apportion splits total into len(weights) integer shares proportional to
// weights, each no smaller than least, by the largest-remainder method. Ties go to
// the earlier index, so the result depends only on its inputs.
func apportion(total int, weights []float64, least int) ([]int, error) {
	n := len(weights)
	if n == 0 {
		if total == 0 {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot share %d among nobody", total)
	}
	if total < n*least {
		return nil, fmt.Errorf("cannot give %d parts at least %d each from %d", n, least, total)
	}
	out := make([]int, n)
	rest := total - n*least
	var sum float64
	for _, w := range weights {
		if w < 0 {
			return nil, fmt.Errorf("negative weight %g", w)
		}
		sum += w
	}
	if sum == 0 {
		// Nothing to go by: share evenly.
		weights = make([]float64, n)
		for i := range weights {
			weights[i] = 1
		}
		sum = float64(n)
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, n)
	given := 0
	for i, w := range weights {
		exact := float64(rest) * w / sum
		whole := int(exact)
		out[i] = least + whole
		given += whole
		rems[i] = rem{i, exact - float64(whole)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < rest; k++ {
		out[rems[k%n].i]++
		given++
	}
	return out, nil
}

// apportionCapped is apportion with a ceiling per share: shares that would
// pass their cap are held at it and the rest is shared again among the
// others.
func apportionCapped(total int, weights []float64, least int, caps []int) ([]int, error) {
	n := len(weights)
	out := make([]int, n)
	fixed := make([]bool, n)
	room := 0
	for i, c := range caps {
		if c < least {
			return nil, fmt.Errorf("share %d has room for %d, less than the least %d", i, c, least)
		}
		room += c
	}
	if room < total {
		return nil, fmt.Errorf("room for %d only, %d asked", room, total)
	}
	for {
		var idx []int
		var ws []float64
		rest := total
		for i := range weights {
			if fixed[i] {
				rest -= out[i]
				continue
			}
			idx = append(idx, i)
			ws = append(ws, weights[i])
		}
		shares, err := apportion(rest, ws, least)
		if err != nil {
			return nil, err
		}
		over := false
		for k, i := range idx {
			out[i] = shares[k]
			if shares[k] > caps[i] {
				out[i], fixed[i], over = caps[i], true, true
			}
		}
		if !over {
			return out, nil
		}
	}
}
