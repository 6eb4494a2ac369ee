package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/gridpulse/gridpulse/stream/loadtest"
)

func TestLoadtestFlags(t *testing.T) {
	t.Setenv("GRIDPULSE_DATA", "")
	o, err := parseLoadtestFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	def := loadtest.DefaultConfig()
	if o.url != "" || o.data != "data" || o.cfg.Clients != 1000 || o.cfg.Rate != 20000 || o.cfg.Mix != def.Mix ||
		o.cfg.Duration != time.Minute || o.cfg.Viewport != def.Viewport || len(o.cfg.Layers) != 3 {
		t.Errorf("defaults = %+v", o)
	}
	o, err = parseLoadtestFlags([]string{"--url", "http://127.0.0.1:8080", "--clients", "5", "--rate", "100",
		"--mix", "order=1", "--viewport", "2-3", "--layers", "orders,alarms", "--duration", "2s", "--json"})
	if err != nil {
		t.Fatal(err)
	}
	if o.url != "http://127.0.0.1:8080" || o.cfg.Clients != 5 || o.cfg.Mix != (loadtest.Mix{Order: 1}) ||
		o.cfg.Viewport != (loadtest.Range{Min: 2, Max: 3}) || strings.Join(o.cfg.Layers, ",") != "orders,alarms" || !o.json {
		t.Errorf("parsed = %+v", o)
	}
	o, err = parseLoadtestFlags([]string{"--soak", "30s", "--duration", "15m"})
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.SoakEvery != 30*time.Second || o.cfg.Duration != 15*time.Minute {
		t.Errorf("soak parsed = %+v", o.cfg)
	}
	for _, bad := range [][]string{{"--mix", "cats=1"}, {"--viewport", "5-1"}, {"extra"}, {"--clients", "x"}, {"--soak", "often"}} {
		if _, err := parseLoadtestFlags(bad); err == nil {
			t.Errorf("parse %v: no error", bad)
		}
	}
}

// A server that is not on this machine is refused before anything is
// sent.
func TestLoadtestRefusesRemoteTargets(t *testing.T) {
	o, err := parseLoadtestFlags([]string{"--url", "http://192.0.2.10:8080", "--data", t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadtestRun(context.Background(), o); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("loadtest against 192.0.2.10: %v, want a refusal", err)
	}
}

// A short run against an in-process server over the tiny district: every
// client connects, every order and alarm posted inside a client's viewport
// reaches it exactly once, nothing is lost or out of order, and the report
// holds numbers of every kind.
func TestLoadtestInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and runs for seconds")
	}
	data := tinyData(t)
	cpuFile, traceFile := filepath.Join(t.TempDir(), "cpu.pprof"), filepath.Join(t.TempDir(), "run.trace")
	o, err := parseLoadtestFlags([]string{"--data", data, "--clients", "20", "--walls", "0.1", "--rate", "500",
		"--warmup", "1s", "--duration", "3s", "--batch", "10", "--senders", "2", "--workers", "200",
		"--open-orders", "50", "--active-alarms", "20", "--viewport", "1-3",
		"--cpuprofile", cpuFile, "--trace", traceFile})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rep, err := loadtestRun(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", text.String())

	if !rep.InProcess || rep.Clients.Connected != 20 || rep.Clients.Failed != 0 || rep.Config.Walls != 2 {
		t.Errorf("clients: %+v, walls %d", rep.Clients, rep.Config.Walls)
	}
	for kind, e := range rep.Events.ByKind {
		if e.Accepted == 0 || e.Rejected+e.Failed+e.Lost+e.Duplicate != 0 {
			t.Errorf("%s events: %+v", kind, e)
		}
	}
	if rep.Events.HTTPErrors != 0 {
		t.Errorf("%d POSTs failed: %v", rep.Events.HTTPErrors, rep.Problems)
	}
	in := rep.Integrity
	if in.Gaps != 0 || in.Repeats != 0 || in.Errors != 0 || in.Unreadable != 0 {
		t.Errorf("integrity: %+v; problems %v", in, rep.Problems)
	}
	x := in.Exactness
	if !x.Drained || x.Behind != 0 || x.Checked == 0 || x.Exact != x.Checked || x.Checked+x.Skipped != 20 || x.Expected == 0 ||
		x.Received != x.Expected || x.Missing != 0 || x.Unexpected != 0 {
		t.Errorf("exactly once: %+v", x)
	}
	for _, name := range []string{loadtest.LatencyOrders, loadtest.LatencyAlarms, loadtest.LatencyPatrol, loadtest.LatencyPatrolFromTic} {
		if s := rep.Latency[name]; s.Count == 0 || s.P50 <= 0 || s.P50 > s.P99 || s.P99 > s.Max {
			t.Errorf("latency %s: %+v", name, s)
		}
	}
	if rep.Delivery.DeltasPerS <= 0 || rep.Delivery.PatrolBatchesPerS <= 0 || rep.Delivery.FramesPerS <= 0 {
		t.Errorf("delivery: %+v", rep.Delivery)
	}
	if rep.CPU.Server < 0 || rep.CPU.Generator < 0 || rep.Memory.GeneratorRSS <= 0 || rep.Memory.ServerGoroutines <= 0 {
		t.Errorf("cost: %+v %+v", rep.CPU, rep.Memory)
	}
	if !strings.Contains(text.String(), "goal (order+alarm p99") {
		t.Errorf("the text report has no goal line")
	}
	checkProfiles(t, cpuFile, traceFile)
}

// checkProfiles checks that the run wrote a CPU profile holding the
// server's samples and a complete execution trace.
func checkProfiles(t *testing.T, cpuFile, traceFile string) {
	t.Helper()
	f, err := os.Open(cpuFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	prof, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("--cpuprofile: %v", err)
	}
	if len(prof.Sample) == 0 {
		t.Errorf("--cpuprofile holds no samples")
	}
	tr, err := os.ReadFile(traceFile)
	if err != nil {
		t.Fatal(err)
	}
	// A trace starts with its header and, once stopped, holds the
	// goroutines' stacks: a few kilobytes at the least.
	if !bytes.HasPrefix(tr, []byte("go 1.")) || len(tr) < 4<<10 {
		t.Errorf("--trace wrote %d bytes starting %q", len(tr), tr[:min(len(tr), 16)])
	}
}

// A soak samples the server through its window and prints each sample
// and a verdict; the in-process server's samples carry real figures.
func TestLoadtestSoakInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and runs for seconds")
	}
	data := tinyData(t)
	o, err := parseLoadtestFlags([]string{"--data", data, "--clients", "5", "--rate", "100", "--warmup", "0s",
		"--duration", "8s", "--soak", "1s", "--senders", "2", "--workers", "50", "--open-orders", "20", "--active-alarms", "10"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rep, err := loadtestRun(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", text.String())
	s := rep.Soak
	// The window's start and end are always sampled; the ticks between
	// depend on the machine, so they are not counted.
	if s == nil || len(s.Samples) < 2 {
		t.Fatalf("soak report %+v", s)
	}
	for _, x := range s.Samples {
		if x.RSS <= 0 || x.HeapInuse <= 0 || x.LiveHeap <= 0 || x.Goroutines <= 0 || x.ElapsedS < 0 || x.ElapsedS > rep.WindowS+1 {
			t.Errorf("sample %+v", x)
		}
	}
	if !strings.Contains(text.String(), "soak verdict: ") || s.Verdict == "" {
		t.Errorf("the text report has no soak verdict")
	}
}
