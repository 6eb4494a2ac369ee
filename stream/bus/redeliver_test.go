package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// A consumer whose process died holding a batch it had fetched but not
// acknowledged (a kill, or a stop in the middle of a batch) gets that batch
// first when it comes back, before what was published since, and nothing is
// skipped: acknowledging a later batch must not acknowledge one that was
// never handled.
func TestConsumeAfterDyingMidBatchLosesNothing(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	publish := func(from, to int) {
		var evs []*event.Event
		for i := from; i <= to; i++ {
			evs = append(evs, orderEvent(i))
		}
		for _, a := range b.Publish(context.Background(), evs) {
			if a.Err != nil {
				t.Fatal(a.Err)
			}
		}
	}
	publish(1, 10)
	cfg := ConsumerConfig{Stream: EventsStream, Durable: "test", Batch: 4, MaxWait: 50 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}

	// The first process handles one batch, then dies holding the second.
	var got []uint64
	ctx, die := context.WithCancel(context.Background())
	err := b.Consume(ctx, cfg, func(ctx context.Context, batch []Message) error {
		if len(got) > 0 {
			die()
			return ctx.Err()
		}
		for _, m := range batch {
			got = append(got, m.Seq)
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || fmt.Sprint(got) != "[1 2 3 4]" {
		t.Fatalf("first process: handled %v, stopped with %v", got, err)
	}

	publish(11, 14)
	runUntil(t, b, cfg, func(batch []Message) error {
		for _, m := range batch {
			got = append(got, m.Seq)
		}
		return nil
	}, func() bool { return slices.Contains(got, 14) })
	if want := "[1 2 3 4 5 6 7 8 9 10 11 12 13 14]"; fmt.Sprint(got) != want {
		t.Fatalf("handled %v, want %s", got, want)
	}
}
