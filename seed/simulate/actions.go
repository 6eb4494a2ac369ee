package simulate

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
)

// OrdersPath is where the server takes the dispatch actions on an order:
// POST OrdersPath/{id}/{action}.
const OrdersPath = "/api/v1/orders"

// notYetTries bounds how often an action on an order the server does not
// know yet is tried again: its received event was posted a moment before
// and the live state shows it within milliseconds.
const notYetTries = 6

// actor takes the steps of orders that happen now through the server's
// dispatch actions, as the people of the district would: the community
// files and dispatches (to the worker the server suggests), the worker
// starts and reports done, the grid worker verifies, the community closes
// with the resident's rating. Escalations are the server's scheduler's to
// make, so the simulator's own are left out.
type actor struct {
	client  *http.Client
	base    string // the server's URL, without a trailing slash
	header  http.Header
	token   func(ctx context.Context) (string, error)
	retries int
	backoff func(attempt int, retryAfter time.Duration) time.Duration
	log     *slog.Logger
	c       *counters
	sleep   func(ctx context.Context, d time.Duration) error
	// sentTo maps an order to the worker it was dispatched to when the
	// server's suggestion differs from the simulator's plan, so the steps
	// that follow are taken by the worker who holds it.
	sentTo map[string]handover
}

// handover is a plan's assignee and the worker who got the order instead.
type handover struct{ planned, actual string }

// actionBody is the JSON body of an action.
type actionBody struct {
	Actor        string `json:"actor"`
	Assignee     string `json:"assignee,omitempty"`
	Satisfaction int    `json:"satisfaction,omitempty"`
}

// act takes the step e through its action. A step the server refuses
// (409: a person or the scheduler moved the order otherwise, 404: it never
// learnt of the order) is counted and skipped; network errors and 5xx are
// retried like batches, and only those stop the run.
func (a *actor) act(ctx context.Context, e *event.Event) error {
	o := e.Order
	if o.State == event.Escalated {
		a.c.leftToServer.Add(1)
		return nil
	}
	action, ok := dispatch.ActionFor(o.State)
	if !ok {
		return fmt.Errorf("no action leads to %s", o.State)
	}
	body := actionBody{Actor: o.Actor, Satisfaction: o.Satisfaction}
	h, handed := a.sentTo[o.OrderID]
	if handed && body.Actor == h.planned {
		body.Actor = h.actual
	}
	if o.State == event.Dispatched {
		body.Assignee = o.Assignee
		if strings.HasPrefix(o.Assignee, "GW") {
			if w := a.suggest(ctx, o.OrderID); w != "" && w != o.Assignee {
				body.Assignee = w
				a.sentTo[o.OrderID] = handover{planned: o.Assignee, actual: w}
			}
		}
	}
	if o.State == event.Closed {
		delete(a.sentTo, o.OrderID)
	}
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode action: %w", err)
	}
	target := a.base + OrdersPath + "/" + url.PathEscape(o.OrderID) + "/" + string(action)
	notYet, failures := 0, 0
	for {
		status, reply, retryAfter, err := a.do(ctx, http.MethodPost, target, data)
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s not taken: %w", action, o.OrderID, ctx.Err())
		}
		var why string
		switch {
		case err != nil:
			why = err.Error()
		case status == http.StatusOK || status == http.StatusAccepted:
			a.c.actions.Add(1)
			a.c.sent[typeIndex(event.TypeOrder)].Add(1)
			return nil
		case status == http.StatusNotFound && notYet < notYetTries:
			// Not a fault of the server: its live state is a moment behind.
			notYet++
			if err := a.sleep(ctx, time.Duration(notYet)*100*time.Millisecond); err != nil {
				return err
			}
			continue
		case status == http.StatusConflict || status == http.StatusNotFound:
			a.c.refused.Add(1)
			a.log.Debug("simulate: action refused", "order", o.OrderID, "action", action, "status", status, "error", describeError(reply))
			return nil
		case status == http.StatusTooManyRequests || status >= 500:
			why = fmt.Sprintf("%d %s", status, describeError(reply))
		default:
			// A request the server finds wrong is a bug here; count it
			// and go on, as for rejected events.
			a.c.rejected.Add(1)
			a.log.Error("simulate: action rejected", "order", o.OrderID, "action", action, "status", status, "error", describeError(reply))
			return nil
		}
		if failures >= a.retries {
			return fmt.Errorf("POST %s: not taken after %d attempts: %s", target, failures+1, why)
		}
		a.c.retries.Add(1)
		wait := a.backoff(failures, retryAfter)
		failures++
		a.log.Warn("simulate: retrying an action", "attempt", failures, "order", o.OrderID, "action", action, "wait", wait, "reason", why)
		if err := a.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// suggest is the worker the server suggests for an order, or "" when it
// has none (no one on duty near it) or cannot say.
func (a *actor) suggest(ctx context.Context, orderID string) string {
	status, reply, _, err := a.do(ctx, http.MethodGet, a.base+OrdersPath+"/"+url.PathEscape(orderID)+"/suggestions?k=1", nil)
	if err != nil || status != http.StatusOK {
		return ""
	}
	var s struct {
		Workers []struct {
			WorkerID string `json:"worker_id"`
		} `json:"workers"`
	}
	if json.Unmarshal(reply, &s) != nil || len(s.Workers) == 0 {
		return ""
	}
	return s.Workers[0].WorkerID
}

// do makes one request to the server's dispatch API.
func (a *actor) do(ctx context.Context, method, target string, body []byte) (status int, data []byte, retryAfter time.Duration, err error) {
	header := a.header
	if a.token != nil {
		t, err := a.token(ctx)
		if err != nil {
			return 0, nil, 0, fmt.Errorf("sign in for dispatch actions: %w", err)
		}
		header = withBearer(header, t)
	}
	return request(ctx, a.client, header, method, target, body, 1<<20)
}
