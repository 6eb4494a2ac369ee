package loadtest

import "testing"

// The tick clock is found from the batches' times, and each batch's
// latency runs from the tick before it.
func TestTickLatencies(t *testing.T) {
	const ms = int64(1e6)
	// Ticks every 1000 ms at phase 980; writers build batches 0–40 ms
	// after the tick (so some wrap into the next second) and clients read
	// them 1–5 ms later.
	var perClient [][]tickObs
	for c := range 20 {
		var obs []tickObs
		for k := range int64(10) {
			tick := 5_000_980 + k*1000
			at := tick + int64(c*2)
			obs = append(obs, tickObs{atMs: at, recv: (at + 1 + int64(c%5)) * ms})
		}
		perClient = append(perClient, obs)
	}
	clock, err := estimateTicks(perClient)
	if err != nil {
		t.Fatal(err)
	}
	if clock.interval != 1000 || clock.phase != 980 {
		t.Fatalf("clock = %+v, want interval 1000 phase 980", clock)
	}
	l := newLatencies()
	if err := tickLatencies(perClient, l.sampler(0)); err != nil {
		t.Fatal(err)
	}
	h := l.merged()[seriesTick]
	// Latencies from the tick: 1 ms (client 0) to 38+5 ms (client 19).
	if h.TotalCount() != 200 || !h.ValuesAreEquivalent(h.Min(), 1000) || !h.ValuesAreEquivalent(h.Max(), 43000) {
		t.Errorf("count %d, min %d µs, max %d µs; want 200, 1000, 43000", h.TotalCount(), h.Min(), h.Max())
	}

	// Writers so late that batches are built all through the cycle: no
	// phase to find.
	var spread [][]tickObs
	for c := range int64(100) {
		var obs []tickObs
		for k := range int64(5) {
			obs = append(obs, tickObs{atMs: 7_000_000 + k*1000 + c*10})
		}
		spread = append(spread, obs)
	}
	if _, err := estimateTicks(spread); err == nil {
		t.Error("a tick phase was found in batches spread over the whole cycle")
	}
}
