package history

import (
	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/analytics/writer"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// rows turns the simulator's events into blocks of rows: each event
// located as ingest would locate it, then gathered per table until a batch
// is full.
type rows struct {
	ix      *geo.Index
	batch   int
	send    func(*engine.Block) error
	sum     *Summary
	seq     uint64 // the last sequence given to a history event
	events  []bus.Message
	patrols []bus.Message
}

func newRows(ix *geo.Index, batch int, send func(*engine.Block) error, sum *Summary) *rows {
	return &rows{ix: ix, batch: batch, send: send, sum: sum,
		events: make([]bus.Message, 0, batch), patrols: make([]bus.Message, 0, batch)}
}

// add takes one batch of the simulator's events, in time order.
func (r *rows) add(evs []*event.Event) error {
	for _, e := range evs {
		c := r.ix.Locate(e.Location.Lon(), e.Location.Lat())
		if c.Street == nil {
			r.sum.Outside++
			continue
		}
		e.Area = codes(c)
		e.Received = e.Time // as if ingest had taken it at once
		e.Sender = Sender
		m := bus.Message{Stream: Stream, Stored: e.Time.Time, Event: e}
		switch e.Type {
		case event.TypePatrol:
			// Sequence 0: below every bus sequence, so the writer never
			// takes a history sample for a live one (see the package doc).
			r.patrols = append(r.patrols, m)
			r.sum.PatrolSamples++
		case event.TypeOrder:
			r.seq++
			m.Seq = r.seq
			r.events = append(r.events, m)
			r.sum.OrderEvents++
			if e.Order.State == event.Received {
				r.sum.Orders++
			}
		case event.TypeAlarm:
			r.seq++
			m.Seq = r.seq
			r.events = append(r.events, m)
			r.sum.AlarmEvents++
			if e.Alarm.Action == event.Raise {
				r.sum.Alarms++
			}
		}
	}
	return r.sendFull(false)
}

// flush sends what is gathered.
func (r *rows) flush() error { return r.sendFull(true) }

func (r *rows) sendFull(all bool) error {
	if len(r.events) >= r.batch || (all && len(r.events) > 0) {
		if err := r.send(writer.EventsBlock(r.events)); err != nil {
			return err
		}
		clear(r.events)
		r.events = r.events[:0]
	}
	if len(r.patrols) >= r.batch || (all && len(r.patrols) > 0) {
		if err := r.send(writer.PatrolBlock(r.patrols)); err != nil {
			return err
		}
		clear(r.patrols)
		r.patrols = r.patrols[:0]
	}
	return nil
}

// codes is the chain's area codes, as ingest attaches them.
func codes(c geo.Chain) *event.Chain {
	code := func(a *area.Area) string {
		if a == nil {
			return ""
		}
		return a.Code
	}
	return &event.Chain{
		Street: code(c.Street), Community: code(c.Community), Compound: code(c.Compound),
		Building: code(c.Building), GeneralGrid: code(c.GeneralGrid), MicroGrid: code(c.MicroGrid),
		DedicatedGrid: code(c.DedicatedGrid),
	}
}
