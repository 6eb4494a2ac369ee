// Package loadtest drives a Gridpulse server with WebSocket clients and
// posted events and measures what the clients see: how long an event takes
// from its POST to a client's screen, how many messages reach the
// clients, whether any were lost or repeated, and what it cost the
// machine. It runs only against loopback addresses, for a bounded time,
// and stops by itself.
//
// The clients are real WebSocket clients (gorilla/websocket), each with
// one subscription: a tablet's viewport (a box a few kilometres across)
// or a wall screen's whole district. They check every delta's prev
// against the last seq, as the protocol's clients do. The events are
// generated inside the district's areas: patrol workers walking their
// beats, orders and alarms moving through their life cycles.
package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"
)

// Time allowed around the load itself: waiting for the server, connecting
// the clients, draining (twice: for the fan-out, then for the pongs). The
// whole run is bounded by warm-up + duration + these.
const (
	readyWait   = 2 * time.Minute
	connectWait = 2 * time.Minute
	drainWait   = 30 * time.Second
	closeWait   = 10 * time.Second
	// traceFor bounds an execution trace: a loaded server's second is about
	// a megabyte, and a few seconds hold some patrol ticks.
	traceFor = 3 * time.Second
)

// runner is one run's shared state.
type runner struct {
	cfg    Config
	log    *slog.Logger
	base   string // http://127.0.0.1:port
	wsURL  string
	prefix string // starts every order, alarm and event id of this run
	layers layers
	d      *district
	model  *model
	hc     *http.Client
	dialer *websocket.Dialer
	lat    *latencies
	closed *closeTimes
	posted postStats

	// winStart and winEnd bound the measured window (Unix ns); 0 before
	// the load starts.
	winStart, winEnd atomic.Int64

	incMu     sync.Mutex
	incidents []incident
	lastSeq   uint64
	uncertain int64
}

// Run puts the configured load on the server and reports what the
// clients saw. It returns when the run is over: warm-up, the measured
// duration, and a drain of at most a minute.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("loadtest: %w", err)
	}
	u, err := ResolveLoopback(ctx, cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("loadtest: %w", err)
	}
	d, err := newDistrict(cfg.Areas)
	if err != nil {
		return nil, fmt.Errorf("loadtest: %w", err)
	}
	l, _ := layerSet(cfg.Layers) // validated
	prefix := "LT" + strconv.FormatInt(time.Now().UnixMilli(), 36) + "-"
	dial := loopbackDialer()
	r := &runner{
		cfg: cfg, log: cfg.Logger, base: u.String(), wsURL: "ws://" + u.Host + "/ws",
		prefix: prefix, layers: l, d: d, model: newModel(&cfg, d, prefix),
		hc: &http.Client{
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				DialContext:         dial.DialContext,
				MaxIdleConns:        cfg.Senders + 4,
				MaxIdleConnsPerHost: cfg.Senders + 4,
				DisableCompression:  true,
				Proxy:               nil, // never through a proxy: loopback only
			},
		},
		dialer: &websocket.Dialer{
			NetDialContext:   dial.DialContext,
			HandshakeTimeout: 10 * time.Second,
			ReadBufferSize:   32 << 10,
			WriteBufferSize:  4 << 10,
		},
		lat:    newLatencies(),
		closed: newCloseTimes(),
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Warmup+cfg.Duration+readyWait+connectWait+2*drainWait+closeWait+time.Minute)
	defer cancel()
	var rep *Report
	pprof.Do(ctx, generatorLabels, func(ctx context.Context) { rep, err = r.run(ctx) })
	return rep, err
}

func (r *runner) inWindow(ns int64) bool {
	start := r.winStart.Load()
	return start != 0 && ns >= start && ns < r.winEnd.Load()
}

func (r *runner) run(ctx context.Context) (*Report, error) {
	if err := r.waitReady(ctx); err != nil {
		return nil, err
	}
	clientCtx, stopClients := context.WithCancel(ctx)
	defer stopClients()
	sentinel, clients, err := r.connect(clientCtx)
	if err != nil {
		return nil, err
	}
	loadAvgStart := sampleMachine().loadavg1

	// The load.
	start := time.Now()
	winStart, winEnd := start.Add(r.cfg.Warmup), start.Add(r.cfg.Warmup+r.cfg.Duration)
	r.winEnd.Store(winEnd.UnixNano())
	r.winStart.Store(winStart.UnixNano())
	batches := make(chan []planned, r.cfg.Senders)
	go r.produce(ctx, batches, winEnd)
	var senders sync.WaitGroup
	for i := range r.cfg.Senders {
		senders.Go(func() { r.send(ctx, batches, i) })
	}
	r.log.Info("load started", "clients", len(clients), "rate", r.cfg.Rate, "warmup", r.cfg.Warmup, "duration", r.cfg.Duration)

	w, err := r.measure(ctx, winStart, winEnd)
	senders.Wait()
	if err != nil {
		return nil, err
	}

	upTo, drained := r.drain(ctx, sentinel, clients)
	for _, c := range append(clients, sentinel) {
		c.close()
	}
	closeBy := time.After(closeWait)
	for _, c := range append(clients, sentinel) {
		select {
		case <-c.done:
		case <-closeBy:
			stopClients()
			<-c.done
		}
	}
	return r.report(clients, w, upTo, drained, loadAvgStart), nil
}

