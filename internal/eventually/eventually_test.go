package eventually

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestHoldsWaitsForTheCondition(t *testing.T) {
	var calls atomic.Int32
	Holds(t, "the third call", func() bool { return calls.Add(1) >= 3 })
	if got := calls.Load(); got != 3 {
		t.Errorf("cond called %d times, want 3", got)
	}
}

// recorder is a testing.TB that keeps a failure instead of ending the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	panic(r)
}

func TestHoldsWithReportsTheLastState(t *testing.T) {
	defer func(b time.Duration) { bound = b }(bound)
	bound = 50 * time.Millisecond
	r := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != r {
				panic(p)
			}
		}()
		HoldsWith(r, "never", func() (bool, string) { return false, "still 0" })
	}()
	if !strings.Contains(r.failed, "never") || !strings.Contains(r.failed, "last: still 0") {
		t.Errorf("failure %q does not report the last state", r.failed)
	}
}
