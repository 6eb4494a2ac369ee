package dispatch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/ingest"
	"github.com/gridpulse/gridpulse/stream/live"
)

// maxEscalations is the most escalations an order event may carry.
const maxEscalations = 10

// SystemActor is the actor of the steps the scheduler takes.
const SystemActor = "system:deadline"

// Errors of the service, besides *TransitionError and *event.FieldError.
var (
	// ErrNotFound is an order the live state does not know.
	ErrNotFound = errors.New("no such order")
	// ErrUnavailable says the bus did not store a step; the caller may
	// retry.
	ErrUnavailable = errors.New("the event bus did not store the step; retry")
)

// Door is the way events come in: ingest, which validates and locates an
// event and acknowledges it once JetStream has stored it.
type Door interface {
	// Submit stores the events of body as handed in by sender (see
	// event.Event.Sender).
	Submit(ctx context.Context, sender string, body []byte) (*ingest.Response, error)
}

// Deps are the parts dispatching works with.
type Deps struct {
	// Door takes the events of transitions and new orders.
	Door Door
	// State is the live state: the current view of every order and the
	// positions of the workers.
	State *live.State
	// Areas names the units orders are routed to; nil leaves names out.
	Areas *area.Set
}

// Service moves orders through their life cycle. It is safe for
// concurrent use; steps on one order are taken one at a time.
type Service struct {
	cfg   Config
	door  Door
	state *live.State
	areas *area.Set
	seen  *appliedWaiter
	locks [64]sync.Mutex
	// followers are told of every change of the live state before a step
	// waiting for it returns (the scheduler's watch list is current when
	// an action answers).
	followMu  sync.Mutex
	followers atomic.Pointer[[]func(live.Change)]
}

// New makes the service. It registers with the live state to learn when
// its steps have been applied, so make it before the state runs.
func New(cfg Config, deps Deps) (*Service, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("dispatch config: %w", err)
	}
	if deps.Door == nil || deps.State == nil {
		return nil, errors.New("dispatch: a door and a live state are needed")
	}
	s := &Service{cfg: cfg, door: deps.Door, state: deps.State, areas: deps.Areas, seen: newAppliedWaiter()}
	deps.State.OnChange(s.onChange)
	return s, nil
}

// onChange hands a change of the live state to the followers, then
// releases the steps waiting for it.
func (s *Service) onChange(c live.Change) {
	if fs := s.followers.Load(); fs != nil {
		for _, fn := range *fs {
			fn(c)
		}
	}
	s.seen.onChange(c)
}

// follow adds fn to the followers of the live state's changes.
func (s *Service) follow(fn func(live.Change)) {
	s.followMu.Lock()
	defer s.followMu.Unlock()
	var fs []func(live.Change)
	if old := s.followers.Load(); old != nil {
		fs = append(fs, *old...)
	}
	fs = append(fs, fn)
	s.followers.Store(&fs)
}

// Config is the service's configuration with the defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// Request is what a person sends with an action.
type Request struct {
	// Actor is who acts: a worker id, a dispatcher, a department, a
	// resident. Required.
	Actor string `json:"actor"`
	// Assignee is the worker id or department (DepartmentPrefix + code)
	// to dispatch to; for dispatch only, and required there.
	Assignee string `json:"assignee,omitempty"`
	// Deadline is the new deadline asked for by an extension; for extend
	// only. Default one period after the current deadline.
	Deadline *event.Time `json:"deadline,omitempty"`
	// Satisfaction is the resident's rating 1–5; for close only.
	Satisfaction int `json:"satisfaction,omitempty"`
	// Seq, when set, is the order's seq as the sender last saw it: when
	// the order has moved on since, the step is refused, so two people
	// acting on one order (or one person clicking twice) take one step.
	Seq uint64 `json:"seq,omitempty"`
	// Sender is who sends the step as the server knows them (the
	// signed-in user, auth.Principal.Sender), stored with the step for
	// the audit trail; never read from the body.
	Sender string `json:"-"`
}

