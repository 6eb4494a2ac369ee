package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
)

// produce plans a batch every Batch/Rate seconds until `until`, handing
// each to the senders. When every sender is busy it waits rather than
// piling batches up, so an overloaded server shows as a posted rate below
// the asked one, never as unbounded memory.
func (r *runner) produce(ctx context.Context, out chan<- []planned, until time.Time) {
	defer close(out)
	interval := time.Duration(float64(time.Second) * float64(r.cfg.Batch) / float64(r.cfg.Rate))
	next := time.Now()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		now := time.Now()
		if !now.Before(until) {
			return
		}
		if wait := next.Sub(now); wait > 0 {
			t.Reset(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
		evs := r.model.plan(make([]planned, 0, r.cfg.Batch), r.cfg.Batch, time.Now())
		select {
		case out <- evs:
		case <-ctx.Done():
			return
		}
		next = next.Add(interval)
		// More than a second behind: the senders cannot keep up. Going on
		// from now rather than bursting keeps the rate honest.
		if behind := time.Since(next); behind > time.Second {
			next = time.Now()
		}
	}
}

// postStats are the senders' counts. Window counts are of events whose
// batch was sent inside the measured window.
type postStats struct {
	requests   atomic.Int64
	httpErrors atomic.Int64 // requests that got no per-event answer
	window     [kinds][statusCount]atomic.Int64

	mu         sync.Mutex
	firstFails []string
}

// status is what became of one posted event.
type status int

const (
	stAccepted status = iota
	stDuplicate
	stRejected
	stFailed // the bus did not store it
	stLost   // no answer for it: the request failed
	statusCount
)

var statusNames = [statusCount]string{"accepted", "duplicate", "rejected", "failed", "lost"}

func parseStatus(s string) status {
	for i, n := range statusNames[:stLost] {
		if n == s {
			return status(i)
		}
	}
	return stFailed
}

func (p *postStats) note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.firstFails) < 5 {
		p.firstFails = append(p.firstFails, msg)
	}
}

// answer is ingest's answer to a batch, as far as the sender needs it.
type answer struct {
	Results []struct {
		Index  int    `json:"index"`
		Status string `json:"status"`
		Seq    uint64 `json:"seq"`
		Error  *struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"results"`
}

// send posts batches until in is closed; i numbers the sender.
func (r *runner) send(ctx context.Context, in <-chan []planned, i int) {
	url := r.base + "/api/v1/events"
	lat := r.lat.sampler(i)
	defer lat.flush()
	var body []byte
	for evs := range in {
		sent := time.Now()
		body = append(body[:0], '[')
		for i := range evs {
			if i > 0 {
				body = append(body, ',')
			}
			body = appendEvent(body, &evs[i], r.prefix, sent)
			if evs[i].removal {
				// Before posting: the delta may reach a client before
				// the answer reaches this sender.
				r.closed.put(evs[i].key(), sent.UnixNano())
			}
		}
		body = append(body, ']')
		statuses, seqs := r.post(ctx, url, body, len(evs))
		window := r.inWindow(sent.UnixNano())
		if window {
			lat.add(seriesPost, time.Since(sent).Nanoseconds())
		}
		for i := range evs {
			p := &evs[i]
			p.answered()
			st := statuses[i]
			if window {
				r.posted.window[p.kind][st].Add(1)
			}
			if p.kind != kindPatrol {
				r.outcome(p, st, seqs[i])
			}
		}
	}
}

// post sends one batch and reads the status of each event.
func (r *runner) post(ctx context.Context, url string, body []byte, n int) ([]status, []uint64) {
	statuses := make([]status, n)
	seqs := make([]uint64, n)
	lost := func(format string, args ...any) ([]status, []uint64) {
		r.posted.httpErrors.Add(1)
		r.posted.note(fmt.Sprintf(format, args...))
		for i := range statuses {
			statuses[i] = stLost
		}
		return statuses, seqs
	}
	r.posted.requests.Add(1)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return lost("request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if r.cfg.Key != "" {
		req.Header.Set("Authorization", "Bearer "+r.cfg.Key)
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return lost("POST: %v", err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return lost("POST: reading the answer: %v", err)
	}
	var a answer
	if err := json.Unmarshal(data, &a); err != nil || len(a.Results) != n {
		return lost("POST: HTTP %d: %.200s", resp.StatusCode, data)
	}
	for _, res := range a.Results {
		if res.Index < 0 || res.Index >= n {
			continue
		}
		st := parseStatus(res.Status)
		statuses[res.Index], seqs[res.Index] = st, res.Seq
		if st == stRejected || st == stFailed {
			msg := res.Status
			if res.Error != nil {
				msg += " " + res.Error.Field + ": " + res.Error.Message
			}
			r.posted.note(msg)
		}
	}
	return statuses, seqs
}

// incident is an order or alarm event the server accepted, for the
// exactly-once check.
type incident struct {
	seq   uint64
	pos   orb.Point
	layer layers
}

// outcome records what became of an order or alarm event.
func (r *runner) outcome(p *planned, st status, seq uint64) {
	r.incMu.Lock()
	defer r.incMu.Unlock()
	switch st {
	case stAccepted:
		l := layerOrders
		if p.kind == kindAlarm {
			l = layerAlarms
		}
		r.incidents = append(r.incidents, incident{seq: seq, pos: p.pos, layer: l})
		r.lastSeq = max(r.lastSeq, seq)
	case stFailed, stLost, stDuplicate:
		// It may or may not be in the stream: the exact check cannot
		// say what clients should have had.
		r.uncertain++
	}
}

// closeTimes remembers when each closing or clearing event was sent: its
// delta carries no view, so no title to read the time from.
type closeTimes struct {
	seed   maphash.Seed
	shards [16]struct {
		mu sync.RWMutex
		m  map[string]int64
	}
}

func newCloseTimes() *closeTimes {
	c := &closeTimes{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = map[string]int64{}
	}
	return c
}

func (c *closeTimes) put(key string, ns int64) {
	s := &c.shards[maphash.String(c.seed, key)%uint64(len(c.shards))]
	s.mu.Lock()
	s.m[key] = ns
	s.mu.Unlock()
}

func (c *closeTimes) get(key []byte) int64 {
	s := &c.shards[maphash.Bytes(c.seed, key)%uint64(len(c.shards))]
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[string(key)]
}
