package simulate

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

func TestEveryEventIsValid(t *testing.T) {
	s := newTestSim(t, Config{Seed: 21})
	ids := map[string]bool{}
	count := map[event.Type]int{}
	// Events are sent at the end of the step that makes them due, so
	// they must pass at their own time and at the step's end.
	for to := testStart.Add(10 * time.Minute); !to.After(testStart.Add(day)); to = to.Add(10 * time.Minute) {
		for _, e := range collect(s, to) {
			for _, now := range []time.Time{e.Time.Time, to} {
				if err := e.Validate(now, event.DefaultLimits); err != nil {
					b, _ := json.Marshal(e)
					t.Fatalf("invalid event %s: %v", b, err)
				}
			}
			if e.Time.After(to) {
				t.Fatalf("event %s at %v came due in the step to %v", e.ID, e.Time, to)
			}
			if ids[e.ID] {
				t.Fatalf("event id %s twice", e.ID)
			}
			ids[e.ID] = true
			count[e.Type]++
			if e.CRS != "" || e.Area != nil || !e.Received.IsZero() {
				t.Fatalf("event %s sets server fields or a datum", e.ID)
			}
		}
	}
	for _, typ := range []event.Type{event.TypeOrder, event.TypePatrol, event.TypeAlarm} {
		if count[typ] == 0 {
			t.Errorf("no %s events in a day", typ)
		}
	}
}

// encodeRun runs a simulator to end in steps of step and returns its
// events as JSON.
func encodeRun(t *testing.T, cfg Config, end time.Time, step time.Duration) []byte {
	t.Helper()
	s := newTestSim(t, cfg)
	var all []*event.Event
	for to := s.cfg.Start; to.Before(end); {
		to = minT(to.Add(step), end)
		all = append(all, collect(s, to)...)
	}
	b, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSameSeedSameEvents(t *testing.T) {
	end := testStart.Add(10 * time.Hour)
	base := encodeRun(t, Config{Seed: 4}, end, time.Hour)
	tests := []struct {
		name string
		cfg  Config
		step time.Duration
		same bool
	}{
		{"same seed, other steps", Config{Seed: 4}, 7 * time.Minute, true},
		{"same seed, one step", Config{Seed: 4}, 10 * time.Hour, true},
		{"other seed", Config{Seed: 5}, time.Hour, false},
		{"other start", Config{Seed: 4, Start: testStart.Add(time.Millisecond)}, time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := encodeRun(t, tt.cfg, end, tt.step)
			if same := bytes.Equal(got, base); same != tt.same {
				t.Fatalf("same events = %v, want %v (%d vs %d bytes)", same, tt.same, len(got), len(base))
			}
		})
	}
}

func TestRunsDoNotShareIDs(t *testing.T) {
	// Ingest drops repeated ids, so a restarted simulator must not reuse
	// any: orders, alarms and reports all carry the run's tag.
	a := newTestSim(t, Config{Seed: 1, Start: testStart})
	b := newTestSim(t, Config{Seed: 1, Start: testStart.Add(time.Second)})
	seen := map[string]bool{}
	for _, e := range collect(a, testStart.Add(12*time.Hour)) {
		seen[e.ID] = true
		seen[e.Key()] = true
	}
	for _, e := range collect(b, testStart.Add(12*time.Hour)) {
		if seen[e.ID] {
			t.Fatalf("event id %s in both runs", e.ID)
		}
		if e.Patrol == nil && seen[e.Key()] {
			t.Fatalf("%s in both runs", e.Key())
		}
	}
}

func TestConfigDefaultsAndErrors(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	c := Config{}.withDefaults(now, 736, 1)
	if c.Workers != 2944 || c.AppealsPerDay != 740 || c.Speed != 1 || !c.Start.Equal(now) || c.MaxBatch != 1000 {
		t.Errorf("defaults: workers %d, appeals %v, speed %v, start %v, batch %d", c.Workers, c.AppealsPerDay, c.Speed, c.Start, c.MaxBatch)
	}
	if err := c.validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
	fast := Config{Speed: 60}.withDefaults(now, 736, 20)
	if !fast.Start.Equal(now.Add(-DefaultCatchUp)) || fast.AppealsPerDay != 740*20 {
		t.Errorf("sped up over a city: start %v, appeals %v", fast.Start, fast.AppealsPerDay)
	}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"not a URL", Config{BaseURL: "localhost:8080"}},
		{"negative speed", Config{Speed: -1}},
		{"absurd speed", Config{Speed: 1e9}},
		{"interval upside down", Config{PatrolMin: 10 * time.Second, PatrolMax: 5 * time.Second}},
		{"batch too big for ingest", Config{MaxBatch: 5000}},
		{"negative workers", Config{Workers: -3}},
		{"negative warmup", Config{Warmup: -time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.withDefaults(now, 736, 1).validate(); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
