package writer_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/writer"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
)

// day0 is when the fixture's events happen: fixed, so hours and minutes
// are the same on every run.
var day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var communities = []string{"510116001001", "510116001002", "510116002001"}

func chain(community string) *event.Chain {
	return &event.Chain{Street: community[:9], Community: community, GeneralGrid: community + "001", MicroGrid: community + "001001"}
}

// orderLife is the states one work order goes through in the fixture.
func orderLife(i int) []event.State {
	switch i % 4 {
	case 0:
		return []event.State{event.Received}
	case 1:
		return []event.State{event.Received, event.Dispatched}
	case 2:
		return []event.State{event.Received, event.Dispatched, event.Closed}
	default:
		return []event.State{event.Received, event.Escalated, event.Dispatched, event.Closed}
	}
}

// orderEvents is n work orders, each with its life, in time order per
// order: order i starts i minutes after day0 and steps every 20 minutes.
func orderEvents(prefix string, n int) []*event.Event {
	var out []*event.Event
	for i := range n {
		community := communities[i%len(communities)]
		deadline := event.Time{Time: day0.Add(time.Duration(i)*time.Minute + 50*time.Minute)}
		for step, st := range orderLife(i) {
			o := &event.Order{OrderID: fmt.Sprintf("%s-WO%04d", prefix, i), State: st, Channel: "hotline_12345",
				Category: "environment.parking", Priority: "normal", Deadline: &deadline, Actor: "resident"}
			if st == event.Received {
				o.Title = "停车难 #" + fmt.Sprint(i)
			}
			if st == event.Closed {
				o.Satisfaction = 1 + i%5
			}
			if st == event.Escalated {
				o.Escalations = 1
			}
			out = append(out, &event.Event{
				ID: fmt.Sprintf("%s-ev-%d-%d", prefix, i, step), Type: event.TypeOrder,
				Time:     event.Time{Time: day0.Add(time.Duration(i)*time.Minute + time.Duration(step)*20*time.Minute)},
				Location: event.Position{103.92 + float64(i)*1e-4, 30.57}, Area: chain(community),
				Received: event.Time{Time: day0.Add(time.Duration(i) * time.Minute)},
				Order:    o,
			})
		}
	}
	return out
}

// alarmEvents raises n alarms and clears every other one.
func alarmEvents(prefix string, n int) []*event.Event {
	var out []*event.Event
	for i := range n {
		for step, act := range []event.Action{event.Raise, event.Clear}[:1+i%2] {
			out = append(out, &event.Event{
				ID: fmt.Sprintf("%s-al-%d-%d", prefix, i, step), Type: event.TypeAlarm,
				Time:     event.Time{Time: day0.Add(time.Duration(i)*time.Minute + time.Duration(step)*5*time.Minute)},
				Location: event.Position{103.93, 30.58}, Area: chain(communities[i%len(communities)]),
				Alarm: &event.Alarm{AlarmID: fmt.Sprintf("%s-AL%d", prefix, i), DeviceID: "smoke-1", DeviceType: "smoke",
					Kind: "smoke", Severity: "major", Action: act, Message: "烟雾报警"},
			})
		}
	}
	return out
}

// patrolEvents has workers report every 10 s for the given minutes; the
// first worker goes off duty for the last half of the last minute.
func patrolEvents(workers, minutes int) []*event.Event {
	var out []*event.Event
	for s := 0; s < minutes*6; s++ {
		for w := range workers {
			onDuty := !(w == 0 && s >= minutes*6-3)
			out = append(out, &event.Event{
				ID: fmt.Sprintf("pt-%d-%d", w, s), Type: event.TypePatrol,
				Time:     event.Time{Time: day0.Add(time.Duration(s) * 10 * time.Second)},
				Location: event.Position{103.92, 30.57 + float64(s)*1e-5}, Area: chain(communities[w%len(communities)]),
				Patrol: &event.Patrol{WorkerID: fmt.Sprintf("GW-%d", w), Role: "grid_worker", OnDuty: onDuty, Speed: 1.2, Battery: 80},
			})
		}
	}
	return out
}

func publish(t *testing.T, b *bus.Bus, evs []*event.Event) {
	t.Helper()
	for i, a := range b.Publish(context.Background(), evs) {
		if a.Err != nil {
			t.Fatalf("publishing event %d: %v", i, a.Err)
		}
	}
}

// testConfig makes small batches, so the fixture spans many of them, and
// short backoffs.
func testConfig(durableSuffix string) writer.Config {
	cfg := writer.DefaultConfig()
	cfg.EventsDurable += durableSuffix
	cfg.PatrolDurable += durableSuffix
	cfg.Batch = 7
	cfg.MaxWait = 50 * time.Millisecond
	cfg.MaxBackoff = 100 * time.Millisecond
	return cfg
}

// running is a writer running in the background.
type running struct {
	reg    *prometheus.Registry
	cancel context.CancelFunc
	done   chan error
}

func startWriter(t *testing.T, store *analytics.Store, b *bus.Bus, cfg writer.Config) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := writer.New(store, cfg)
	r := &running{reg: prometheus.NewRegistry(), cancel: cancel, done: make(chan error, 1)}
	r.reg.MustRegister(w.Collectors()...)
	go func() { r.done <- w.Run(ctx, b) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop ends the writer and waits for it; it may be called again.
func (r *running) stop(t *testing.T) {
	r.cancel()
	if err, ok := <-r.done; ok {
		close(r.done)
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("writer stopped with: %v", err)
		}
	}
}

// metric is the value of the writer's series name{stream|table=label}, 0
// when it has none yet.
func (r *running) metric(t *testing.T, name, label string) float64 {
	t.Helper()
	families, err := r.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if m.GetLabel()[0].GetValue() != label {
				continue
			}
			switch {
			case m.Gauge != nil:
				return m.GetGauge().GetValue()
			case m.Counter != nil:
				return m.GetCounter().GetValue()
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}

// caughtUp reports whether the writer has written stream up to seq.
func (r *running) caughtUp(t *testing.T, stream string, seq uint64) (bool, string) {
	got := uint64(r.metric(t, "gridpulse_analytics_written_seq", stream))
	return got >= seq, fmt.Sprintf("%s written up to seq %d of %d", stream, got, seq)
}
