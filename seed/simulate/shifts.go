package simulate

import (
	"fmt"
	"time"
)

// session is a daily stretch of duty in Beijing time: it starts start
// after midnight and lasts length (it may run past midnight).
type session struct {
	start, length time.Duration
}

// The duty rosters. Grid workers walk a day shift, a few a night shift;
// micro-grid leaders, who are residents, walk their few buildings morning
// and afternoon; in-service party members patrol after work.
var (
	dayShift     = []session{{8 * time.Hour, 10 * time.Hour}}
	nightShift   = []session{{20 * time.Hour, 10 * time.Hour}}
	leaderShifts = []session{{9 * time.Hour, 150 * time.Minute}, {15 * time.Hour, 150 * time.Minute}}
	partyShift   = []session{{19 * time.Hour, 2 * time.Hour}}
)

// nightShare is the share of grid workers on the night shift.
const nightShare = 0.15

// shiftJitter is how far a worker's start and end wander from the roster
// each day.
const shiftJitter = 15 * time.Minute

// shift is one occurrence of a session on one day.
type shift struct {
	start, end time.Time
}

// shiftOn is the occurrence of the i-th session of sessions on the
// Beijing day that starts at midnight, jittered per worker and day.
func shiftOn(seed uint64, worker string, sessions []session, midnight time.Time, i int) shift {
	r := newRand(seed, fmt.Sprintf("shift/%s/%s/%d", worker, midnight.Format("20060102"), i))
	s := sessions[i]
	start := midnight.Add(s.start + uniformDur(r, -shiftJitter, shiftJitter))
	end := midnight.Add(s.start + s.length + uniformDur(r, -shiftJitter, shiftJitter))
	return shift{start: start.UTC().Truncate(time.Millisecond), end: end.UTC().Truncate(time.Millisecond)}
}

// nextShift is the first shift of the worker that ends after t.
func nextShift(seed uint64, worker string, sessions []session, t time.Time) shift {
	local := t.In(beijing)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, beijing)
	// A shift that started yesterday may still run; one a day later is
	// always found, since every session lasts less than a day.
	for d := -1; ; d++ {
		midnight := day.AddDate(0, 0, d)
		for i := range sessions {
			if sh := shiftOn(seed, worker, sessions, midnight, i); sh.end.After(t) {
				return sh
			}
		}
	}
}
