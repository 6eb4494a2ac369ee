package simulate

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeClock is a real clock that moves a fixed stretch each time it is
// read, so Run covers simulated hours in a few ticks.
type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

func TestRunKeepsTheClockAndStops(t *testing.T) {
	start := testStart.Add(8 * time.Hour)
	tests := []struct {
		name   string
		speed  float64
		warmup time.Duration
		// real is where the real clock stands when Run starts; it moves
		// ten seconds each time Run reads it.
		real time.Time
	}{
		{"real time", 1, 0, start},
		{"sped up until it meets real time", 60, 0, start.Add(2 * time.Hour)},
		{"with a warmup", 1, 6 * time.Hour, start},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stopAt := start.Add(20 * time.Minute)
			if tt.speed > 1 {
				stopAt = tt.real.Add(20 * time.Minute) // past the meeting point
			}
			fake := &fakeIngest{t: t, now: start.Add(48 * time.Hour), stored: map[string]int{}}
			fake.fail = func(int, int) failure {
				if n := len(fake.events); n > 0 && fake.events[n-1].Time.After(stopAt) {
					cancel()
				}
				return failure{}
			}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			s := newTestSim(t, Config{BaseURL: srv.URL, Start: start, Speed: tt.speed, Warmup: tt.warmup,
				Tick: time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			clock := &fakeClock{t: tt.real, step: 10 * time.Second}
			s.now = clock.now
			if err := s.Run(ctx); err != nil {
				t.Fatalf("Run: %v", err)
			}
			st := s.Stats()
			if st.Accepted == 0 || st.Rejected != 0 {
				t.Fatalf("accepted %d, rejected %d", st.Accepted, st.Rejected)
			}
			fake.mu.Lock()
			defer fake.mu.Unlock()
			var warm, walkedEarly int
			for i, e := range fake.events {
				if e.Time.After(clock.t) {
					t.Fatalf("event at %v sent when real time was at most %v", e.Time, clock.t)
				}
				if i > 0 && e.Time.Before(fake.events[i-1].Time.Time) {
					t.Fatalf("events sent out of time order")
				}
				if e.Time.Before(start) {
					warm++
					if e.Patrol != nil {
						walkedEarly++
					}
				}
			}
			if tt.warmup > 0 && (warm == 0 || walkedEarly > 0) {
				t.Errorf("warmup sent %d events before the start, %d of them patrols; want orders and alarms only", warm, walkedEarly)
			}
			if tt.warmup == 0 && warm > 0 {
				t.Errorf("%d events before the start without a warmup", warm)
			}
		})
	}
}
