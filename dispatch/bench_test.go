package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// BenchmarkSchedulerLook is one look at the watch list when nothing is
// due: what every wake costs, and how long the live state's change handler
// may wait for it. A district holds a few thousand open orders, a city of
// 20 districts some 100,000.
func BenchmarkSchedulerLook(b *testing.B) {
	for _, n := range []int{5_000, 100_000} {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			clock := newFakeClock(t0)
			svc := &Service{cfg: Config{Clock: clock}.withDefaults(), state: live.New(live.Config{})}
			sc := &Scheduler{svc: svc, log: slog.New(slog.DiscardHandler), watched: map[string]*watch{}}
			for i := range n {
				sc.watched[fmt.Sprintf("WO-%06d", i)] = &watch{deadline: t0.Add(time.Duration(i+1) * time.Minute).UnixNano(), armed: true, eligible: true}
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if next := sc.Check(ctx); !next.Equal(t0.Add(time.Minute)) {
					b.Fatalf("next %v", next)
				}
			}
		})
	}
}

// BenchmarkRank ranks the candidates one suggestion weighs (k = 5: 40
// workers).
func BenchmarkRank(b *testing.B) {
	o := &live.Order{Area: event.Chain{Community: "510116001002", GeneralGrid: "510116001002003"}}
	near := make([]live.Nearby, 40)
	load := map[string]int{}
	for i := range near {
		id := fmt.Sprintf("GW%03d", i)
		grid := fmt.Sprintf("51011600100%d00%d", 1+i%3, i%9)
		near[i] = live.Nearby{Worker: &live.Worker{WorkerID: id, Role: "grid_worker", OnDuty: true, HomeGrid: grid}, Meters: float64(50 * i)}
		load[id] = i % 4
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := Rank(o, near, load, DefaultAssignWeights, defaultRoles, 5); len(got) != 5 {
			b.Fatal(len(got))
		}
	}
}
