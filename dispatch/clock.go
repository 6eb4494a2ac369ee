package dispatch

import "time"

// Clock tells the time and waits on it. The scheduler and the transitions
// read it, so tests run deadlines on a clock of their own.
type Clock interface {
	Now() time.Time
	// After sends the time once d has passed on this clock.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now is time.Now.
func (SystemClock) Now() time.Time { return time.Now() }

// After is time.After.
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
