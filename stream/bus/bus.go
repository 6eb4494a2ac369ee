package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Bus is a connection to JetStream with Gridpulse's streams in place.
type Bus struct {
	cfg      Config
	embedded *server.Server // nil when connected to an external cluster
	nc       *nats.Conn
	js       jetstream.JetStream
	live     liveSubscribers
}

// Open starts the embedded server (or connects to cfg.URL), and creates or
// updates the streams.
func Open(ctx context.Context, cfg Config) (*Bus, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	b := &Bus{cfg: cfg}
	var err error
	// Live positions from this process reach its own subscribers
	// directly, never back through NATS.
	opts := []nats.Option{nats.Name("gridpulse"), nats.NoEcho()}
	if cfg.URL == "" {
		if b.embedded, err = startEmbedded(cfg); err != nil {
			return nil, err
		}
		b.nc, err = nats.Connect("", append(opts, nats.InProcessServer(b.embedded))...)
	} else {
		b.nc, err = nats.Connect(cfg.URL, append(opts, nats.MaxReconnects(-1))...)
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("bus: connect: %w", err)
	}
	if b.js, err = jetstream.New(b.nc, jetstream.WithPublishAsyncMaxPending(8192)); err != nil {
		b.Close()
		return nil, fmt.Errorf("bus: jetstream: %w", err)
	}
	if err := b.ensureStreams(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func startEmbedded(cfg Config) (*server.Server, error) {
	opts := &server.Options{
		ServerName: "gridpulse",
		JetStream:  true,
		StoreDir:   cfg.Dir,
		NoSigs:     true,
		DontListen: cfg.Listen == "",
		// Events are a few hundred bytes; a batch post is split into
		// messages, so the default 1 MiB payload is ample.
	}
	if cfg.Listen != "" {
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("bus: listen address %q: %w", cfg.Listen, err)
		}
		opts.Host = host
		if opts.Port, err = strconv.Atoi(port); err != nil {
			return nil, fmt.Errorf("bus: listen port %q: %w", port, err)
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("bus: embedded NATS: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return nil, errors.New("bus: embedded NATS did not become ready in 30s")
	}
	slog.Info("embedded NATS JetStream started", "dir", cfg.Dir, "listen", cfg.Listen)
	return ns, nil
}

func (b *Bus) ensureStreams(ctx context.Context) error {
	streams := []jetstream.StreamConfig{
		{
			Name:        EventsStream,
			Description: "work-order and sensor-alarm events",
			Subjects:    []string{subjectPrefix + "order.>", subjectPrefix + "alarm.>"},
			MaxAge:      b.cfg.EventsMaxAge,
			MaxBytes:    b.cfg.EventsMaxBytes,
			Duplicates:  b.cfg.DuplicateWindow,
		},
		{
			Name:        PatrolStream,
			Description: "grid workers' positions",
			Subjects:    []string{subjectPrefix + "patrol.>"},
			MaxAge:      b.cfg.PatrolMaxAge,
			MaxBytes:    b.cfg.PatrolMaxBytes,
			Duplicates:  b.cfg.DuplicateWindow,
		},
	}
	for _, sc := range streams {
		sc.Storage = jetstream.FileStorage
		sc.Discard = jetstream.DiscardOld
		if _, err := b.js.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("bus: stream %s: %w", sc.Name, err)
		}
	}
	return nil
}

// Check reports whether JetStream answers; for readiness probes.
func (b *Bus) Check(ctx context.Context) error {
	if b.nc == nil || !b.nc.IsConnected() {
		return errors.New("bus: not connected")
	}
	if _, err := b.js.AccountInfo(ctx); err != nil {
		return fmt.Errorf("bus: %w", err)
	}
	return nil
}

// LastSeq is the last sequence number stored in a stream.
func (b *Bus) LastSeq(ctx context.Context, stream string) (uint64, error) {
	s, err := b.js.Stream(ctx, stream)
	if err != nil {
		return 0, fmt.Errorf("bus: stream %s: %w", stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("bus: stream %s info: %w", stream, err)
	}
	return info.State.LastSeq, nil
}

// First is a stream's oldest message still held: everything older has
// left the stream's retention.
type First struct {
	Seq    uint64    // 0 when the stream is empty
	Stored time.Time // when the bus stored it
}

// First is the oldest message a stream still holds; the zero First when
// it holds none. The live state uses it to tell which orders only the
// analytics store still knows.
func (b *Bus) First(ctx context.Context, stream string) (First, error) {
	s, err := b.js.Stream(ctx, stream)
	if err != nil {
		return First{}, fmt.Errorf("bus: stream %s: %w", stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return First{}, fmt.Errorf("bus: stream %s info: %w", stream, err)
	}
	if info.State.Msgs == 0 {
		return First{}, nil
	}
	return First{Seq: info.State.FirstSeq, Stored: info.State.FirstTime}, nil
}

// Close closes the connection and stops the embedded server.
func (b *Bus) Close() {
	if b.nc != nil {
		// Every publish has already waited for its ack, so nothing is in
		// flight that a plain close would drop.
		b.nc.Close()
	}
	if b.embedded != nil {
		b.embedded.Shutdown()
		b.embedded.WaitForShutdown()
	}
}