// Result is a step taken.
type Result struct {
	// EventID is the id of the order event the step was stored as.
	EventID string      `json:"event_id"`
	From    event.State `json:"from"`
	To      event.State `json:"to"`
	// Order is the order as the live state shows it after the step, or as
	// the step will make it when the state has not applied it yet.
	Order *live.Order `json:"order"`
	// Applied says the live state already shows the step.
	Applied bool `json:"applied"`
}

// Info is an order with where it is routed and what may be done to it.
type Info struct {
	Order   *live.Order   `json:"order"`
	Routing Routing       `json:"routing"`
	Next    []event.State `json:"next"`
	Actions []Action      `json:"actions"`
	// Period is the deadline table's time for the order's category and
	// priority.
	Period string `json:"period"`
}

// Order is the order with this id and what may happen to it next;
// ErrNotFound when the live state does not know it or it lies outside
// scope.
func (s *Service) Order(scope, id string) (*Info, error) {
	o, err := s.scopedOrder(id, scope)
	if err != nil {
		return nil, err
	}
	return &Info{Order: o, Routing: s.route(o), Next: Next(o.State), Actions: ActionsFrom(o.State),
		Period: s.period(o).String()}, nil
}

// Route is where the order stands: level, unit and its name, mediation
// tier, flag.
func (s *Service) route(o *live.Order) Routing {
	r := Route(o.Category, o.Priority, o.Escalations, o.Area)
	if s.areas != nil && r.Unit != "" {
		layer := area.Layer(r.Level)
		if a, ok := s.areas.Get(layer, r.Unit); ok {
			r.UnitName = a.Name
		}
	}
	return r
}

func (s *Service) period(o *live.Order) time.Duration {
	return s.cfg.Deadlines.Period(o.Category, o.Priority)
}

// Do takes action a on the order with this id. It answers ErrNotFound for
// an unknown order or one outside scope, a *TransitionError when the
// order's state does not lead where a goes, an *event.FieldError naming
// the request field at fault, and ErrUnavailable when the bus did not
// store the step.
func (s *Service) Do(ctx context.Context, scope, id string, a Action, req Request) (*Result, error) {
	to, ok := a.Target()
	if !ok {
		return nil, &event.FieldError{Field: "action", Code: "invalid_field",
			Message: fmt.Sprintf("%q is not an action; actions: %v", a, Actions)}
	}
	if err := checkRequest(to, req); err != nil {
		return nil, err
	}
	if err := s.checkAssignee(scope, req.Assignee); err != nil {
		return nil, err
	}
	return s.move(ctx, id, to, req, scopeCheck(scope))
}

// checkRequest checks the fields of a request that do not depend on the
// order.
func checkRequest(to event.State, req Request) *event.FieldError {
	switch {
	case req.Actor == "":
		return &event.FieldError{Field: "actor", Code: "missing_field", Message: "actor is required: who takes this step"}
	case len(req.Actor) > 500:
		return &event.FieldError{Field: "actor", Code: "invalid_field", Message: "actor is longer than 500 bytes"}
	case to == event.Dispatched && req.Assignee == "":
		return &event.FieldError{Field: "assignee", Code: "missing_field", Message: "assignee is required to dispatch: a worker id or dept:<code>"}
	case to != event.Dispatched && req.Assignee != "":
		return &event.FieldError{Field: "assignee", Code: "invalid_field", Message: "assignee is given only when dispatching"}
	case to != event.Extended && req.Deadline != nil:
		return &event.FieldError{Field: "deadline", Code: "invalid_field", Message: "deadline is given only when extending"}
	case to != event.Closed && req.Satisfaction != 0:
		return &event.FieldError{Field: "satisfaction", Code: "invalid_field", Message: "satisfaction is given only when closing"}
	case req.Satisfaction < 0 || req.Satisfaction > 5:
		return &event.FieldError{Field: "satisfaction", Code: "invalid_field", Message: fmt.Sprintf("satisfaction %d is outside 1..5", req.Satisfaction)}
	}
	if _, known := FindDepartment(req.Assignee); !known && strings.HasPrefix(req.Assignee, DepartmentPrefix) {
		return &event.FieldError{Field: "assignee", Code: "invalid_field",
			Message: fmt.Sprintf("%q is not a department (GET /api/v1/dispatch/departments lists them)", req.Assignee)}
	}
	return nil
}

