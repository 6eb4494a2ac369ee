package dispatch

import (
	"slices"
	"strings"
	"testing"

	"github.com/gridpulse/gridpulse/event"
)

func TestLifeCyclePaths(t *testing.T) {
	tests := []struct {
		name string
		path []event.State
		ok   bool
	}{
		{"main line", []event.State{event.Received, event.Filed, event.Dispatched, event.InProgress, event.ReportedDone, event.Verified, event.Closed}, true},
		{"returned by the handler and dispatched again", []event.State{event.Received, event.Filed, event.Dispatched, event.Returned, event.Dispatched, event.InProgress}, true},
		{"returned by the verifier and reworked", []event.State{event.InProgress, event.ReportedDone, event.Returned, event.InProgress, event.ReportedDone, event.Verified}, true},
		{"extended, then done", []event.State{event.Dispatched, event.InProgress, event.Extended, event.ReportedDone}, true},
		{"escalated three times while in progress", []event.State{event.InProgress, event.Escalated, event.Escalated, event.Escalated, event.ReportedDone}, true},
		{"escalated before filing, then filed", []event.State{event.Received, event.Escalated, event.Filed, event.Dispatched}, true},
		{"escalated and dispatched by the street", []event.State{event.Dispatched, event.Escalated, event.Dispatched}, true},
		{"dispatched before it was filed", []event.State{event.Received, event.Dispatched}, false},
		{"closed before verification", []event.State{event.ReportedDone, event.Closed}, false},
		{"escalated after it was reported done", []event.State{event.ReportedDone, event.Escalated}, false},
		{"anything after closing", []event.State{event.Closed, event.Received}, false},
		{"extended after it was reported done", []event.State{event.ReportedDone, event.Extended}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok := true
			for i := 1; i < len(tt.path); i++ {
				ok = ok && CanMove(tt.path[i-1], tt.path[i])
			}
			if ok != tt.ok {
				t.Errorf("path %v: valid = %v, want %v", tt.path, ok, tt.ok)
			}
		})
	}
}

// Every state an order can be in leads to closing, and every state can be
// reached from receipt: the machine has no dead ends and no orphans.
func TestEveryStateIsReachableAndLeadsToClosing(t *testing.T) {
	reach := func(from event.State) map[event.State]bool {
		seen := map[event.State]bool{from: true}
		queue := []event.State{from}
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			for _, n := range Next(s) {
				if !seen[n] {
					seen[n] = true
					queue = append(queue, n)
				}
			}
		}
		return seen
	}
	fromReceived := reach(event.Received)
	for _, term := range event.States {
		s := event.State(term.Code)
		if !fromReceived[s] {
			t.Errorf("%s cannot be reached from received", s)
		}
		if !reach(s)[event.Closed] {
			t.Errorf("%s never leads to closed", s)
		}
	}
	if len(Next(event.Closed)) != 0 {
		t.Errorf("closed leads on to %v", Next(event.Closed))
	}
}

func TestWatched(t *testing.T) {
	for _, term := range event.States {
		s := event.State(term.Code)
		want := !slices.Contains([]event.State{event.ReportedDone, event.Verified, event.Closed}, s)
		if got := Watched(s); got != want {
			t.Errorf("Watched(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestActions(t *testing.T) {
	targets := map[event.State]bool{}
	for _, a := range Actions {
		s, ok := a.Target()
		if !ok {
			t.Fatalf("action %s has no target", a)
		}
		if back, _ := ActionFor(s); back != a {
			t.Errorf("ActionFor(%s) = %s, want %s", s, back, a)
		}
		targets[s] = true
	}
	// Every state but received, which orders enter by being reported, has
	// its action.
	for _, term := range event.States {
		s := event.State(term.Code)
		if s != event.Received && !targets[s] {
			t.Errorf("no action moves an order into %s", s)
		}
	}
	if _, ok := Action("reopen").Target(); ok {
		t.Error("an unknown action has a target")
	}
	if got, want := ActionsFrom(event.ReportedDone), []Action{Verify, Return}; !slices.Equal(got, want) {
		t.Errorf("ActionsFrom(reported_done) = %v, want %v", got, want)
	}
}

func TestTransitionErrorNamesTheAllowedStates(t *testing.T) {
	err := &TransitionError{OrderID: "WO-1", From: event.Filed, To: event.Closed, Allowed: Next(event.Filed)}
	msg := err.Error()
	for _, want := range []string{"WO-1", "filed", "closed", "dispatched, escalated"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not mention %q", msg, want)
		}
	}
	closed := (&TransitionError{OrderID: "WO-2", From: event.Closed, To: event.Filed}).Error()
	if !strings.Contains(closed, "no step may follow") {
		t.Errorf("closed order's message %q", closed)
	}
}
