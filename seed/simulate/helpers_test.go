package simulate

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/seed"
)

// testStart is a Saturday midnight in Beijing.
var testStart = time.Date(2026, 11, 21, 0, 0, 0, 0, beijing).UTC()

var (
	tinyOnce sync.Once
	tiny     *seed.District
	tinyErr  error
)

// tinyDistrict is the seed package's tiny preset, generated once.
func tinyDistrict(t testing.TB) *seed.District {
	t.Helper()
	tinyOnce.Do(func() { tiny, tinyErr = seed.Generate(context.Background(), seed.Tiny(), nil) })
	if tinyErr != nil {
		t.Fatal(tinyErr)
	}
	return tiny
}

// newTestSim builds a simulator of the tiny district starting at
// testStart unless cfg says otherwise.
func newTestSim(t testing.TB, cfg Config) *Simulator {
	t.Helper()
	d := tinyDistrict(t)
	if cfg.Start.IsZero() {
		cfg.Start = testStart
	}
	s, err := New(cfg, d.Areas, d.Facilities)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// collect runs the simulation to `to` and returns every event that came
// due, without sending anything.
func collect(s *Simulator, to time.Time) []*event.Event {
	return s.sch.drain(to, math.MaxInt, nil)
}
