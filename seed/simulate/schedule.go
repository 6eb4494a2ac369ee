package simulate

import (
	"container/heap"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// schedule is the simulation's agenda: events ready to send and tasks to
// run (a worker's next report, the next appeal), in time order. Ties keep
// the order they were added in, so a run is the same however it is cut
// into steps.
type schedule struct {
	q   agenda
	seq uint64
	now time.Time // the time of the item last taken; nothing is added before it
}

// item is an event to send or a task to run at a time.
type item struct {
	at  time.Time
	key int64 // at in Unix nanoseconds, cheaper to compare
	seq uint64
	ev  *event.Event
	run func(at time.Time)
}

// emit puts an event on the agenda at its own time.
func (s *schedule) emit(ev *event.Event) { s.push(&item{at: ev.Time.Time, ev: ev}) }

// at puts a task on the agenda.
func (s *schedule) at(t time.Time, run func(at time.Time)) { s.push(&item{at: t, run: run}) }

func (s *schedule) push(it *item) {
	if it.at.Before(s.now) {
		it.at = s.now // the past is sent; late items go now
	}
	s.seq++
	it.seq = s.seq
	it.key = it.at.UnixNano()
	heap.Push(&s.q, it)
}

// drain runs the tasks and takes the events due by to, in time order,
// appending at most limit events to out. It stops early when out is full;
// the rest stay on the agenda for the next call.
func (s *schedule) drain(to time.Time, limit int, out []*event.Event) []*event.Event {
	for len(s.q) > 0 && len(out) < limit {
		it := s.q[0]
		if it.at.After(to) {
			break
		}
		heap.Pop(&s.q)
		s.now = it.at
		if it.ev != nil {
			out = append(out, it.ev)
		} else {
			it.run(it.at)
		}
	}
	return out
}

// pending is the number of items on the agenda.
func (s *schedule) pending() int { return len(s.q) }

// agenda is a min-heap of items by time, then by the order they came in.
type agenda []*item

func (a agenda) Len() int { return len(a) }
func (a agenda) Less(i, j int) bool {
	if a[i].key != a[j].key {
		return a[i].key < a[j].key
	}
	return a[i].seq < a[j].seq
}
func (a agenda) Swap(i, j int) { a[i], a[j] = a[j], a[i] }
func (a *agenda) Push(x any)   { *a = append(*a, x.(*item)) }
func (a *agenda) Pop() any {
	old := *a
	n := len(old)
	it := old[n-1]
	old[n-1] = nil
	*a = old[:n-1]
	return it
}
