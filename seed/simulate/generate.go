package simulate

import (
	"context"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// Generate advances the simulation to the simulated time to, like Step,
// but hands the events that came due to sink instead of posting them: in
// time order, in batches of at most MaxBatch. It is how history is written
// straight into storage with the same generators the live simulation
// uses. sink must not keep the slice, which is reused; it may keep the
// events. Generate stops at the first error of sink, or when ctx ends.
//
// Events still on the agenda after to (the later steps of orders opened
// before it) stay there for the next call.
func (s *Simulator) Generate(ctx context.Context, to time.Time, sink func([]*event.Event) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.buf = s.sch.drain(to, s.cfg.MaxBatch, s.buf[:0])
		if len(s.buf) == 0 {
			break
		}
		if err := sink(s.buf); err != nil {
			return err
		}
		for _, e := range s.buf {
			s.c.sent[typeIndex(e.Type)].Add(1)
		}
		if len(s.buf) < s.cfg.MaxBatch {
			break
		}
	}
	clear(s.buf)
	s.c.simTime.Store(to.UnixNano())
	s.c.onDuty.Store(int64(s.patrols.onDuty()))
	s.c.pending.Store(int64(s.sch.pending()))
	return nil
}
