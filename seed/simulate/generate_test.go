package simulate

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

func TestGenerateHandsOverWhatStepWouldSend(t *testing.T) {
	to := testStart.Add(10 * time.Hour)
	want := collect(newTestSim(t, Config{}), to)
	if len(want) < 1000 {
		t.Fatalf("only %d events in 10 hours: the test needs several batches", len(want))
	}

	s := newTestSim(t, Config{MaxBatch: 300})
	var got []*event.Event
	var batches int
	// Two calls, as a caller reporting progress would make them.
	for _, until := range []time.Time{testStart.Add(4 * time.Hour), to} {
		if err := s.Generate(context.Background(), until, func(evs []*event.Event) error {
			if len(evs) > 300 {
				t.Errorf("batch of %d events, want at most MaxBatch 300", len(evs))
			}
			batches++
			got = append(got, evs...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("Generate handed over %d events, the schedule holds %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID || !got[i].Time.Equal(want[i].Time.Time) {
			t.Fatalf("event %d: got %s at %s, want %s at %s", i, got[i].ID, got[i].Time, want[i].ID, want[i].Time)
		}
	}
	st := s.Stats()
	if n := st.Orders + st.Patrols + st.Alarms; n != int64(len(got)) || st.Orders == 0 || st.Patrols == 0 {
		t.Errorf("stats count %d orders, %d patrols, %d alarms; %d events were handed over", st.Orders, st.Patrols, st.Alarms, len(got))
	}
	if !st.SimTime.Equal(to) {
		t.Errorf("sim time %s, want %s", st.SimTime, to)
	}
}

func TestGenerateStops(t *testing.T) {
	boom := errors.New("storage full")
	s := newTestSim(t, Config{MaxBatch: 100})
	calls := 0
	err := s.Generate(context.Background(), testStart.Add(10*time.Hour), func([]*event.Event) error {
		calls++
		return boom
	})
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("sink failing: Generate returned %v after %d calls, want the sink's error after 1", err, calls)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Generate(ctx, testStart.Add(20*time.Hour), func([]*event.Event) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("context ended: Generate returned %v, want context.Canceled", err)
	}
}
