package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/paulmach/orb"
)

// plot is a rectangle to place in a community: a compound or a dedicated
// grid. Sizes are in metres in the community's frame.
type plot struct {
	w, h    float64
	minArea float64   // it may shrink to this when space is short
	box     orb.Bound // where it landed
}

// Placement keeps plots off the community boundary and apart from each
// other, as roads would.
const (
	plotMargin = 10.0 // metres from the community boundary
	plotGap    = 12.0 // metres between plots
	tries      = 400
)

// placePlots puts every plot inside the convex poly (in the community's
// frame) by seeded rejection sampling, largest first, none overlapping.
// A plot that finds no room shrinks step by step down to its minimum area.
func placePlots(r *rand.Rand, poly polygon, plots []*plot) error {
	order := make([]int, len(plots))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return plots[order[a]].w*plots[order[a]].h > plots[order[b]].w*plots[order[b]].h })
	box := poly.bound()
	var placed []orb.Bound
	for _, i := range order {
		p := plots[i]
		for {
			if b, ok := tryPlace(r, poly, box, placed, p.w, p.h); ok {
				p.box = b
				placed = append(placed, b)
				break
			}
			if p.w*p.h*0.81 < p.minArea {
				return fmt.Errorf("no room for a %.1f ha plot among %d others", p.w*p.h/1e4, len(placed))
			}
			p.w, p.h = p.w*0.9, p.h*0.9
		}
	}
	return nil
}

func tryPlace(r *rand.Rand, poly polygon, box orb.Bound, placed []orb.Bound, w, h float64) (orb.Bound, bool) {
	if box.Max[0]-box.Min[0] < w || box.Max[1]-box.Min[1] < h {
		return orb.Bound{}, false
	}
	for k := 0; k < tries; k++ {
		x := uniform(r, box.Min[0], box.Max[0]-w)
		y := uniform(r, box.Min[1], box.Max[1]-h)
		b := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}
		if !poly.inside(b.Min, plotMargin) || !poly.inside(b.Max, plotMargin) ||
			!poly.inside(orb.Point{b.Min[0], b.Max[1]}, plotMargin) || !poly.inside(orb.Point{b.Max[0], b.Min[1]}, plotMargin) {
			continue
		}
		if !keepsClear(b, placed) {
			continue
		}
		return b, true
	}
	return orb.Bound{}, false
}

// keepsClear reports whether b keeps plotGap from every placed box.
func keepsClear(b orb.Bound, placed []orb.Bound) bool {
	for _, o := range placed {
		if b.Min[0] < o.Max[0]+plotGap && o.Min[0] < b.Max[0]+plotGap &&
			b.Min[1] < o.Max[1]+plotGap && o.Min[1] < b.Max[1]+plotGap {
			return false
		}
	}
	return true
}

// newPlot makes a plot of about areaHa hectares with a random aspect ratio
// between 1 and maxAspect.
func newPlot(r *rand.Rand, areaHa, minHa, maxAspect float64) *plot {
	a := areaHa * 1e4
	asp := uniform(r, 1, maxAspect)
	w := math.Sqrt(a * asp)
	h := a / w
	if r.IntN(2) == 0 {
		w, h = h, w
	}
	return &plot{w: w, h: h, minArea: minHa * 1e4}
}
