package dispatch

import (
	"context"
	"fmt"
	"time"

	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/event"
)

// MaxAuditRecords bounds the steps an order's audit trail lists.
const MaxAuditRecords = 1000

// AuditRecord is one step of an order's life: who moved it, when, from
// which state to which, and what the step set.
type AuditRecord struct {
	EventID string     `json:"event_id"`
	Time    event.Time `json:"time"`
	// From is the state before the step; empty for the first one.
	From  event.State `json:"from,omitempty"`
	To    event.State `json:"to"`
	Actor string      `json:"actor,omitempty"`
	// Sender is who sent the step, as the server knew them: the signed-in
	// user, the integrator's key or the scheduler (event.Event.Sender).
	Sender       string      `json:"sender,omitempty"`
	Assignee     string      `json:"assignee,omitempty"`
	Escalations  int         `json:"escalations"`
	Deadline     *event.Time `json:"deadline,omitempty"`
	Satisfaction int         `json:"satisfaction,omitempty"`
}

// Audit reads orders' audit trails from ClickHouse, where the analytics
// writer stores every order event the bus carries.
type Audit struct {
	eng engine.Engine
}

// NewAudit reads audit trails from eng (analytics.Store.Engine()).
func NewAudit(eng engine.Engine) *Audit { return &Audit{eng: eng} }

// auditRow is one order event as the events table holds it.
type auditRow struct {
	ID           string     `ch:"id"`
	Time         time.Time  `ch:"time"`
	State        string     `ch:"state"`
	Actor        string     `ch:"actor"`
	Sender       string     `ch:"sender"`
	Assignee     string     `ch:"assignee"`
	Escalations  uint8      `ch:"escalations"`
	Deadline     *time.Time `ch:"deadline"`
	Satisfaction uint8      `ch:"satisfaction"`
}

// Trail is the steps of one order, oldest first, of those taken inside
// scope (the caller's area code: a district, street or community; ""
// for everywhere), so an order outside it has no trail. street, when
// known (the live state has it), narrows the read to the street's part of
// the table. The analytics writer stores events in batches, so a step
// taken a moment ago may not be there yet.
func (a *Audit) Trail(ctx context.Context, scope, orderID, street string) ([]AuditRecord, error) {
	// A district's or street's code prefixes its streets' codes, a
	// community's only its own: one test fits every scope.
	q := "SELECT id, time, state, actor, sender, assignee, escalations, deadline, satisfaction FROM events FINAL " +
		"WHERE type = 'order' AND order_id = ? AND (startsWith(street, ?) OR startsWith(community, ?))"
	args := []any{orderID, scope, scope}
	if street != "" {
		q += " AND street = ?"
		args = append(args, street)
	}
	q += fmt.Sprintf(" ORDER BY time, seq LIMIT %d", MaxAuditRecords)
	var rows []auditRow
	if err := a.eng.Select(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("audit trail of %s: %w", orderID, err)
	}
	out := make([]AuditRecord, len(rows))
	var from event.State
	for i, r := range rows {
		out[i] = AuditRecord{EventID: r.ID, Time: event.Time{Time: r.Time}, From: from, To: event.State(r.State),
			Actor: r.Actor, Sender: r.Sender, Assignee: r.Assignee, Escalations: int(r.Escalations), Satisfaction: int(r.Satisfaction)}
		if r.Deadline != nil {
			out[i].Deadline = &event.Time{Time: *r.Deadline}
		}
		from = out[i].To
	}
	return out, nil
}
