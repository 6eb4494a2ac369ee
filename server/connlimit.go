package server

import "sync"

// connCounter counts each user's open WebSocket connections against a
// limit.
type connCounter struct {
	limit int
	mu    sync.Mutex
	open  map[string]int
}

func newConnCounter(limit int) *connCounter {
	return &connCounter{limit: limit, open: map[string]int{}}
}

// take counts one more connection for user, unless that passes the limit.
func (cc *connCounter) take(user string) bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.open[user] >= cc.limit {
		return false
	}
	cc.open[user]++
	return true
}

// give counts one connection of user closed.
func (cc *connCounter) give(user string) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.open[user]--; cc.open[user] <= 0 {
		delete(cc.open, user)
	}
}
