package bus

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// Two processes sharing one NATS server: each one's live positions reach
// its own subscriber directly and the other's over core NATS, every
// position exactly once, and none is stored.
func TestLivePositionsReachEveryProcessOnce(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := DefaultConfig(t.TempDir())
	cfg.Listen = addr
	ctx := context.Background()
	a, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	bcfg := DefaultConfig("")
	bcfg.URL = "nats://" + addr
	b, err := Open(ctx, bcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	var mu sync.Mutex
	got := map[string][]string{} // process → position ids seen
	for name, bb := range map[string]*Bus{"a": a, "b": b} {
		stop, err := bb.SubscribeLive(func(e *event.Event) {
			mu.Lock()
			got[name] = append(got[name], e.ID)
			mu.Unlock()
		})
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
	}
	if err := a.PublishLive([]*event.Event{patrolEvent(1), patrolEvent(2)}); err != nil {
		t.Fatal(err)
	}
	if err := b.PublishLive([]*event.Event{patrolEvent(3)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		done := len(got["a"]) >= 3 && len(got["b"]) >= 3
		mu.Unlock()
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Anything echoed would arrive late: give it the chance.
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for _, name := range []string{"a", "b"} {
		seen := map[string]int{}
		for _, id := range got[name] {
			seen[id]++
		}
		if len(got[name]) != 3 || seen["pt-1"] != 1 || seen["pt-2"] != 1 || seen["pt-3"] != 1 {
			t.Errorf("process %s saw %v, want pt-1, pt-2 and pt-3 once each", name, got[name])
		}
	}
	if last, _ := a.LastSeq(ctx, PatrolStream); last != 0 {
		t.Errorf("the patrol stream holds %d positions; live ones must not be stored", last)
	}
}
