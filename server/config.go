package server

import "time"

// Config tunes the HTTP server. The zero value is ready to use: every zero
// field takes its default from withDefaults, the one place defaults live.
type Config struct {
	// Addr is the host:port to listen on. Default 127.0.0.1:8080; port 0
	// picks a free port, which Run logs.
	Addr string
	// ReadHeaderTimeout bounds how long a client may take to send the
	// request headers. Default 5 s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request. Default 30 s.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a response. Default 60 s.
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long. Default 120 s.
	IdleTimeout time.Duration
	// ShutdownTimeout is how long Run waits for requests in flight once
	// its context is cancelled. Default 10 s.
	ShutdownTimeout time.Duration
	// MaxBodyBytes is the largest request body accepted; larger ones get
	// 413. Default 1 MiB.
	MaxBodyBytes int64
	// MaxEventsBodyBytes is the largest batch POST /api/v1/events accepts.
	// Default 4 MiB, about 10,000 events at their usual size.
	MaxEventsBodyBytes int64
	// TileMaxAge is how long browsers and proxies may reuse a tile before
	// revalidating it with its ETag. Tiles change only when the areas are
	// reseeded or imported. Default 5 minutes.
	TileMaxAge time.Duration
	// MaxWSConnsPerUser bounds one user's open WebSocket connections: a
	// wall of screens and a few tabs, not a scraper. Default 16.
	MaxWSConnsPerUser int
	// WSReadyWait is how long a WebSocket upgrade asked for while the live
	// pipeline is starting (the bus opening, the state replaying its
	// stream) waits for it before the 503: a wall screen reconnecting to
	// a restarted server connects once the state is rebuilt instead of
	// being refused. Default 30 s.
	WSReadyWait time.Duration
}

// Defaults used by withDefaults.
const (
	defaultAddr              = "127.0.0.1:8080"
	defaultReadHeaderTimeout = 5 * time.Second
	defaultReadTimeout       = 30 * time.Second
	defaultWriteTimeout      = 60 * time.Second
	defaultIdleTimeout       = 120 * time.Second
	defaultShutdownTimeout   = 10 * time.Second
	defaultMaxBodyBytes      = 1 << 20
	defaultMaxEventsBody     = 4 << 20
	defaultTileMaxAge        = 5 * time.Minute
	defaultMaxWSConnsPerUser = 16
	defaultWSReadyWait       = 30 * time.Second
)

// withDefaults fills every zero field of c with its default.
func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = defaultAddr
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = defaultReadHeaderTimeout
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = defaultReadTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = defaultWriteTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = defaultIdleTimeout
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = defaultShutdownTimeout
	}
	if c.WSReadyWait <= 0 {
		c.WSReadyWait = defaultWSReadyWait
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = defaultMaxBodyBytes
	}
	if c.MaxEventsBodyBytes <= 0 {
		c.MaxEventsBodyBytes = defaultMaxEventsBody
	}
	if c.TileMaxAge <= 0 {
		c.TileMaxAge = defaultTileMaxAge
	}
	if c.MaxWSConnsPerUser <= 0 {
		c.MaxWSConnsPerUser = defaultMaxWSConnsPerUser
	}
	return c
}
