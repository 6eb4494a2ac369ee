package writer

import (
	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// EventsBlock is the events table's rows for msgs, made exactly as the
// writer makes them from the bus, for events that reach ClickHouse another
// way (history written straight into it). Messages without an event are
// left out.
func EventsBlock(msgs []bus.Message) *engine.Block {
	b, _, _ := buildEvents(msgs, nil)
	return b
}

// PatrolBlock is the patrol_samples rows for msgs, one per message, made as
// the writer makes them; the caller has downsampled them already.
func PatrolBlock(msgs []bus.Message) *engine.Block {
	return newPatrolColumns(msgs).block()
}
