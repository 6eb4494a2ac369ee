package writer_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/geo"
	"github.com/gridpulse/gridpulse/internal/eventually"
	"github.com/gridpulse/gridpulse/seed"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/ingest"
)

// ingestNow is the ingest clock of the outage test: fixed, so event times
// never fall outside what ingest accepts however long a run takes.
var ingestNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// ClickHouse refuses the writer twice while senders keep posting through
// the real ingest onto the real bus: first every insert breaks a CHECK
// constraint no row passes (as a full disk or a read-only replica would
// refuse it), then the tables answer "too many parts", ClickHouse's own
// refusal when inserts outrun its merges. Each time the
// senders go on being acknowledged, the writer retries, and once ClickHouse
// is back it writes the backlog while new events keep coming. In the end
// every acknowledged order and alarm event is in the events table exactly
// once, each order's steps are in the order they were posted, and every
// table the writer feeds (states, rollups, patrol samples) adds up to what
// the bus holds, each event counted once.
func TestWriterBackfillsOutagesUnderIngest(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		ctx := context.Background()
		store := analyticstest.Open(t, cfg)
		eng := store.Engine()
		// Merges would fold away a row written twice before it could be
		// counted.
		for _, table := range []string{"events", "patrol_samples"} {
			if err := eng.Exec(ctx, "SYSTEM STOP MERGES "+table); err != nil {
				t.Fatal(err)
			}
		}
		b := openBus(t)
		ix, points := tinyDistrict(t)
		in := ingest.New(ingest.DefaultConfig(), ix, b, func() time.Time { return ingestNow })
		wcfg := testConfig("")
		wcfg.Batch = 200
		r := startWriter(t, store, b, wcfg)

		load := startSenders(t, in, points, 4)
		eventFailures := func() float64 {
			return r.metric(t, "gridpulse_analytics_batch_failures_total", bus.EventsStream)
		}
		failures := func() float64 {
			return eventFailures() + r.metric(t, "gridpulse_analytics_batch_failures_total", bus.PatrolStream)
		}
		writtenEvents := func() uint64 {
			return uint64(r.metric(t, "gridpulse_analytics_written_seq", bus.EventsStream))
		}
		// outage takes ClickHouse away with down, keeps it away until the
		// writer has failed a few times and the senders have been
		// acknowledged a good many batches meanwhile, brings it back with
		// up, and waits until the writer has written past what the bus
		// held when it went away.
		outage := func(name string, down, up []string) {
			t.Helper()
			failed, failedEvents, posted := failures(), eventFailures(), load.batches.Load()
			for _, q := range down {
				if err := eng.Exec(ctx, q); err != nil {
					t.Fatalf("%s: %s: %v", name, q, err)
				}
			}
			// Once the events sink has failed, it holds its place until
			// ClickHouse is back.
			eventually.HoldsWith(t, name+": the writer failing", func() (bool, string) {
				f := eventFailures() - failedEvents
				return f >= 1, fmt.Sprintf("%v failed writes", f)
			})
			held := writtenEvents()
			eventually.HoldsWith(t, name+": the writer retrying while senders are acknowledged", func() (bool, string) {
				f, p := failures()-failed, load.batches.Load()-posted
				return f >= 4 && p >= 60, fmt.Sprintf("%v failed writes, %d batches acknowledged", f, p)
			})
			if now := writtenEvents(); now != held {
				t.Errorf("%s: the writer moved from seq %d to %d while ClickHouse was away", name, held, now)
			}
			for _, q := range up {
				if err := eng.Exec(ctx, q); err != nil {
					t.Fatalf("%s: %s: %v", name, q, err)
				}
			}
			during, _ := lastSeqs(t, b)
			eventually.HoldsWith(t, name+": the backlog written", func() (bool, string) {
				return r.caughtUp(t, bus.EventsStream, during)
			})
		}

		eventually.HoldsWith(t, "the first events written", func() (bool, string) {
			return writtenEvents() > 0, "nothing written yet"
		})
		outage("inserts refused",
			[]string{
				"ALTER TABLE events ADD CONSTRAINT writes_refused CHECK 0",
				"ALTER TABLE patrol_samples ADD CONSTRAINT writes_refused CHECK 0",
			},
			[]string{
				"ALTER TABLE events DROP CONSTRAINT writes_refused",
				"ALTER TABLE patrol_samples DROP CONSTRAINT writes_refused",
			})
		outage("too many parts",
			[]string{
				"ALTER TABLE events MODIFY SETTING parts_to_throw_insert = 1",
				"ALTER TABLE patrol_samples MODIFY SETTING parts_to_throw_insert = 1",
			},
			[]string{
				"ALTER TABLE events RESET SETTING parts_to_throw_insert",
				"ALTER TABLE patrol_samples RESET SETTING parts_to_throw_insert",
			})
		// Some load after the last outage, then the senders stop.
		posted := load.batches.Load()
		eventually.HoldsWith(t, "senders posting after the outages", func() (bool, string) {
			n := load.batches.Load() - posted
			return n >= 40, fmt.Sprintf("%d batches", n)
		})
		acked := load.stop()
		waitCaughtUp(t, r, b)

		stored := storedEvents(t, b)
		checkExactlyOnce(t, eng, acked, stored)
		checkSummary(t, store, stored)
	})
}

