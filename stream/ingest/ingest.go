// Package ingest is the door events come in by: it decodes a posted batch,
// validates each event, converts its coordinates to WGS-84, locates it in
// the district, and stores it on the bus. A work order or alarm is
// acknowledged to its sender only once JetStream has it; a patrol position
// once it is on its way to the live state, and, for the sample of them kept
// (a worker's first report in a minute, or a change of duty), once
// JetStream has it. The answer names, per event, whether it was accepted, a
// duplicate or rejected, and for a rejection the field.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/geo/crs"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// Config bounds what one post may carry.
type Config struct {
	MaxEvents int          // events per batch
	Limits    event.Limits // how old or how far ahead an event's time may be
}

// DefaultConfig takes up to 1,000 events a post.
func DefaultConfig() Config {
	return Config{MaxEvents: 1000, Limits: event.DefaultLimits}
}

// Status is what became of one event.
type Status string

// The per-event outcomes.
const (
	Accepted  Status = "accepted"  // stored; Seq is its place in its stream
	Duplicate Status = "duplicate" // an event with this id was stored before
	Rejected  Status = "rejected"  // invalid; Error names the field
	Failed    Status = "failed"    // valid but not stored (bus trouble); retry with the same id
)

// Result is the answer for one event of a batch.
type Result struct {
	Index  int               `json:"index"`
	ID     string            `json:"id,omitempty"`
	Status Status            `json:"status"`
	Stream string            `json:"stream,omitempty"`
	Seq    uint64            `json:"seq,omitempty"`
	Error  *event.FieldError `json:"error,omitempty"`
}

// Response is the answer for a whole batch.
type Response struct {
	Accepted   int      `json:"accepted"`
	Duplicates int      `json:"duplicates"`
	Rejected   int      `json:"rejected"`
	Failed     int      `json:"failed"`
	Results    []Result `json:"results"`
}

// HTTPStatus is the status code the batch deserves: 200 when anything was
// stored (or repeated), 400 when every event was rejected, 503 when the bus
// stored nothing that was valid.
func (r *Response) HTTPStatus() int {
	switch {
	case r.Accepted+r.Duplicates > 0:
		return http.StatusOK
	case r.Failed > 0:
		return http.StatusServiceUnavailable
	default:
		return http.StatusBadRequest
	}
}

// FirstError is the first rejection, named by its place in the batch, for
// the top-level error of a batch that stored nothing.
func (r *Response) FirstError() *event.FieldError {
	for _, res := range r.Results {
		if res.Error != nil {
			e := *res.Error
			e.Field = itemField(res.Index, e.Field)
			return &e
		}
	}
	return nil
}

// Ingest validates, locates and publishes batches of events.
type Ingest struct {
	cfg     Config
	index   *geo.Index
	bus     *bus.Bus
	now     func() time.Time
	sampler *sampler
	counted *prometheus.CounterVec
}

// New makes the ingest pipeline. now is the clock used to judge event
// times; nil means time.Now.
func New(cfg Config, index *geo.Index, b *bus.Bus, now func() time.Time) *Ingest {
	if now == nil {
		now = time.Now
	}
	return &Ingest{cfg: cfg, index: index, bus: b, now: now, sampler: newSampler(),
		counted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridpulse_ingest_events_total",
			Help: "Events posted to ingest, by type and outcome.",
		}, []string{"type", "status"}),
	}
}

// Collectors are the ingest metrics, for the server to register.
func (in *Ingest) Collectors() []prometheus.Collector { return []prometheus.Collector{in.counted} }

// ErrNoSender refuses a batch submitted without saying who sent it.
var ErrNoSender = errors.New("ingest: no sender named for the batch")

// Submit handles one posted body from sender, who is written into every
// event stored (see event.Event.Sender). A returned error is a problem
// with the batch as a whole (*event.BatchError); otherwise every event
// has a Result.
func (in *Ingest) Submit(ctx context.Context, sender string, body []byte) (*Response, error) {
	return in.SubmitAdmitted(ctx, sender, body, nil)
}

// SubmitAdmitted is Submit with a gate: once the batch is decoded, admit
// is asked whether its n items may go on (a sender's rate limit), and its
// error refuses the whole batch before anything is stored. Nil admits all.
func (in *Ingest) SubmitAdmitted(ctx context.Context, sender string, body []byte, admit func(n int) error) (*Response, error) {
	if sender == "" {
		// Every stored event names who handed it in: a caller that does
		// not know is a fault of the server, not of the sender.
		return nil, ErrNoSender
	}
	items, err := event.DecodeBatch(body, in.cfg.MaxEvents)
	if err != nil {
		return nil, err
	}
	if admit != nil {
		if err := admit(len(items)); err != nil {
			return nil, err
		}
	}
	now := in.now().UTC()
	resp := &Response{Results: make([]Result, len(items))}
	var valid []*event.Event
	var validAt []int
	for i, it := range items {
		res := &resp.Results[i]
		res.Index = it.Index
		e := it.Event
		ferr := it.Err
		if ferr == nil {
			res.ID = e.ID
			ferr = in.prepare(e, now)
		}
		if ferr == nil {
			e.Sender = sender
		}
		if ferr != nil {
			res.Status, res.Error = Rejected, ferr
			continue
		}
		valid = append(valid, e)
		validAt = append(validAt, i)
	}
	in.store(ctx, resp, valid, validAt, now)
	for i, res := range resp.Results {
		switch res.Status {
		case Accepted:
			resp.Accepted++
		case Duplicate:
			resp.Duplicates++
		case Rejected:
			resp.Rejected++
		case Failed:
			resp.Failed++
		}
		typ := "unknown"
		if e := items[i].Event; e != nil && e.Type.Valid() {
			typ = string(e.Type)
		}
		in.counted.WithLabelValues(typ, string(res.Status)).Inc()
	}
	return resp, nil
}