// waitReady waits for the server's /readyz to answer 200.
func (r *runner) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyWait)
	defer cancel()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/readyz", nil)
		if err != nil {
			return err
		}
		resp, err := r.hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("/readyz answered %s", resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("loadtest: server at %s not ready: %w", r.base, last)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// connect starts the sentinel and the clients and waits for each one's
// first snapshot. Viewports: a share Walls of the clients watch the whole
// district, the others a random box.
func (r *runner) connect(ctx context.Context) (*client, []*client, error) {
	// The sentinel watches every order and alarm; drain uses it to tell
	// when the last event has been fanned out. It is not counted.
	sentinel := newClient(r, -1, nil, layerOrders|layerAlarms)
	go sentinel.run(ctx)
	if err := waitClient(ctx, sentinel); err != nil {
		return nil, nil, fmt.Errorf("loadtest: connect to %s: %w", r.wsURL, err)
	}

	rng := rand.New(rand.NewPCG(r.cfg.Seed, 0xc11e7))
	walls := int(float64(r.cfg.Clients)*r.cfg.Walls + 0.5)
	clients := make([]*client, r.cfg.Clients)
	for i := range clients {
		var box *orb.Bound
		if i >= walls {
			width := r.cfg.Viewport.Min + rng.Float64()*(r.cfg.Viewport.Max-r.cfg.Viewport.Min)
			b := r.d.viewport(rng, width)
			box = &b
		}
		clients[i] = newClient(r, i, box, r.layers)
	}
	runCtx := ctx
	ctx, cancel := context.WithTimeout(ctx, connectWait)
	defer cancel()
	// A few dozen handshakes at a time: a thousand at once would only
	// queue in the server's accept backlog.
	slots := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for _, c := range clients {
		slots <- struct{}{}
		go c.run(runCtx)
		wg.Go(func() {
			defer func() { <-slots }()
			_ = waitClient(ctx, c)
		})
	}
	wg.Wait()
	connected := 0
	for _, c := range clients {
		select {
		case <-c.ready:
			connected++
		default:
		}
	}
	r.log.Info("clients connected", "connected", connected, "of", len(clients), "walls", walls)
	if connected == 0 {
		return nil, nil, fmt.Errorf("loadtest: no client could subscribe at %s", r.wsURL)
	}
	return sentinel, clients, nil
}

// waitClient waits for a client's first snapshot, or its failure.
func waitClient(ctx context.Context, c *client) error {
	select {
	case <-c.ready:
		return nil
	case <-c.done:
		if c.failed != nil {
			return c.failed
		}
		return errors.New("connection ended before the first snapshot")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// window is what was sampled at the two ends of the measured window.
type window struct {
	m0, m1         machineSample
	sched0, sched1 schedSample
	s0, s1         serverSample
	serverPeakRSS  float64
	split          cpuSplit
	profiled       bool
	rss, peakRSS   int64
	soak           []SoakSample
	scrapeProblems []string
}

// measure waits out the warm-up, samples the machine and the server at
// both ends of the window, and profiles the CPU in between.
func (r *runner) measure(ctx context.Context, winStart, winEnd time.Time) (window, error) {
	var w window
	if err := sleepUntil(ctx, winStart); err != nil {
		return w, err
	}
	w.m0, w.sched0 = sampleMachine(), sampleSched()
	var err error
	if w.s0, err = scrapeServer(ctx, r.hc, r.base, r.cfg.Token); err != nil {
		w.scrapeProblems = append(w.scrapeProblems, err.Error())
	}
	var prof bytes.Buffer
	profile := r.cfg.InProcess || r.cfg.CPUProfile != nil
	if profile {
		if err := pprof.StartCPUProfile(&prof); err != nil {
			w.scrapeProblems = append(w.scrapeProblems, "CPU profile: "+err.Error())
			profile = false
		}
	}
	// traceEnd stays nil, never firing, unless a trace is being taken.
	var traceEnd <-chan time.Time
	if r.cfg.Trace != nil {
		if err := trace.Start(r.cfg.Trace); err != nil {
			w.scrapeProblems = append(w.scrapeProblems, "trace: "+err.Error())
		} else {
			t := time.NewTimer(traceFor)
			traceEnd = t.C
			defer func() {
				if t.Stop() {
					trace.Stop()
				}
			}()
		}
	}
	w.serverPeakRSS = w.s0.rss
	if w.s0.ok {
		w.soak = append(w.soak, soakSample(w.s0, winStart))
	}
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	// A soak samples the server on a ticker of its own; other runs never
	// see this one fire.
	soakEvery := r.cfg.SoakEvery
	if soakEvery <= 0 {
		soakEvery = r.cfg.Duration + time.Hour
	}
	soakTick := time.NewTicker(soakEvery)
	defer soakTick.Stop()
	end := time.NewTimer(time.Until(winEnd))
	defer end.Stop()
	for waiting := true; waiting; {
		select {
		case <-tick.C:
			if s, err := scrapeServer(ctx, r.hc, r.base, r.cfg.Token); err == nil {
				w.serverPeakRSS = max(w.serverPeakRSS, s.rss)
			}
			elapsed := time.Since(winStart).Seconds()
			var posted int64
			for k := range kinds {
				posted += r.posted.window[k][stAccepted].Load()
			}
			r.log.Info("measuring", "elapsed", time.Since(winStart).Round(time.Second), "posted_per_s", int(float64(posted)/elapsed))
		case <-soakTick.C:
			s, err := scrapeServer(ctx, r.hc, r.base, r.cfg.Token)
			if err != nil {
				w.scrapeProblems = append(w.scrapeProblems, "soak sample: "+err.Error())
				continue
			}
			w.serverPeakRSS = max(w.serverPeakRSS, s.rss)
			w.soak = append(w.soak, soakSample(s, winStart))
			r.log.Info("soak sample", "elapsed", time.Since(winStart).Round(time.Second), "rss_mb", int(s.rss/(1<<20)), "goroutines", int(s.goroutines))
		case <-traceEnd:
			trace.Stop()
		case <-end.C:
			waiting = false
		case <-ctx.Done():
			if profile {
				pprof.StopCPUProfile()
			}
			return w, ctx.Err()
		}
	}
	w.m1, w.sched1 = sampleMachine(), sampleSched()
	if profile {
		pprof.StopCPUProfile()
		w.profiled = true
		if w.split, err = splitProfile(prof.Bytes()); err != nil {
			w.scrapeProblems = append(w.scrapeProblems, err.Error())
		}
		if r.cfg.CPUProfile != nil {
			if _, err := r.cfg.CPUProfile.Write(prof.Bytes()); err != nil {
				return w, fmt.Errorf("loadtest: write CPU profile: %w", err)
			}
		}
	}
	if w.s1, err = scrapeServer(ctx, r.hc, r.base, r.cfg.Token); err != nil {
		w.scrapeProblems = append(w.scrapeProblems, err.Error())
	}
	w.serverPeakRSS = max(w.serverPeakRSS, w.s1.rss)
	if w.s1.ok && r.cfg.SoakEvery > 0 {
		w.soak = append(w.soak, soakSample(w.s1, winStart))
	}
	w.rss, w.peakRSS = selfMemory()
	return w, nil
}

func sleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drain finds how far every client can be checked: it waits until the
// sentinel has read the run's last accepted order or alarm, which means
// fan-out has queued it for every client (or, when the server is too far
// behind, takes the last one the sentinel has read), then pings every
// client and waits for the pongs, which come after everything queued
// before them. It returns that seq and whether every client answered.
func (r *runner) drain(ctx context.Context, sentinel *client, clients []*client) (upTo uint64, drained bool) {
	r.incMu.Lock()
	last := r.lastSeq
	r.incMu.Unlock()
	fanned, cancel := context.WithTimeout(ctx, drainWait)
wait:
	for sentinel.maxSeq.Load() < last {
		select {
		case <-fanned.Done():
			r.log.Warn("drain: the server is behind; checking up to what it has fanned out", "last_seq", last, "fanned_out", sentinel.maxSeq.Load())
			break wait
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	upTo = min(last, sentinel.maxSeq.Load())

	ctx, cancel = context.WithTimeout(ctx, drainWait)
	defer cancel()
	// A pong may be dropped by a server whose queue for the client is
	// full, so clients that have not answered are pinged again.
	waiting := map[*client]bool{}
	for _, c := range clients {
		select {
		case <-c.done:
		default:
			waiting[c] = true
		}
	}
	for len(waiting) > 0 {
		for c := range waiting {
			if c.write([]byte(`{"op":"ping"}`)) != nil {
				delete(waiting, c)
			}
		}
		again := time.After(2 * time.Second)
	collect:
		for len(waiting) > 0 {
			for c := range waiting {
				select {
				case <-c.pong:
					delete(waiting, c)
				case <-c.done:
					delete(waiting, c)
				default:
				}
			}
			select {
			case <-ctx.Done():
				r.log.Warn("drain: clients did not answer the final ping in time", "waiting", len(waiting))
				return upTo, false
			case <-again:
				break collect
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	return upTo, true
}
