// Package dispatch moves work orders through their life cycle: the state
// machine that says which step may follow which, the deadline table, the
// routing of an order to its community, street or district (小事不出社区、
// 大事不出街道) and its escalation when a deadline is missed, the choice of
// the grid worker or department to send, and the scheduler that escalates
// overdue orders on its own.
//
// It keeps no store of its own. The live state (stream/live) is the
// current state of every order; a transition becomes an order event that
// goes in by the ingest door, is stored in JetStream before it is
// acknowledged, and reaches the live state, the WebSocket clients and
// ClickHouse like any other event. The audit trail is read back from
// ClickHouse.
package dispatch

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gridpulse/gridpulse/event"
)

// next lists, for each state, the states an order may move to from it.
//
// The main line is received → filed → dispatched → in_progress →
// reported_done → verified → closed. A handler returns an order that is not
// in its remit (from dispatched or in_progress), and a verifier returns one
// not put right (from reported_done); a returned order is dispatched again
// or, after a failed check, worked on again. A handler may ask for more time
// while it holds the order (extended). Any open order not yet reported done
// may be escalated, by hand or by the scheduler when its deadline passes,
// and the supervising level sends an escalated order on from wherever it
// stood, so escalated leads back into the main line.
var next = map[event.State][]event.State{
	event.Received:     {event.Filed, event.Escalated},
	event.Filed:        {event.Dispatched, event.Escalated},
	event.Dispatched:   {event.InProgress, event.Returned, event.Extended, event.Escalated},
	event.InProgress:   {event.ReportedDone, event.Returned, event.Extended, event.Escalated},
	event.ReportedDone: {event.Verified, event.Returned},
	event.Verified:     {event.Closed},
	event.Returned:     {event.Dispatched, event.InProgress, event.Escalated},
	event.Extended:     {event.InProgress, event.ReportedDone, event.Returned, event.Escalated},
	event.Escalated:    {event.Filed, event.Dispatched, event.InProgress, event.ReportedDone, event.Returned, event.Extended, event.Escalated},
	event.Closed:       nil,
}

// Next is the states an order in state s may move to, in the order of the
// life cycle; none for a closed order or an unknown state.
func Next(s event.State) []event.State { return slices.Clone(next[s]) }

// CanMove reports whether an order may move from one state to another.
func CanMove(from, to event.State) bool { return slices.Contains(next[from], to) }

// Watched reports whether the deadline of an order in state s is still
// running: from receipt until the handler reports it done. Orders in other
// states are never escalated for a missed deadline.
func Watched(s event.State) bool {
	switch s {
	case event.ReportedDone, event.Verified, event.Closed:
		return false
	}
	return s.Open()
}

// TransitionError is a step the state machine refuses: the order is in
// From, which does not lead to To. The server answers it with 409.
type TransitionError struct {
	OrderID string
	From    event.State
	To      event.State
	Allowed []event.State
	// Reason, when set, is a guard that refused a step the states allow.
	Reason string
	// Field is the request field at fault when it is not the action
	// itself: "seq" for a step taken from a stale view.
	Field string
}

func (e *TransitionError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("order %s cannot become %s: %s", e.OrderID, e.To, e.Reason)
	}
	if len(e.Allowed) == 0 {
		return fmt.Sprintf("order %s is %s: no step may follow", e.OrderID, e.From)
	}
	names := make([]string, len(e.Allowed))
	for i, s := range e.Allowed {
		names[i] = string(s)
	}
	return fmt.Sprintf("order %s is %s and cannot become %s; allowed next states: %s",
		e.OrderID, e.From, e.To, strings.Join(names, ", "))
}

// Action is a REST verb for one transition: what a person does to an order.
type Action string

// The actions, one per state an order can be moved into.
const (
	File     Action = "file"     // → filed 立案
	Dispatch Action = "dispatch" // → dispatched 派遣, to a worker or department
	Start    Action = "start"    // → in_progress 处置: the handler accepts and starts
	Report   Action = "report"   // → reported_done 反馈
	Verify   Action = "verify"   // → verified 核查
	Close    Action = "close"    // → closed 结案, with the resident's rating
	Return   Action = "return"   // → returned 退回
	Extend   Action = "extend"   // → extended 延期, with a later deadline
	Escalate Action = "escalate" // → escalated 提级督办
)

// actionTarget maps each action to the state it moves an order into.
var actionTarget = map[Action]event.State{
	File: event.Filed, Dispatch: event.Dispatched, Start: event.InProgress,
	Report: event.ReportedDone, Verify: event.Verified, Close: event.Closed,
	Return: event.Returned, Extend: event.Extended, Escalate: event.Escalated,
}

// Actions lists every action in the order of the life cycle.
var Actions = []Action{File, Dispatch, Start, Report, Verify, Close, Return, Extend, Escalate}

// Target is the state an action moves an order into; ok is false for an
// unknown action.
func (a Action) Target() (s event.State, ok bool) {
	s, ok = actionTarget[a]
	return s, ok
}

// ActionFor is the action that moves an order into state s; ok is false for
// received, which orders enter by being reported, not by an action.
func ActionFor(s event.State) (Action, bool) {
	for a, t := range actionTarget {
		if t == s {
			return a, true
		}
	}
	return "", false
}

// ActionsFrom lists the actions allowed on an order in state s.
func ActionsFrom(s event.State) []Action {
	var out []Action
	for _, a := range Actions {
		if CanMove(s, actionTarget[a]) {
			out = append(out, a)
		}
	}
	return out
}
