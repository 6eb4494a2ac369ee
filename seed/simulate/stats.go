package simulate

import (
	"sync/atomic"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// Stats is what a simulator has done so far.
type Stats struct {
	// Orders, Patrols and Alarms count events by type: those ingest
	// answered for, or that Generate handed over.
	Orders, Patrols, Alarms int64
	// Accepted, Duplicates and Rejected are ingest's verdicts. Duplicates
	// come from retries of batches that had landed; Rejected should stay 0.
	Accepted, Duplicates, Rejected int64
	// Retries counts batches and actions sent again; Batches the batches
	// answered.
	Retries, Batches int64
	// Actions counts order steps taken through the server's dispatch
	// actions; Refused those it refused because the order had moved
	// otherwise (a person or the server's scheduler acted); LeftToServer
	// the escalations the simulator left to the server's scheduler.
	Actions, Refused, LeftToServer int64
	// AdoptedOrders and AdoptedAlarms count the open orders and active
	// alarms the run took over from the server when it started
	// (Config.Actions only).
	AdoptedOrders, AdoptedAlarms int64
	// SimTime is the simulated time sent up to.
	SimTime time.Time
	// OnDuty is the number of workers on patrol at SimTime.
	OnDuty int64
	// Pending is how many events and tasks wait on the agenda.
	Pending int64
}

// counters are the live Stats, safe to read from another goroutine.
type counters struct {
	sent                           [3]atomic.Int64 // by typeIndex
	accepted, duplicates, rejected atomic.Int64
	retries, batches               atomic.Int64
	actions, refused, leftToServer atomic.Int64
	adoptedOrders, adoptedAlarms   atomic.Int64
	simTime                        atomic.Int64 // Unix nanoseconds
	onDuty, pending                atomic.Int64
}

func typeIndex(t event.Type) int {
	switch t {
	case event.TypeOrder:
		return 0
	case event.TypePatrol:
		return 1
	}
	return 2
}

func (c *counters) snapshot() Stats {
	s := Stats{
		Orders: c.sent[0].Load(), Patrols: c.sent[1].Load(), Alarms: c.sent[2].Load(),
		Accepted: c.accepted.Load(), Duplicates: c.duplicates.Load(), Rejected: c.rejected.Load(),
		Retries: c.retries.Load(), Batches: c.batches.Load(),
		Actions: c.actions.Load(), Refused: c.refused.Load(), LeftToServer: c.leftToServer.Load(),
		AdoptedOrders: c.adoptedOrders.Load(), AdoptedAlarms: c.adoptedAlarms.Load(),
		OnDuty: c.onDuty.Load(), Pending: c.pending.Load(),
	}
	if ns := c.simTime.Load(); ns != 0 {
		s.SimTime = time.Unix(0, ns).UTC()
	}
	return s
}
