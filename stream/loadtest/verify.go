package loadtest

import (
	"slices"
)

// Exactness is the exactly-once check: every order and alarm event the
// server accepted, at a place inside a client's viewport and on a layer it
// subscribed to, must reach that client exactly once. Clients that were
// resynchronised (the server dropped their deltas on purpose, and said
// so) or lost their connection without a replay cannot be checked.
type Exactness struct {
	// Checked clients; Exact those that got exactly their events.
	Checked int `json:"checked"`
	Exact   int `json:"exact"`
	// Skipped clients: resynchronised, never connected, or resumed from a
	// snapshot.
	Skipped int `json:"skipped"`
	// Expected and Received deltas over the checked clients.
	Expected int64 `json:"expected"`
	Received int64 `json:"received"`
	// Uncertain events have an unknown outcome (a failed request, a
	// failed store): while there are any, a mismatch may be theirs.
	Uncertain int64 `json:"uncertain"`
	// Drained says every client answered the final ping after the last
	// event was fanned out; without it, late deltas may be missing.
	Drained bool `json:"drained"`
}

// verify compares what each client received with what it should have.
func verify(clients []*client, incidents []incident, uncertain int64, drained bool) Exactness {
	ev := slices.Clone(incidents)
	slices.SortFunc(ev, func(a, b incident) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	x := Exactness{Uncertain: uncertain, Drained: drained}
	for _, c := range clients {
		if c.failed != nil || !c.synced || !c.contiguous {
			x.Skipped++
			continue
		}
		var want exactTally
		first, _ := slices.BinarySearchFunc(ev, c.startSeq+1, func(e incident, seq uint64) int {
			switch {
			case e.seq < seq:
				return -1
			case e.seq > seq:
				return 1
			}
			return 0
		})
		for _, e := range ev[first:] {
			if c.layers.has(e.layer) && (c.bbox == nil || c.bbox.Contains(e.pos)) {
				want.add(e.seq)
			}
		}
		x.Checked++
		x.Expected += want.n
		x.Received += c.exact.n
		if want == c.exact {
			x.Exact++
		}
	}
	return x
}
