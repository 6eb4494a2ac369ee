package simulate

import (
	"context"
	"errors"
	"slices"
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

// Simulators split by Only make, together, the events of one whole run.
func TestPartsSplitARun(t *testing.T) {
	to := testStart.Add(12 * time.Hour)
	key := func(e *event.Event) string {
		return e.ID + "@" + e.Time.String() + e.Location.String()
	}
	whole := map[string]bool{}
	var wholeOrders []string
	for _, e := range collect(newTestSim(t, Config{}), to) {
		whole[key(e)] = true
		if e.Patrol == nil {
			wholeOrders = append(wholeOrders, key(e))
		}
	}

	parts := []Parts{{NoPatrols: true}, {NoOrders: true, WorkerShard: 0, WorkerShards: 3},
		{NoOrders: true, WorkerShard: 1, WorkerShards: 3}, {NoOrders: true, WorkerShard: 2, WorkerShards: 3}}
	seen := map[string]bool{}
	for i, p := range parts {
		evs := collect(newTestSim(t, Config{Only: p}), to)
		var orders []string
		for _, e := range evs {
			if seen[key(e)] || !whole[key(e)] {
				t.Fatalf("part %d: event %s twice, or not in the whole run", i, key(e))
			}
			seen[key(e)] = true
			if e.Patrol == nil {
				orders = append(orders, key(e))
			}
		}
		if i == 0 && !slices.Equal(orders, wholeOrders) {
			t.Errorf("orders and alarms alone: %d events, the whole run %d, or in another order", len(orders), len(wholeOrders))
		}
		if i > 0 && len(orders) != 0 {
			t.Errorf("part %d without orders made %d order and alarm events", i, len(orders))
		}
	}
	if len(seen) != len(whole) {
		t.Errorf("the parts made %d events, the whole run %d", len(seen), len(whole))
	}
	if _, err := New(Config{Only: Parts{WorkerShard: 3, WorkerShards: 3}}, tinyDistrict(t).Areas, nil); err == nil {
		t.Error("shard 3 of 3 accepted")
	}
}
