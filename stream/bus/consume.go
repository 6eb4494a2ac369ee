package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	json "github.com/goccy/go-json"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/gridpulse/gridpulse/event"
)

// Message is one stored event with its place in its stream.
type Message struct {
	Stream string
	Seq    uint64
	Stored time.Time // when JetStream stored it
	// Pending is how many messages were still behind this one when it was
	// delivered; 0 means the reader has caught up with the stream.
	Pending uint64
	Event   *event.Event
}

func decode(m jetstream.Msg) (Message, error) {
	md, err := m.Metadata()
	if err != nil {
		return Message{}, fmt.Errorf("bus: message metadata: %w", err)
	}
	var e event.Event
	if err := json.Unmarshal(m.Data(), &e); err != nil {
		return Message{}, fmt.Errorf("bus: %s seq %d is not an event: %w", md.Stream, md.Sequence.Stream, err)
	}
	return Message{Stream: md.Stream, Seq: md.Sequence.Stream, Stored: md.Timestamp, Pending: md.NumPending, Event: &e}, nil
}

// ConsumerConfig describes a durable consumer.
type ConsumerConfig struct {
	Stream  string
	Durable string        // its name; it resumes where it left off after a restart
	Batch   int           // most messages handed over at once
	MaxWait time.Duration // longest wait to fill a batch
	// MaxBackoff caps the wait between retries of a failing batch.
	MaxBackoff time.Duration
}

// Consume runs a durable consumer until ctx ends. It fetches a batch,
// hands it to handle and acknowledges the whole batch with one ack only
// when handle succeeds; when handle fails it retries the same batch with
// growing pauses, so a sink that is down for minutes loses nothing and gets
// the events in order once it is back. handle must be idempotent: after a
// crash a batch may come again.
func (b *Bus) Consume(ctx context.Context, cfg ConsumerConfig, handle func(context.Context, []Message) error) error {
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	cons, err := b.durable(ctx, cfg)
	if err != nil {
		return fmt.Errorf("bus: consumer %s on %s: %w", cfg.Durable, cfg.Stream, err)
	}
	for ctx.Err() == nil {
		fetched, err := cons.Fetch(cfg.Batch, jetstream.FetchMaxWait(cfg.MaxWait))
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			slog.Warn("bus: fetch failed", "consumer", cfg.Durable, "err", err)
			sleep(ctx, time.Second)
			continue
		}
		var raw []jetstream.Msg
		var batch []Message
		for m := range fetched.Messages() {
			raw = append(raw, m)
			msg, err := decode(m)
			if err != nil {
				// Only Gridpulse publishes here; a message that does not
				// decode can never be handled, so it is logged and passed.
				slog.Error("bus: dropping undecodable message", "consumer", cfg.Durable, "err", err)
				continue
			}
			batch = append(batch, msg)
		}
		if err := fetched.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil {
			slog.Warn("bus: fetch ended early", "consumer", cfg.Durable, "err", err)
		}
		if len(raw) == 0 {
			continue
		}
		if err := handleWithRetry(ctx, cfg, raw, batch, handle); err != nil {
			break
		}
		// AckAll: acknowledging the last message acknowledges the batch.
		// A batch handled as the consumer is stopped is acknowledged all
		// the same, so the next start does not take it again.
		ackCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if err := raw[len(raw)-1].DoubleAck(ackCtx); err != nil {
			slog.Warn("bus: batch ack failed; it will be redelivered", "consumer", cfg.Durable, "err", err)
		}
		cancel()
	}
	return ctx.Err()
}

