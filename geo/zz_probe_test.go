package geo

import "testing"

func TestProbeSplit(t *testing.T) {
	set := shuangliu(t)
	ix := NewIndex(set)
	for _, ps := range [][]*[2]float64{} { _ = ps }
	for name, ps := range map[string][][2]float64{} { _, _ = name, ps }
	pts := map[string]interface{}{}
	_ = pts
	for _, v := range []struct{ name string; boxes bool; uniform bool }{{"uniform", false, true}, {"in-compounds", false, false}} {
		var list [][2]float64
		if v.uniform {
			for _, p := range districtPoints(set, 1) { list = append(list, p) }
		} else {
			for _, p := range compoundPoints(set, 2, false) { list = append(list, p) }
		}
		hist := make([]int, 8)
		per := make([]int, 7)
		cands := make([]int, 7)
		for _, p := range list[:20000] {
			e := ix.mosaic.at(p[0], p[1])
			n := 0
			for i, s := range e {
				if s == slotSearch {
					n++
					per[i]++
					li := ix.chain[i]
					c, _ := li.buckets.grid.cell(p[0], p[1])
					v := li.buckets.cells[c]
					if v&inlineBucket != 0 { cands[i]++ } else if v != 0 { cands[i] += int(li.buckets.items[v-1]) }
				}
			}
			hist[n]++
		}
		t.Logf("%s: hist %v per layer %v cands %v", v.name, hist, per, cands)
	}
}

func TestProbePoints(t *testing.T) {
	set := shuangliu(t)
	ix := NewIndex(set)
	for i, li := range ix.chain {
		h := map[int]int{}
		for k := range li.shapes {
			h[len(li.shapes[k].first.points())]++
		}
		t.Logf("%s %v", chainLayers[i], h)
	}
}