// move takes the order into state to under the order's lock. check, when
// set, may refuse the step on the order's current view (the scheduler's
// second look); it returns errSkip to drop the step quietly.
func (s *Service) move(ctx context.Context, id string, to event.State, req Request, check func(*live.Order) error) (*Result, error) {
	mu := s.lock(id)
	mu.Lock()
	defer mu.Unlock()
	o, ok := s.state.Order(id)
	if !ok {
		return nil, ErrNotFound
	}
	if check != nil {
		if err := check(o); err != nil {
			return nil, err
		}
	}
	if req.Seq != 0 && req.Seq != o.Seq {
		return nil, &TransitionError{OrderID: id, From: o.State, To: to, Allowed: Next(o.State),
			Reason: fmt.Sprintf("it has moved on since seq %d (it is %s at seq %d now)", req.Seq, o.State, o.Seq), Field: "seq"}
	}
	if !CanMove(o.State, to) {
		return nil, &TransitionError{OrderID: id, From: o.State, To: to, Allowed: Next(o.State)}
	}
	now := s.cfg.Clock.Now().UTC().Truncate(time.Millisecond)
	ord, err := s.step(o, to, req, now)
	if err != nil {
		return nil, err
	}
	at := now
	if o.Updated.After(at) {
		// A step never goes before the one it follows, even when a sender's
		// clock ran ahead.
		at = o.Updated.Add(time.Millisecond)
	}
	e := &event.Event{ID: stepID(o, to), Type: event.TypeOrder, Time: event.Time{Time: at}, Location: o.Location, Order: ord}
	seq, err := s.submit(ctx, req.Sender, e)
	if err != nil {
		return nil, err
	}
	res := &Result{EventID: e.ID, From: o.State, To: to}
	res.Applied = s.seen.wait(ctx, s.state, id, seq, s.cfg.ApplyWait)
	if v, ok := s.state.Order(id); ok && v.Seq >= seq {
		res.Order = v
	} else {
		res.Order = preview(o, e, seq)
	}
	return res, nil
}

// step is the order event of the step to state to, carrying the order's
// category, priority, deadline, assignee and escalations as they stand
// after it, so every event of an order holds its whole state.
func (s *Service) step(o *live.Order, to event.State, req Request, now time.Time) (*event.Order, error) {
	ord := &event.Order{OrderID: o.OrderID, State: to, Channel: o.Channel, Category: o.Category, Priority: o.Priority,
		Actor: req.Actor, Assignee: o.Assignee, Escalations: o.Escalations, Satisfaction: req.Satisfaction}
	if o.Deadline != nil {
		d := *o.Deadline
		ord.Deadline = &d
	}
	period := s.period(o)
	switch to {
	case event.Filed:
		if ord.Deadline == nil {
			ord.Deadline = &event.Time{Time: now.Add(period)}
		}
	case event.Dispatched:
		ord.Assignee = req.Assignee
	case event.InProgress, event.ReportedDone:
		if o.Assignee == "" {
			return nil, &TransitionError{OrderID: o.OrderID, From: o.State, To: to, Allowed: Next(o.State),
				Reason: "nobody holds it: dispatch it first"}
		}
	case event.Extended:
		d, err := s.extension(o, req.Deadline, period, now)
		if err != nil {
			return nil, err
		}
		ord.Deadline = &event.Time{Time: d}
	case event.Escalated:
		if o.Escalations >= maxEscalations {
			return nil, &TransitionError{OrderID: o.OrderID, From: o.State, To: to, Allowed: Next(o.State),
				Reason: fmt.Sprintf("it has been escalated %d times, the most there can be", o.Escalations)}
		}
		ord.Escalations++
		grace := time.Duration(s.cfg.EscalationGrace * float64(period)).Truncate(time.Millisecond)
		ord.Deadline = &event.Time{Time: now.Add(grace)}
	}
	return ord, nil
}

