// Package gctune sets the garbage collector for serving. A server keeps a
// few hundred megabytes of long-lived state (the live state, the hub's
// board and rings, the area index) and allocates for every event; at Go's
// default of collecting when the heap has doubled, a mark phase ran every
// few seconds and showed as the tail of the live delivery latency
// (README, "Load test"). Collecting when it has tripled instead keeps that
// tail shorter for a third more memory (400 % shortened it a little more
// but doubled the memory of a saturated server), and a soft memory limit
// of half the machine's memory keeps the larger heap from ever pressing
// the machine: near it, the collector runs as often as it must.
package gctune

import (
	"fmt"
	"runtime/debug"
	"strconv"
)

// Percent is the heap growth, in percent of the live heap, that starts a
// collection when GOGC does not set it.
const Percent = 200

// Settings are what Tune set: the GC percent (-1 for off) and the memory
// limit in bytes (math.MaxInt64 for none).
type Settings struct {
	Percent     int
	MemoryLimit int64
	// From says where each came from: the environment variable that set
	// it, or Ours.
	PercentFrom, LimitFrom string
}

// Ours is the From of a setting Tune applies itself.
const Ours = "gctune"

func (s Settings) String() string {
	return fmt.Sprintf("GC at %d%% (%s), memory limit %d MiB (%s)", s.Percent, s.PercentFrom, s.MemoryLimit>>20, s.LimitFrom)
}

// Tune applies Percent and a memory limit of half of physical memory,
// each unless its environment variable (GOGC, GOMEMLIMIT) is set, which Go
// has applied already; getenv reads the environment.
func Tune(getenv func(string) string) Settings {
	s := plan(getenv, physicalMemory())
	if s.PercentFrom == Ours {
		debug.SetGCPercent(s.Percent)
	}
	if s.LimitFrom == Ours {
		debug.SetMemoryLimit(s.MemoryLimit)
	}
	return s
}

// plan decides the settings from the environment and the machine's
// memory in bytes (0 when unknown), without applying them.
func plan(getenv func(string) string, memory uint64) Settings {
	s := Settings{Percent: Percent, PercentFrom: Ours, LimitFrom: Ours}
	if v := getenv("GOGC"); v != "" {
		// Go has applied it already; this only reports it.
		s.Percent, s.PercentFrom = -1, "GOGC"
		if n, err := strconv.Atoi(v); err == nil {
			s.Percent = n
		}
	}
	switch {
	case getenv("GOMEMLIMIT") != "":
		// A negative limit reads the current one without changing it.
		s.MemoryLimit, s.LimitFrom = debug.SetMemoryLimit(-1), "GOMEMLIMIT"
	case memory == 0:
		s.MemoryLimit, s.LimitFrom = debug.SetMemoryLimit(-1), "Go's default: the machine's memory is unknown"
	default:
		s.MemoryLimit = int64(memory / 2)
	}
	return s
}
