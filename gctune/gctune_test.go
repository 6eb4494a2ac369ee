package gctune

import (
	"math"
	"testing"
)

func TestPlan(t *testing.T) {
	const gib = 1 << 30
	tests := []struct {
		name   string
		env    map[string]string
		memory uint64
		want   Settings
	}{
		{"defaults", nil, 8 * gib, Settings{Percent, 4 * gib, Ours, Ours}},
		{"GOGC set", map[string]string{"GOGC": "150"}, 8 * gib, Settings{150, 4 * gib, "GOGC", Ours}},
		{"GOGC off", map[string]string{"GOGC": "off"}, 2 * gib, Settings{-1, 1 * gib, "GOGC", Ours}},
		// The tests run without GOMEMLIMIT, so Go's limit is none.
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "3GiB"}, 8 * gib, Settings{Percent, math.MaxInt64, Ours, "GOMEMLIMIT"}},
		{"memory unknown", nil, 0, Settings{Percent, math.MaxInt64, Ours, "Go's default: the machine's memory is unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plan(func(k string) string { return tt.env[k] }, tt.memory); got != tt.want {
				t.Errorf("plan = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPhysicalMemory(t *testing.T) {
	// Every machine the tests run on has more than 256 MiB and less than
	// a petabyte.
	if m := physicalMemory(); m < 256<<20 || m > 1<<50 {
		t.Errorf("physical memory %d bytes", m)
	}
}