// durable opens the durable consumer cfg names, creating it the first
// time. A consumer that was left holding messages it never acknowledged (its
// process was killed, or stopped in the middle of a batch) is made again
// from its acknowledgement floor: JetStream would hand out newer messages
// first and redeliver those only after the ack wait, and by then the
// acknowledgement of a newer batch, which acknowledges everything before
// it, would have passed over them unhandled. Should the process die
// between deleting and making it, the consumer starts again from the
// stream's first message, which costs a replay but loses nothing, as
// handlers are idempotent.
func (b *Bus) durable(ctx context.Context, cfg ConsumerConfig) (jetstream.Consumer, error) {
	want := jetstream.ConsumerConfig{
		Durable:   cfg.Durable,
		AckPolicy: jetstream.AckAllPolicy,
		// A batch being retried is kept alive with InProgress, so the
		// wait only matters after a crash.
		AckWait:       time.Minute,
		MaxAckPending: cfg.Batch * 4,
	}
	old, err := b.js.Consumer(ctx, cfg.Stream, cfg.Durable)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return b.js.CreateConsumer(ctx, cfg.Stream, want)
	}
	if err != nil {
		return nil, err
	}
	info := old.CachedInfo()
	if info.Delivered.Stream <= info.AckFloor.Stream {
		// Where a consumer starts cannot change once it is made.
		want.DeliverPolicy, want.OptStartSeq, want.OptStartTime = info.Config.DeliverPolicy, info.Config.OptStartSeq, info.Config.OptStartTime
		return b.js.CreateOrUpdateConsumer(ctx, cfg.Stream, want)
	}
	slog.Info("bus: consumer resumes after its last acknowledgement, taking back what it held unacknowledged",
		"consumer", cfg.Durable, "stream", cfg.Stream, "acknowledged", info.AckFloor.Stream, "delivered", info.Delivered.Stream)
	if err := b.js.DeleteConsumer(ctx, cfg.Stream, cfg.Durable); err != nil {
		return nil, err
	}
	want.DeliverPolicy, want.OptStartSeq = jetstream.DeliverByStartSequencePolicy, info.AckFloor.Stream+1
	return b.js.CreateConsumer(ctx, cfg.Stream, want)
}

func handleWithRetry(ctx context.Context, cfg ConsumerConfig, raw []jetstream.Msg, batch []Message, handle func(context.Context, []Message) error) error {
	backoff := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		if len(batch) == 0 {
			return nil
		}
		err := handle(ctx, batch)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		slog.Warn("bus: batch failed, retrying", "consumer", cfg.Durable, "attempt", attempt,
			"events", len(batch), "first_seq", batch[0].Seq, "retry_in", backoff, "err", err)
		for _, m := range raw {
			_ = m.InProgress()
		}
		if !sleep(ctx, backoff) {
			return ctx.Err()
		}
		backoff = min(backoff*2, cfg.MaxBackoff)
	}
}

// Start says where Follow begins reading.
type Start struct {
	Seq  uint64    // first sequence to read (0: not by sequence)
	Time time.Time // first time to read (zero: not by time)
}

// Follow reads a stream in order, from start, and keeps following it until
// ctx ends, calling handle for each message. It keeps no server-side state:
// the live state uses it to rebuild itself from the stream on every start.
func (b *Bus) Follow(ctx context.Context, stream string, start Start, handle func(Message)) error {
	occ := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	switch {
	case start.Seq > 0:
		occ.DeliverPolicy, occ.OptStartSeq = jetstream.DeliverByStartSequencePolicy, start.Seq
	case !start.Time.IsZero():
		t := start.Time
		occ.DeliverPolicy, occ.OptStartTime = jetstream.DeliverByStartTimePolicy, &t
	}
	cons, err := b.js.OrderedConsumer(ctx, stream, occ)
	if err != nil {
		return fmt.Errorf("bus: follow %s: %w", stream, err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		msg, err := decode(m)
		if err != nil {
			slog.Error("bus: skipping undecodable message", "stream", stream, "err", err)
			return
		}
		handle(msg)
	})
	if err != nil {
		return fmt.Errorf("bus: follow %s: %w", stream, err)
	}
	<-ctx.Done()
	cc.Stop()
	<-cc.Closed()
	return ctx.Err()
}

// sleep waits d or until ctx ends; it reports whether the wait completed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
