package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// poster sends batches of events to ingest. A batch that fails on the
// network or with a 5xx is sent again, the same bytes with the same ids,
// so ingest's deduplication makes a retry safe; a batch is given up only
// with an error that stops the run, never silently.
type poster struct {
	client   *http.Client
	url      string
	header   http.Header
	maxBytes int
	retries  int
	base     time.Duration
	maxWait  time.Duration
	log      *slog.Logger
	c        *counters
	// sleep waits between retries; tests replace it to run without
	// waiting.
	sleep func(ctx context.Context, d time.Duration) error
}

// reply is ingest's answer to a batch.
type reply struct {
	Accepted   int64         `json:"accepted"`
	Duplicates int64         `json:"duplicates"`
	Rejected   int64         `json:"rejected"`
	Results    []replyResult `json:"results"`
}

type replyResult struct {
	Index  int    `json:"index"`
	ID     string `json:"id"`
	Status string `json:"status"`
	Error  *struct {
		Code    string `json:"code"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// errorReply is the server's error shape for a whole-request problem.
type errorReply struct {
	Error struct {
		Code    string `json:"code"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"error"`
}

// maxLoggedRejects bounds the rejected events logged per batch.
const maxLoggedRejects = 5

// post sends evs, split into requests no larger than maxBytes.
func (p *poster) post(ctx context.Context, evs []*event.Event) error {
	if len(evs) == 0 {
		return nil
	}
	body, err := json.Marshal(evs)
	if err != nil {
		return fmt.Errorf("encode %d events: %w", len(evs), err)
	}
	if len(body) > p.maxBytes && len(evs) > 1 {
		half := len(evs) / 2
		if err := p.post(ctx, evs[:half]); err != nil {
			return err
		}
		return p.post(ctx, evs[half:])
	}
	return p.send(ctx, body, evs)
}

// send posts one encoded batch, retrying what may pass on a second try:
// the whole batch after a network error or a 5xx, the events ingest
// answered "failed" (valid but not stored) after a partial success.
func (p *poster) send(ctx context.Context, body []byte, evs []*event.Event) error {
	for attempt := 0; ; attempt++ {
		status, data, retryAfter, err := p.do(ctx, body)
		if ctx.Err() != nil {
			return fmt.Errorf("%d events not sent: %w", len(evs), ctx.Err())
		}
		var why string
		switch {
		case err != nil:
			why = err.Error()
		case status == http.StatusOK:
			var rep reply
			if jerr := json.Unmarshal(data, &rep); jerr != nil {
				// The batch may have landed; resending is safe.
				why = "unreadable reply: " + jerr.Error()
				break
			}
			failed := p.account(rep, evs)
			if len(failed) == 0 {
				return nil
			}
			why = fmt.Sprintf("%d of %d events not stored", len(failed), len(evs))
			evs = failed
			if body, err = json.Marshal(evs); err != nil {
				return fmt.Errorf("encode %d events: %w", len(evs), err)
			}
		case status == http.StatusRequestEntityTooLarge && len(evs) > 1:
			half := len(evs) / 2
			if err := p.post(ctx, evs[:half]); err != nil {
				return err
			}
			return p.post(ctx, evs[half:])
		case status == http.StatusTooManyRequests || status >= 500:
			why = fmt.Sprintf("%d %s", status, describeError(data))
		case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound:
			// The wrong address or key: every batch would fail alike.
			return fmt.Errorf("POST %s: %d %s", p.url, status, describeError(data))
		default:
			// The server refused the batch as a whole (ingest answers 400
			// when every event is invalid): a bug here, not a passing
			// fault. Count every event as rejected and go on.
			p.c.rejected.Add(int64(len(evs)))
			p.log.Error("simulate: batch rejected", "status", status, "events", len(evs), "error", describeError(data))
			return nil
		}
		if attempt >= p.retries {
			return fmt.Errorf("POST %s: %d events not sent after %d attempts: %s", p.url, len(evs), attempt+1, why)
		}
		p.c.retries.Add(1)
		wait := p.backoff(attempt, retryAfter)
		p.log.Warn("simulate: retrying", "attempt", attempt+1, "events", len(evs), "wait", wait, "reason", why)
		if err := p.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%d events not sent: %w", len(evs), err)
		}
	}
}

// do posts one batch.
func (p *poster) do(ctx context.Context, body []byte) (status int, data []byte, retryAfter time.Duration, err error) {
	return request(ctx, p.client, p.header, http.MethodPost, p.url, body, 16<<20)
}

// request makes one request to the server, with the simulator's headers,
// and reads the whole answer (at most limit bytes) so the connection can
// be reused; retryAfter is the server's Retry-After, in seconds, if any.
func request(ctx context.Context, client *http.Client, header http.Header, method, target string, body []byte, limit int64) (status int, data []byte, retryAfter time.Duration, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "gridpulse-simulate")
	for k, vs := range header {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	data, err = io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return 0, nil, 0, fmt.Errorf("read reply: %w", err)
	}
	if s, aerr := strconv.Atoi(resp.Header.Get("Retry-After")); aerr == nil && s > 0 {
		retryAfter = time.Duration(s) * time.Second
	}
	return resp.StatusCode, data, retryAfter, nil
}

// account counts what ingest did with a batch, logs rejected events,
// which a correct simulator never produces, and returns the events ingest
// could not store, to be sent again.
func (p *poster) account(rep reply, evs []*event.Event) (failed []*event.Event) {
	p.c.batches.Add(1)
	p.c.accepted.Add(rep.Accepted)
	p.c.duplicates.Add(rep.Duplicates)
	p.c.rejected.Add(rep.Rejected)
	answered := make([]bool, len(evs))
	if len(rep.Results) != len(evs) {
		// No usable per-event answer: take the batch as answered.
		for i := range answered {
			answered[i] = true
		}
	}
	logged := 0
	for _, r := range rep.Results {
		if r.Index < 0 || r.Index >= len(evs) {
			continue
		}
		switch r.Status {
		case "failed":
			failed = append(failed, evs[r.Index])
			continue
		case "rejected":
			if logged < maxLoggedRejects {
				logged++
				attrs := []any{"index", r.Index, "id", r.ID}
				if r.Error != nil {
					attrs = append(attrs, "field", r.Error.Field, "error", r.Error.Message)
				}
				p.log.Error("simulate: event rejected", attrs...)
			}
		}
		answered[r.Index] = true
	}
	for i, e := range evs {
		if answered[i] {
			p.c.sent[typeIndex(e.Type)].Add(1)
		}
	}
	return failed
}

// backoff is the wait before retry attempt+1: doubling from base, capped,
// with a little jitter so several senders do not retry in step; at least
// what the server asked for.
func (p *poster) backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := p.base << min(attempt, 20)
	if d > p.maxWait || d <= 0 {
		d = p.maxWait
	}
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	return max(d, retryAfter)
}

// describeError gives the message of an error reply, or the start of the
// body when it is not one.
func describeError(data []byte) string {
	var e errorReply
	if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
		if e.Error.Field != "" {
			return e.Error.Code + " " + e.Error.Field + ": " + e.Error.Message
		}
		return e.Error.Code + ": " + e.Error.Message
	}
	s := string(bytes.TrimSpace(data))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
