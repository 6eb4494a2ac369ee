package ingest

import (
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

func TestSamplerKeepsFirstPerMinuteAndDutyChanges(t *testing.T) {
	base := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	pos := func(worker string, at time.Duration, onDuty bool) *event.Event {
		return &event.Event{Type: event.TypePatrol, Time: event.Time{Time: base.Add(at)},
			Patrol: &event.Patrol{WorkerID: worker, OnDuty: onDuty}}
	}
	steps := []struct {
		name string
		e    *event.Event
		due  bool
	}{
		{"first report of a worker", pos("A", 5*time.Second, true), true},
		{"same minute", pos("A", 15*time.Second, true), false},
		{"another worker, same minute", pos("B", 15*time.Second, true), true},
		{"next minute", pos("A", 65*time.Second, true), true},
		{"late report from the minute before", pos("A", 50*time.Second, true), false},
		{"goes off duty in the same minute", pos("A", 70*time.Second, false), true},
		{"off duty, same minute", pos("A", 75*time.Second, false), false},
		{"silent past two rotations, sampled again", pos("B", 25*time.Minute, true), true},
	}
	s := newSampler()
	for _, st := range steps {
		if got := s.pick([]*event.Event{st.e})[0]; got != st.due {
			t.Errorf("%s: due = %v, want %v", st.name, got, st.due)
		}
		if st.due {
			s.kept(st.e, st.e.Time.Time)
		}
	}
	// Within one batch the first of a minute is picked, not its followers.
	batch := []*event.Event{pos("C", time.Hour, true), pos("C", time.Hour+time.Second, true), pos("C", time.Hour+2*time.Second, false)}
	if got := s.pick(batch); !got[0] || got[1] || !got[2] {
		t.Errorf("batch of three picked %v, want [true false true]", got)
	}
	// A's reports keep A in the current generation; B was forgotten once
	// and came back, so both are remembered, nothing else.
	if n := len(s.cur) + len(s.prev); n > 3 {
		t.Errorf("sampler remembers %d entries for two workers", n)
	}
}