// store sends the valid events of a batch on their way and fills in their
// results. Every patrol position goes to the live subject; orders, alarms
// and the positions kept as samples are stored in JetStream, and only
// then acknowledged.
func (in *Ingest) store(ctx context.Context, resp *Response, valid []*event.Event, validAt []int, now time.Time) {
	var durable, patrols []*event.Event
	var durableAt, patrolAt []int
	for j, e := range valid {
		if e.Type == event.TypePatrol {
			patrols, patrolAt = append(patrols, e), append(patrolAt, validAt[j])
		} else {
			durable, durableAt = append(durable, e), append(durableAt, validAt[j])
		}
	}
	for j, keep := range in.sampler.pick(patrols) {
		if keep {
			durable, durableAt = append(durable, patrols[j]), append(durableAt, patrolAt[j])
		} else {
			resp.Results[patrolAt[j]].Status = Accepted
		}
	}
	// Positions go live first: they do not wait for the stored events.
	if err := in.bus.PublishLive(patrols); err != nil {
		for j, e := range valid {
			if res := &resp.Results[validAt[j]]; e.Type == event.TypePatrol && res.Status == Accepted {
				res.Status, res.Error = Failed, unavailable(err)
			}
		}
	}
	if len(durable) == 0 {
		return
	}
	for j, ack := range in.bus.Publish(ctx, durable) {
		res := &resp.Results[durableAt[j]]
		switch {
		case ack.Err != nil:
			res.Status, res.Error = Failed, unavailable(ack.Err)
		case ack.Duplicate:
			res.Status, res.Stream, res.Seq = Duplicate, ack.Stream, ack.Seq
		default:
			res.Status, res.Stream, res.Seq = Accepted, ack.Stream, ack.Seq
			if e := durable[j]; e.Type == event.TypePatrol {
				in.sampler.kept(e, now)
			}
		}
	}
}

func unavailable(err error) *event.FieldError {
	return &event.FieldError{Code: "unavailable", Message: "not stored, retry with the same id: " + err.Error()}
}

// prepare validates an event, brings its location to WGS-84 and attaches
// the areas holding it. It changes e only when it returns nil.
func (in *Ingest) prepare(e *event.Event, now time.Time) *event.FieldError {
	if err := e.Validate(now, in.cfg.Limits); err != nil {
		return err
	}
	datum, err := crs.Parse(e.CRS)
	if err != nil {
		return &event.FieldError{Field: "crs", Code: "invalid_field", Message: err.Error()}
	}
	lon, lat := crs.ToWGS84(datum, e.Location.Lon(), e.Location.Lat())
	chain := in.index.Locate(lon, lat)
	if chain.Street == nil {
		return in.outside(e.Location)
	}
	e.Location, e.CRS = event.Position{lon, lat}, ""
	e.Area = codes(chain)
	e.Received = event.Time{Time: now}
	return nil
}

// outside explains a location no street holds, spotting the common mistake
// of sending [lat, lon].
func (in *Ingest) outside(p event.Position) *event.FieldError {
	msg := fmt.Sprintf("location %s is outside the district", p)
	if swapped := in.index.Locate(p.Lat(), p.Lon()); swapped.Street != nil {
		msg = fmt.Sprintf("location %s is outside the district, but [%v, %v] is inside: send [lon, lat], not [lat, lon]", p, p.Lat(), p.Lon())
	}
	return &event.FieldError{Field: "location", Code: "outside_area", Message: msg}
}

func codes(c geo.Chain) *event.Chain {
	out := &event.Chain{}
	if c.Street != nil {
		out.Street = c.Street.Code
	}
	if c.Community != nil {
		out.Community = c.Community.Code
	}
	if c.Compound != nil {
		out.Compound = c.Compound.Code
	}
	if c.Building != nil {
		out.Building = c.Building.Code
	}
	if c.GeneralGrid != nil {
		out.GeneralGrid = c.GeneralGrid.Code
	}
	if c.MicroGrid != nil {
		out.MicroGrid = c.MicroGrid.Code
	}
	if c.DedicatedGrid != nil {
		out.DedicatedGrid = c.DedicatedGrid.Code
	}
	return out
}

func itemField(i int, field string) string {
	if field == "" {
		return fmt.Sprintf("events[%d]", i)
	}
	return fmt.Sprintf("events[%d].%s", i, field)
}