// extension is the deadline an extension sets: the one asked for, or one
// period after the current deadline; later than both now and the current
// deadline, and at most MaxExtension periods after the current one.
func (s *Service) extension(o *live.Order, asked *event.Time, period time.Duration, now time.Time) (time.Time, error) {
	base := now
	if o.Deadline != nil && o.Deadline.After(now) {
		base = o.Deadline.Time
	}
	if asked == nil {
		return base.Add(period), nil
	}
	limit := base.Add(time.Duration(s.cfg.MaxExtension * float64(period)))
	switch {
	case !asked.After(base):
		return time.Time{}, &event.FieldError{Field: "deadline", Code: "invalid_field",
			Message: fmt.Sprintf("deadline %s is not later than %s", asked.Format(event.TimeLayout), base.Format(event.TimeLayout))}
	case asked.After(limit):
		return time.Time{}, &event.FieldError{Field: "deadline", Code: "invalid_field",
			Message: fmt.Sprintf("deadline %s is more than %.4g periods (%s each) after %s", asked.Format(event.TimeLayout),
				s.cfg.MaxExtension, period, base.Format(event.TimeLayout))}
	}
	return asked.UTC().Truncate(time.Millisecond), nil
}

// stepID names the event of a step from the order's view: the same step
// from the same view is the same event, so a repeat (a double click, the
// scheduler and a person escalating at once, a retry) is stored once.
func stepID(o *live.Order, to event.State) string {
	id := fmt.Sprintf("%s:%d:%s", o.OrderID, o.Seq, to)
	if len(id) <= 128 {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "step-" + hex.EncodeToString(sum[:])
}

// submit stores one event through the door, as handed in by sender, and
// returns its stream sequence.
func (s *Service) submit(ctx context.Context, sender string, e *event.Event) (uint64, error) {
	body, err := json.Marshal([]*event.Event{e})
	if err != nil {
		return 0, fmt.Errorf("dispatch: encode event %s: %w", e.ID, err)
	}
	resp, err := s.door.Submit(ctx, sender, body)
	if err != nil {
		return 0, fmt.Errorf("dispatch: submit event %s: %w", e.ID, err)
	}
	if len(resp.Results) != 1 {
		return 0, fmt.Errorf("dispatch: submit event %s: %d results for one event", e.ID, len(resp.Results))
	}
	r := resp.Results[0]
	switch r.Status {
	case ingest.Accepted, ingest.Duplicate:
		return r.Seq, nil
	case ingest.Rejected:
		if r.Error != nil {
			// Named as the request names it: "actor", not "order.actor".
			fe := *r.Error
			fe.Field = strings.TrimPrefix(fe.Field, "order.")
			return 0, &fe
		}
		return 0, fmt.Errorf("dispatch: event %s rejected", e.ID)
	}
	return 0, ErrUnavailable
}

// preview is the view an order will have once the state applies e.
func preview(o *live.Order, e *event.Event, seq uint64) *live.Order {
	v := *o
	ord := e.Order
	v.State, v.Updated, v.Seq = ord.State, e.Time, seq
	v.Deadline, v.Assignee, v.Escalations = ord.Deadline, ord.Assignee, ord.Escalations
	v.Overdue = ord.State.Open() && v.Deadline != nil && e.Time.After(v.Deadline.Time)
	return &v
}

func (s *Service) lock(id string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &s.locks[h.Sum32()%uint32(len(s.locks))]
}
