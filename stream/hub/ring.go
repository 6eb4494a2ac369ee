package hub

import "sort"

// ring keeps the most recent order and alarm changes, in the order made,
// for clients that reconnect with the last sequence number they saw. It is
// guarded by the hub's lock.
type ring struct {
	buf   []*change
	start int // index of the oldest entry
	n     int
	// floor is the lowest sequence number a client can resume from: every
	// change after it is still here.
	floor uint64
}

func newRing(size int, floor uint64) *ring {
	return &ring{buf: make([]*change, size), floor: floor}
}

func (r *ring) at(i int) *change { return r.buf[(r.start+i)%len(r.buf)] }

func (r *ring) push(c *change) {
	if r.n == len(r.buf) {
		old := r.buf[r.start]
		r.buf[r.start] = nil
		r.start = (r.start + 1) % len(r.buf)
		r.n--
		// A client that had seen old.Seq needs nothing older; a clock-made
		// change came after the event at old.At, so a client that stopped
		// at old.At would miss it.
		if old.derived() {
			r.floor = max(r.floor, old.At+1)
		} else {
			r.floor = max(r.floor, old.Seq)
		}
	}
	r.buf[(r.start+r.n)%len(r.buf)] = c
	r.n++
}

// after calls fn with every change a client that saw sequence number seq
// has missed, in order, until fn returns false. The caller has checked
// that seq >= floor.
func (r *ring) after(seq uint64, fn func(*change) bool) {
	// Positions only grow: an event change sits at 2·Seq, a clock-made
	// change just after the event it followed, at 2·At+1.
	pos := func(c *change) uint64 {
		if c.derived() {
			return 2*c.At + 1
		}
		return 2 * c.Seq
	}
	first := sort.Search(r.n, func(i int) bool { return pos(r.at(i)) > 2*seq })
	for i := first; i < r.n; i++ {
		if !fn(r.at(i)) {
			return
		}
	}
}
