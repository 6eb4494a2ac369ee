// Package bus is Gridpulse's event bus: NATS JetStream, embedded in the
// process by default (one binary, nothing to install) or an external NATS
// cluster by URL. Ingest publishes and learns the stream sequence once
// JetStream has the event; consumers read in order and resume after a
// restart.
package bus

import (
	"fmt"
	"time"
)

// Stream names. Orders and alarms share one long-lived stream whose
// sequence numbers are the live protocol's; patrol positions, about a
// hundred times as many, live in their own short-lived stream so they never
// crowd work orders out of the retention limits.
const (
	EventsStream = "EVENTS"
	PatrolStream = "PATROLS"
)

// Config says where the bus is and how long it keeps events. The zero value
// is not usable; start from DefaultConfig.
type Config struct {
	// URL of an external NATS server or cluster (comma-separated). Empty
	// runs an embedded server storing in Dir.
	URL string
	// Dir is the embedded server's storage directory.
	Dir string
	// Listen, when set, opens the embedded server on this host:port so
	// other processes can reach it; empty keeps it in-process only.
	Listen string

	// EventsMaxAge and EventsMaxBytes bound the orders-and-alarms stream.
	EventsMaxAge   time.Duration
	EventsMaxBytes int64
	// PatrolMaxAge and PatrolMaxBytes bound the patrol stream.
	PatrolMaxAge   time.Duration
	PatrolMaxBytes int64
	// DuplicateWindow is how long JetStream remembers event ids to drop
	// repeats. It costs about 116 bytes per id in memory, so it is short;
	// consumers are idempotent for the repeats it does not catch.
	DuplicateWindow time.Duration
	// PublishTimeout bounds the wait for JetStream's acknowledgement.
	PublishTimeout time.Duration
}

// DefaultConfig keeps orders and alarms 30 days (ClickHouse keeps them for
// good) and patrol positions 6 hours.
func DefaultConfig(dir string) Config {
	return Config{
		Dir:             dir,
		EventsMaxAge:    30 * 24 * time.Hour,
		EventsMaxBytes:  8 << 30,
		PatrolMaxAge:    6 * time.Hour,
		PatrolMaxBytes:  4 << 30,
		DuplicateWindow: 2 * time.Minute,
		PublishTimeout:  10 * time.Second,
	}
}

func (c Config) validate() error {
	switch {
	case c.URL == "" && c.Dir == "":
		return fmt.Errorf("bus: neither a NATS URL nor a storage directory is configured")
	case c.EventsMaxAge <= 0 || c.PatrolMaxAge <= 0:
		return fmt.Errorf("bus: stream max ages must be positive")
	case c.EventsMaxBytes <= 0 || c.PatrolMaxBytes <= 0:
		return fmt.Errorf("bus: stream max bytes must be positive (20k events/s is about 576 GB a day)")
	case c.DuplicateWindow <= 0 || c.DuplicateWindow > c.PatrolMaxAge:
		return fmt.Errorf("bus: duplicate window must be positive and shorter than the streams' max age")
	}
	return nil
}