// tinyDistrict is the index of the tiny preset and a point inside each of
// its compounds.
func tinyDistrict(t *testing.T) (*geo.Index, []orb.Point) {
	t.Helper()
	d, err := seed.Generate(context.Background(), seed.Tiny(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var points []orb.Point
	for _, c := range d.Areas.Layer(area.Compound) {
		p, _ := planar.CentroidArea(c.Geometry)
		points = append(points, p)
	}
	return geo.NewIndex(d.Areas), points
}

// senders post batches through ingest until stopped, each from its own
// goroutine, and keep what ingest acknowledged.
type senders struct {
	batches atomic.Int64 // batches acknowledged in full
	// stopping ends the senders between batches: a post cut short would
	// leave events stored that were never acknowledged.
	stopping atomic.Bool
	wg       sync.WaitGroup

	mu    sync.Mutex
	acked map[string][]string // order or alarm id → its acknowledged event ids, in posting order
}

// maxBatches bounds each sender, so a run that never reaches its next
// phase stops posting rather than filling the disk.
const maxBatches = 5000

func startSenders(t *testing.T, in *ingest.Ingest, points []orb.Point, n int) *senders {
	s := &senders{acked: map[string][]string{}}
	for i := range n {
		s.wg.Go(func() {
			for batch := 0; batch < maxBatches && !s.stopping.Load(); batch++ {
				body, things := outageBatch(i, batch, points)
				resp, err := in.Submit(context.Background(), "integrator:test", body)
				if err != nil {
					t.Errorf("sender %d, batch %d: %v", i, batch, err)
					return
				}
				s.mu.Lock()
				for _, res := range resp.Results {
					if res.Status != ingest.Accepted {
						// The bus is up all along: nothing may fail.
						t.Errorf("sender %d, batch %d, event %s: %s %v", i, batch, res.ID, res.Status, res.Error)
						continue
					}
					if thing := things[res.Index]; thing != "" {
						s.acked[thing] = append(s.acked[thing], res.ID)
					}
				}
				s.mu.Unlock()
				s.batches.Add(1)
				// A steady trickle (about 60 events a second per
				// sender) rather than a flood: the test is about
				// outages, not throughput.
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	t.Cleanup(func() { s.stop() })
	return s
}

// stop stops the senders and returns what was acknowledged.
func (s *senders) stop() map[string][]string {
	s.stopping.Store(true)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acked
}

// outageBatch is sender s's batch n: order n received, order n-1
// dispatched, order n-2 closed; alarm n raised and, for every other one,
// alarm n-1 cleared; and two workers' positions 10 s apart. Every step
// happens a second after the sender's previous batch. things names the
// order or alarm of each item ("" for patrols).
func outageBatch(s, n int, points []orb.Point) (body []byte, things []string) {
	at := ingestNow.Add(-24*time.Hour + time.Duration(n)*time.Second).Format(time.RFC3339Nano)
	p := points[(s*31+n)%len(points)]
	var items []string
	order := func(k int, state event.State) {
		id := fmt.Sprintf("WO-%d-%d", s, k)
		extra := ""
		switch state {
		case event.Received:
			extra = `,"channel":"hotline_12345","category":"environment.noise","title":"噪音扰民"`
		case event.Closed:
			extra = `,"satisfaction":` + fmt.Sprint(1+k%5)
		}
		items = append(items, fmt.Sprintf(`{"id":"o-%d-%d-%s","type":"order","time":%q,"location":[%v,%v],"order":{"order_id":%q,"state":%q%s}}`,
			s, k, state, at, p[0], p[1], id, state, extra))
		things = append(things, id)
	}
	alarm := func(k int, action event.Action) {
		id := fmt.Sprintf("AL-%d-%d", s, k)
		items = append(items, fmt.Sprintf(`{"id":"a-%d-%d-%s","type":"alarm","time":%q,"location":[%v,%v],"alarm":{"alarm_id":%q,"device_id":"SM-%d","device_type":"smoke","kind":"smoke","severity":"major","action":%q}}`,
			s, k, action, at, p[0], p[1], id, s, action))
		things = append(things, id)
	}
	order(n, event.Received)
	if n >= 1 {
		order(n-1, event.Dispatched)
	}
	if n >= 2 {
		order(n-2, event.Closed)
	}
	alarm(n, event.Raise)
	if n%2 == 1 {
		alarm(n-1, event.Clear)
	}
	for w := range 2 {
		wt := ingestNow.Add(-24*time.Hour + time.Duration(n)*10*time.Second).Format(time.RFC3339Nano)
		items = append(items, fmt.Sprintf(`{"id":"p-%d-%d-%d","type":"patrol","time":%q,"location":[%v,%v],"patrol":{"worker_id":"GW-%d-%d","role":"grid_worker","on_duty":true,"speed":1.2,"battery":80}}`,
			s, n, w, wt, p[0], p[1], s, w))
		things = append(things, "")
	}
	return []byte("[" + strings.Join(items, ",") + "]"), things
}

// storedEvents reads both streams of b from the start to their current
// end: the events as the bus holds them, located by ingest.
func storedEvents(t *testing.T, b *bus.Bus) []*event.Event {
	t.Helper()
	var out []*event.Event
	for _, stream := range []string{bus.EventsStream, bus.PatrolStream} {
		last, err := b.LastSeq(context.Background(), stream)
		if err != nil {
			t.Fatal(err)
		}
		if last == 0 {
			continue
		}
		ctx, stop := context.WithTimeout(context.Background(), time.Minute)
		var mu sync.Mutex
		var got []*event.Event
		go b.Follow(ctx, stream, bus.Start{}, func(m bus.Message) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, m.Event)
			if m.Seq >= last {
				stop()
			}
		})
		<-ctx.Done()
		stop()
		mu.Lock()
		if len(got) != int(last) {
			t.Fatalf("read %d messages of %s, it holds %d", len(got), stream, last)
		}
		out = append(out, got...)
		mu.Unlock()
	}
	return out
}

// checkExactlyOnce checks the events table against what the senders were
// acknowledged: every acknowledged event is there exactly once, nothing
// else is, and each order's and alarm's steps, taken in stream order, come
// in the order they were posted.
func checkExactlyOnce(t *testing.T, eng engine.Engine, acked map[string][]string, stored []*event.Event) {
	t.Helper()
	var rows []struct {
		Thing string   `ch:"thing"`
		IDs   []string `ch:"ids"`
	}
	// No FINAL: a row written twice must count twice.
	err := eng.Select(context.Background(), &rows, `SELECT if(type = 'order', order_id, alarm_id) AS thing,
		arrayMap(x -> x.2, arraySort(x -> x.1, groupArray((seq, id)))) AS ids
		FROM events GROUP BY thing`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range rows {
		got[r.Thing] = r.IDs
	}
	events := 0
	for thing, want := range acked {
		events += len(want)
		if !slices.Equal(got[thing], want) {
			t.Errorf("%s: ClickHouse holds events %v in stream order, %v were acknowledged in that order", thing, got[thing], want)
		}
	}
	for thing, ids := range got {
		if _, ok := acked[thing]; !ok {
			t.Errorf("%s: ClickHouse holds events %v that were never acknowledged", thing, ids)
		}
	}
	durable := 0
	for _, e := range stored {
		if e.Type != event.TypePatrol {
			durable++
		}
	}
	if events != durable {
		t.Errorf("%d order and alarm events acknowledged, the bus holds %d", events, durable)
	}
	if !t.Failed() {
		t.Logf("%d order and alarm events of %d orders and alarms acknowledged, each in ClickHouse once", events, len(acked))
	}
}
