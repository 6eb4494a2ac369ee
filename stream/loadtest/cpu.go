package loadtest

import (
	"bytes"
	"fmt"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/google/pprof/profile"
)

// When the server runs in this process, one process's CPU time covers
// both the server and the load generator. Goroutines carry a profiler
// label saying whose they are (goroutines inherit their creator's
// labels), and the CPU profile of the measured window tells the two apart.
// The embedded NATS server replaces the labels of the goroutines it
// starts with its own, and native libraries' threads (the embedded
// ClickHouse engine) carry none, so a sample without the label is the
// server's, unless it is the Go runtime's own background work (garbage
// collection), shared by both and reported as such.
//
// The profile need not sample every thread of native libraries the
// server loads (the embedded ClickHouse engine), so the server's CPU is
// the process's CPU less the generator's and the runtime's, not the sum
// of its own samples.
const labelKey = "side"

// runtimeBackground are the Go runtime's background workers, shared by
// the server and the generator.
var runtimeBackground = []string{"runtime.gcBgMarkWorker", "runtime.bgsweep", "runtime.bgscavenge"}

// The label values.
const (
	sideServer    = "server"
	sideGenerator = "loadgen"
)

// ServerLabels are the profiler labels to run an in-process server under
// (with pprof.Do), so that its CPU is counted as the server's.
var ServerLabels = pprof.Labels(labelKey, sideServer)

var generatorLabels = pprof.Labels(labelKey, sideGenerator)

// cpuSplit is the profiled CPU time by side.
type cpuSplit struct {
	server, generator, unattributed time.Duration
}

// splitProfile reads a CPU profile and sums its samples by side.
func splitProfile(data []byte) (cpuSplit, error) {
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil {
		return cpuSplit{}, fmt.Errorf("read CPU profile: %w", err)
	}
	idx := -1
	for i, st := range p.SampleType {
		if st.Type == "cpu" {
			idx = i
		}
	}
	if idx < 0 || p.SampleType[idx].Unit != "nanoseconds" {
		return cpuSplit{}, fmt.Errorf("read CPU profile: no cpu nanoseconds samples")
	}
	var by = map[string]int64{}
	for _, s := range p.Sample {
		side := sideServer
		if l := s.Label[labelKey]; len(l) > 0 {
			side = l[0]
		} else if len(s.Label) == 0 && runsCode(s, runtimeBackground...) {
			side = ""
		}
		by[side] += s.Value[idx]
	}
	return cpuSplit{
		server:       time.Duration(by[sideServer]),
		generator:    time.Duration(by[sideGenerator]),
		unattributed: time.Duration(by[""]),
	}, nil
}

// runsCode reports whether any frame of the sample is one of the named
// functions.
func runsCode(s *profile.Sample, names ...string) bool {
	for _, loc := range s.Location {
		for _, l := range loc.Line {
			if l.Function != nil && slices.Contains(names, l.Function.Name) {
				return true
			}
		}
	}
	return false
}
