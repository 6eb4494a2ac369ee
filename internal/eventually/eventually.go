// Package eventually waits in tests for something another goroutine or
// process brings about: a pipeline delivering, a consumer catching up.
// The bound only keeps a broken part from hanging the test; it asserts
// nothing about time.
package eventually

import (
	"testing"
	"time"
)

// bound is how long a wait may take before the test fails; a variable so
// that this package's own test need not wait it out.
var bound = time.Minute

// pollEvery is how often the condition is checked.
const pollEvery = 10 * time.Millisecond

// Holds polls cond until it holds, or fails the test naming what it
// waited for.
func Holds(t testing.TB, what string, cond func() bool) {
	t.Helper()
	HoldsWith(t, what, func() (bool, string) { return cond(), "" })
}

// HoldsWith is Holds for a condition that also says where things stand,
// which the failure reports.
func HoldsWith(t testing.TB, what string, cond func() (ok bool, state string)) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			if state != "" {
				t.Fatalf("timed out waiting for %s; last: %s", what, state)
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(pollEvery)
	}
}
