package loadtest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/area"
)

// samplesOver is n samples evenly over window seconds, their resident
// memory in MB and goroutines given by functions of the fraction of the
// window passed.
func samplesOver(n int, window float64, rssMB, goroutines func(f float64) float64) []SoakSample {
	out := make([]SoakSample, n)
	for i := range out {
		f := float64(i) / float64(n-1)
		out[i] = SoakSample{ElapsedS: f * window, RSS: rssMB(f) * (1 << 20), Goroutines: goroutines(f), HeapInuse: 100 << 20}
	}
	return out
}

// heapSamplesOver is n samples of a server that reports its live heap:
// live heap, Go-held and native memory in MB by the fraction of the window
// passed; resident memory is held plus native.
func heapSamplesOver(n int, window float64, live, held, native func(f float64) float64) []SoakSample {
	out := make([]SoakSample, n)
	for i := range out {
		f := float64(i) / float64(n-1)
		out[i] = SoakSample{ElapsedS: f * window, LiveHeap: live(f) * (1 << 20), GoHeld: held(f) * (1 << 20),
			RSS: (held(f) + native(f)) * (1 << 20), Goroutines: 470}
	}
	return out
}

func TestJudgeSoak(t *testing.T) {
	flat := func(v float64) func(float64) float64 { return func(float64) float64 { return v } }
	tests := []struct {
		name       string
		samples    []SoakSample
		wantStable bool
		want       string
	}{
		{"flat", samplesOver(20, 600, flat(800), flat(120)), true, "stable"},
		{"noise and a spike in the middle", samplesOver(21, 600, func(f float64) float64 {
			if f == 0.5 {
				return 2000
			}
			return 800 + 20*float64(int(f*20)%3)
		}, flat(120)), true, "stable"},
		{"memory rising 1 % a minute", samplesOver(20, 1800, func(f float64) float64 { return 800 * (1 + 0.3*f) }, flat(120)), false, "memory rose"},
		{"goroutines piling up", samplesOver(20, 600, flat(800), func(f float64) float64 { return 120 + 200*f }), false, "goroutines pile up"},
		{"goroutines within the slack", samplesOver(20, 600, flat(800), func(f float64) float64 { return 30 + 8*f }), true, "stable"},
		{"too few samples", samplesOver(4, 600, flat(800), flat(120)), false, "not judged"},
		// A server that reports its live heap is judged on it.
		{"the heap filling out to the collector's goal", heapSamplesOver(20, 1800, flat(300),
			func(f float64) float64 { return 400 + 500*min(1, 2*f) }, flat(450)), true, "stable: live heap 300 MB"},
		{"live heap rising", heapSamplesOver(20, 1800, func(f float64) float64 { return 300 * (1 + 0.4*f) },
			flat(900), flat(450)), false, "live heap or native memory rose"},
		{"native memory rising", heapSamplesOver(20, 1800, flat(300),
			flat(900), func(f float64) float64 { return 450 * (1 + 0.4*f) }), false, "live heap or native memory rose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			window := tt.samples[len(tt.samples)-1].ElapsedS
			rep := judgeSoak(tt.samples, window, 30)
			if rep.Stable != tt.wantStable || !strings.Contains(rep.Verdict, tt.want) {
				t.Errorf("stable %v, verdict %q; want stable %v and %q", rep.Stable, rep.Verdict, tt.wantStable, tt.want)
			}
			var out bytes.Buffer
			if err := rep.writeText(&out); err != nil {
				t.Fatal(err)
			}
			if lines := strings.Count(out.String(), "\n"); lines < len(tt.samples)+3 {
				t.Errorf("the table has %d lines for %d samples:\n%s", lines, len(tt.samples), out.String())
			}
		})
	}
}

// The first and last quarters are compared by their medians, so one odd
// sample at either end does not decide the verdict.
func TestJudgeSoakUsesMedians(t *testing.T) {
	s := samplesOver(20, 600, func(float64) float64 { return 800 }, func(float64) float64 { return 120 })
	s[len(s)-1].RSS = 5000 << 20
	rep := judgeSoak(s, 600, 30)
	if !rep.Stable || rep.Last.RSS != 800<<20 {
		t.Errorf("last quarter's median RSS %v MB, verdict %q; want 800 MB and stable", rep.Last.RSS/(1<<20), rep.Verdict)
	}
}

func TestSoakConfig(t *testing.T) {
	base := DefaultConfig()
	base.Areas = area.NewSet()
	tests := []struct {
		name     string
		every    time.Duration
		duration time.Duration
		want     string // "" for accepted
	}{
		{"a soak may run for hours", 30 * time.Second, 3 * time.Hour, ""},
		{"up to the soak bound", time.Minute, MaxSoakDuration, ""},
		{"not beyond it", time.Minute, MaxSoakDuration + time.Minute, "duration"},
		{"a plain run keeps its bound", 0, MaxDuration + time.Minute, "duration"},
		{"too few samples", time.Minute, 5 * time.Minute, "samples"},
		{"sampling too often", 100 * time.Millisecond, 10 * time.Minute, "soak"},
		{"negative", -time.Second, time.Minute, "soak"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			c.SoakEvery, c.Duration = tt.every, tt.duration
			err := c.validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("validate = %v, want an error about %q", err, tt.want)
			}
		})
	}
}
