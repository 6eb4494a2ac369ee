package dispatch

import (
	"fmt"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// Config tunes dispatching. The zero value is ready to use: every zero
// field takes its default from withDefaults, the one place defaults live.
type Config struct {
	// Deadlines is the deadline table. Default DefaultDeadlines.
	Deadlines DeadlineTable
	// EscalationGrace is the share of an order's period it is given again
	// from the moment it is escalated. Default 0.5.
	EscalationGrace float64
	// MaxExtension bounds an extension: the new deadline lies at most this
	// many periods after the current one. Default 2.
	MaxExtension float64
	// AutoEscalations is how often the scheduler escalates one order; then
	// it is flagged for the efficiency office and left to people. Default
	// FlagAfter.
	AutoEscalations int
	// Weights rank the workers suggested for an order. Default
	// DefaultAssignWeights.
	Weights AssignWeights
	// Roles are the patrol roles orders are dispatched to. Default grid
	// workers and micro-grid leaders.
	Roles []event.Role
	// Candidates is how many of the nearest workers on duty are weighed
	// for each suggestion asked for; never fewer than 40. Default 8.
	Candidates int
	// ApplyWait bounds how long an action waits for the live state to show
	// the step it stored; the step is stored either way. Default 5 s.
	ApplyWait time.Duration
	// Clock tells the time of every step and deadline. Default the system
	// clock.
	Clock Clock
}

// Defaults used by withDefaults.
const (
	defaultEscalationGrace = 0.5
	defaultMaxExtension    = 2
	defaultCandidates      = 8
	minCandidates          = 40
	defaultApplyWait       = 5 * time.Second
)

var defaultRoles = []event.Role{"grid_worker", "micro_grid_leader"}

func (c Config) withDefaults() Config {
	if c.Deadlines == nil {
		c.Deadlines = DefaultDeadlines
	}
	if c.EscalationGrace <= 0 {
		c.EscalationGrace = defaultEscalationGrace
	}
	if c.MaxExtension <= 0 {
		c.MaxExtension = defaultMaxExtension
	}
	if c.AutoEscalations <= 0 {
		c.AutoEscalations = FlagAfter
	}
	if c.Weights == (AssignWeights{}) {
		c.Weights = DefaultAssignWeights
	}
	if len(c.Roles) == 0 {
		c.Roles = defaultRoles
	}
	if c.Candidates <= 0 {
		c.Candidates = defaultCandidates
	}
	if c.ApplyWait <= 0 {
		c.ApplyWait = defaultApplyWait
	}
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	return c
}

func (c Config) validate() error {
	if err := c.Deadlines.Validate(); err != nil {
		return err
	}
	if c.AutoEscalations > maxEscalations {
		return fmt.Errorf("auto escalations %d: an order is escalated at most %d times", c.AutoEscalations, maxEscalations)
	}
	for _, r := range c.Roles {
		if !event.Roles.Has(string(r)) {
			return fmt.Errorf("role %q is not a patrol role", r)
		}
	}
	return nil
}
