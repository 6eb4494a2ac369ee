package loadtest

import (
	"cmp"
	"slices"
)

// Exactness is the exactly-once check: every order and alarm event the
// server accepted, at a place inside a client's viewport and on a layer it
// subscribed to, must reach that client exactly once. It covers the events
// up to UpTo: the run's last one when the server kept up, else the last
// one it had fanned out when the drain gave up waiting. Clients that were
// resynchronised (the server dropped their deltas on purpose, and said
// so) or reconnected without a replay cannot be checked.
type Exactness struct {
	// Drained says every client answered a ping sent after the server had
	// fanned out the event at UpTo; without it nothing is checked.
	Drained bool   `json:"drained"`
	UpTo    uint64 `json:"up_to_seq"`
	// Behind is how many of the run's accepted orders and alarms came
	// after UpTo: the server's backlog when the drain gave up.
	Behind int `json:"behind"`
	// Checked clients; Exact those that got exactly their events.
	Checked int `json:"checked"`
	Exact   int `json:"exact"`
	// Skipped clients: resynchronised, never connected, or resumed from a
	// snapshot.
	Skipped int `json:"skipped"`
	// Expected and Received deltas over the checked clients; Missing were
	// expected and not received, Unexpected received and not expected
	// (or received twice).
	Expected   int64 `json:"expected"`
	Received   int64 `json:"received"`
	Missing    int64 `json:"missing"`
	Unexpected int64 `json:"unexpected"`
	// Uncertain events have an unknown outcome (a failed request, a
	// failed store): while there are any, an unexpected delta may be one
	// of theirs.
	Uncertain int64 `json:"uncertain"`
}

// verify compares what each client received with what it should have,
// for the events up to upTo.
func verify(clients []*client, incidents []incident, upTo uint64, drained bool, uncertain int64) Exactness {
	ev := slices.Clone(incidents)
	slices.SortFunc(ev, func(a, b incident) int { return cmp.Compare(a.seq, b.seq) })
	x := Exactness{Drained: drained, UpTo: upTo, Uncertain: uncertain}
	end, _ := slices.BinarySearchFunc(ev, upTo+1, func(e incident, seq uint64) int { return cmp.Compare(e.seq, seq) })
	x.Behind = len(ev) - end
	ev = ev[:end]
	if !drained {
		return x
	}
	for _, c := range clients {
		if c.failed != nil || !c.synced || !c.contiguous {
			x.Skipped++
			continue
		}
		first, _ := slices.BinarySearchFunc(ev, c.startSeq+1, func(e incident, seq uint64) int { return cmp.Compare(e.seq, seq) })
		var want []uint64
		for _, e := range ev[first:] {
			if c.layers.has(e.layer) && (c.bbox == nil || c.bbox.Contains(e.pos)) {
				want = append(want, e.seq)
			}
		}
		got := c.received(upTo)
		missing, unexpected := compareSorted(want, got)
		x.Checked++
		x.Expected += int64(len(want))
		x.Received += int64(len(got))
		x.Missing += missing
		x.Unexpected += unexpected
		if missing == 0 && unexpected == 0 {
			x.Exact++
		}
	}
	return x
}

// compareSorted counts the values of want missing from got and those of
// got not in want (a repeat counts as unexpected); both are sorted.
func compareSorted(want, got []uint64) (missing, unexpected int64) {
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j == len(got) || i < len(want) && want[i] < got[j]:
			missing++
			i++
		case i == len(want) || got[j] < want[i]:
			unexpected++
			j++
		default:
			i++
			j++
		}
	}
	return missing, unexpected
}
