package hub

import (
	"log/slog"
	"net/http"
	"time"
)

// Config tunes the hub. Zero fields take the defaults of DefaultConfig.
type Config struct {
	// FlushInterval is how often coalesced patrol positions are sent.
	FlushInterval time.Duration
	// FlushSpread spreads the connections' patrol batches over the first
	// part of each tick, in flushSlots groups, so that a thousand writers
	// do not wake at once and hold up the deltas behind them; each
	// connection keeps its place in the tick. Negative sends them all at
	// the tick.
	FlushSpread time.Duration
	// SendQueue bounds the messages waiting for one connection's writer.
	// A connection whose queue is full has its waiting deltas dropped and
	// is sent a resync and fresh snapshots once its writer catches up. It
	// also bounds a resume: a client that missed more than this gets a
	// snapshot instead.
	SendQueue int
	// MaxMessageBytes is the largest frame a client may send; a bigger one
	// closes the connection with 1009.
	MaxMessageBytes int64
	// MaxFrameBytes is the size at which the writer stops packing queued
	// messages into one frame.
	MaxFrameBytes int
	// FrameInterval is the shortest time between two frames to one
	// connection: messages queued meanwhile are packed into the next
	// frame. It bounds the latency it adds; zero writes every wake-up.
	FrameInterval time.Duration
	// PingInterval is how often the server pings; PongWait how long it
	// waits to hear anything from the client before dropping it; WriteWait
	// how long one write may take.
	PingInterval time.Duration
	PongWait     time.Duration
	WriteWait    time.Duration
	// ResumeEntries is how many recent order and alarm changes are kept
	// for clients that reconnect with their last sequence number.
	ResumeEntries int
	// MaxSubscriptionsPerConn bounds the subscriptions of one connection;
	// one more closes it with 1008.
	MaxSubscriptionsPerConn int
	// MaxErrors is how many malformed messages a connection may send
	// before it is closed with 1008.
	MaxErrors int
	// MaxMessagesPerSecond is how many messages a second a client may
	// send on average, with bursts of twice that; faster closes the
	// connection with 1008. A dashboard sends a handful a minute.
	MaxMessagesPerSecond int
	// CheckOrigin decides whether a browser page from the request's Origin
	// may connect. Nil allows requests without an Origin header and those
	// whose Origin host is the request's Host.
	CheckOrigin func(r *http.Request) bool
	// Scope limits what a connection may see to one area; nil lets every
	// connection see everything.
	Scope Scope
	// Until tells, from the upgrade request, when the connection's right
	// to watch ends (its token's expiry); the hub then closes it with 1008
	// "token expired" and the client reconnects with a renewed token. Nil
	// or a zero time: never.
	Until func(r *http.Request) time.Time
	// Logger receives connection errors; default slog.Default().
	Logger *slog.Logger
}

// Scope tells, from the upgrade request, the area code a connection is
// limited to ("" for no limit). An error refuses the connection with 403
// and the error's text. It is where access control plugs in: a street
// leader's token maps to the street's code.
type Scope func(r *http.Request) (area string, err error)

// DefaultConfig is the configuration the zero fields default to.
func DefaultConfig() Config {
	return Config{
		FlushInterval:           time.Second,
		FlushSpread:             500 * time.Millisecond,
		SendQueue:               1024,
		MaxMessageBytes:         16 << 10,
		MaxFrameBytes:           256 << 10,
		FrameInterval:           10 * time.Millisecond,
		PingInterval:            20 * time.Second,
		PongWait:                60 * time.Second,
		WriteWait:               10 * time.Second,
		ResumeEntries:           100_000,
		MaxSubscriptionsPerConn: 8,
		MaxErrors:               20,
		MaxMessagesPerSecond:    20,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	orDefault := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	orDefaultD := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	orDefaultD(&c.FlushInterval, d.FlushInterval)
	if c.FlushSpread < 0 {
		c.FlushSpread = 0
	} else if c.FlushSpread == 0 {
		c.FlushSpread = min(d.FlushSpread, c.FlushInterval/2)
	}
	orDefault(&c.SendQueue, d.SendQueue)
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = d.MaxMessageBytes
	}
	orDefault(&c.MaxFrameBytes, d.MaxFrameBytes)
	if c.FrameInterval < 0 {
		c.FrameInterval = 0
	} else if c.FrameInterval == 0 {
		c.FrameInterval = d.FrameInterval
	}
	orDefaultD(&c.PingInterval, d.PingInterval)
	orDefaultD(&c.PongWait, d.PongWait)
	if c.PongWait <= c.PingInterval {
		c.PongWait = 3 * c.PingInterval
	}
	orDefaultD(&c.WriteWait, d.WriteWait)
	orDefault(&c.ResumeEntries, d.ResumeEntries)
	orDefault(&c.MaxSubscriptionsPerConn, d.MaxSubscriptionsPerConn)
	orDefault(&c.MaxErrors, d.MaxErrors)
	orDefault(&c.MaxMessagesPerSecond, d.MaxMessagesPerSecond)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
