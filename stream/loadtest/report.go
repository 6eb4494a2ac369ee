package loadtest

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// GoalP99 is the latency goal for orders and alarms at the 99th
// percentile.
const GoalP99 = 50 * time.Millisecond

// Report is what a run measured. Rates are per second of the measured
// window; CPU figures are cores (1.0 is one core busy all the time); -1
// means not known.
type Report struct {
	Target    string       `json:"target"`
	InProcess bool         `json:"in_process"`
	Config    ReportConfig `json:"config"`
	Started   time.Time    `json:"started"`
	WindowS   float64      `json:"window_s"`

	Events    EventReport        `json:"events"`
	Latency   map[string]Summary `json:"latency_ms"`
	Delivery  DeliveryReport     `json:"delivery"`
	Integrity IntegrityReport    `json:"integrity"`
	Clients   ClientReport       `json:"clients"`
	CPU       CPUReport          `json:"cpu"`
	Scheduler SchedReport        `json:"scheduler"`
	Memory    MemoryReport       `json:"memory"`
	Goal      GoalReport         `json:"goal"`
	// Soak is the server's memory and goroutines through a soak's window,
	// and whether they grew; nil when the run was not a soak.
	Soak *SoakReport `json:"soak,omitempty"`
	// Problems are the first errors seen: failed posts, rejections,
	// client errors, metrics that could not be read.
	Problems []string `json:"problems,omitempty"`
}

// The latency series in Report.Latency.
const (
	LatencyOrders        = "orders"
	LatencyAlarms        = "alarms"
	LatencyOrdersAlarms  = "orders+alarms"
	LatencyPatrol        = "patrol"
	LatencyPatrolFromTic = "patrol_from_tick"
	LatencyPost          = "post"
)

// ReportConfig echoes the run's settings.
type ReportConfig struct {
	Clients      int      `json:"clients"`
	Walls        int      `json:"walls"`
	Rate         int      `json:"rate"`
	Mix          string   `json:"mix"`
	Warmup       string   `json:"warmup"`
	Duration     string   `json:"duration"`
	ViewportKm   string   `json:"viewport_km"`
	Layers       []string `json:"layers"`
	Batch        int      `json:"batch"`
	Senders      int      `json:"senders"`
	Workers      int      `json:"workers"`
	OpenOrders   int      `json:"open_orders"`
	ActiveAlarms int      `json:"active_alarms"`
	Seed         uint64   `json:"seed"`
}

// EventReport is what was posted.
type EventReport struct {
	AskedPerS  float64               `json:"asked_per_s"`
	PostedPerS float64               `json:"posted_per_s"` // accepted
	ByKind     map[string]KindCounts `json:"by_kind"`
	// Requests is every POST of the run; HTTPErrors those that got no
	// per-event answer (their events count as lost).
	Requests   int64 `json:"requests"`
	HTTPErrors int64 `json:"http_errors"`
}

// KindCounts are one event type's outcomes in the window.
type KindCounts struct {
	AskedPerS  float64 `json:"asked_per_s"`
	PostedPerS float64 `json:"posted_per_s"`
	Accepted   int64   `json:"accepted"`
	Duplicate  int64   `json:"duplicate"`
	Rejected   int64   `json:"rejected"`
	Failed     int64   `json:"failed"`
	Lost       int64   `json:"lost"`
}

// DeliveryReport is what the clients read in the window, per second.
type DeliveryReport struct {
	MessagesPerS      float64 `json:"messages_per_s"`
	DeltasPerS        float64 `json:"deltas_per_s"`
	PatrolBatchesPerS float64 `json:"patrol_batches_per_s"`
	WorkerViewsPerS   float64 `json:"worker_views_per_s"`
	OtherPerS         float64 `json:"other_per_s"`
	FramesPerS        float64 `json:"frames_per_s"`
	MBPerS            float64 `json:"mb_per_s"`
	// ServerSentPerS is the server's own count of messages written
	// (gridpulse_ws_messages_sent_total), -1 when not scraped.
	ServerSentPerS float64 `json:"server_sent_per_s"`
}

// IntegrityReport counts what went wrong, over the whole run.
type IntegrityReport struct {
	Gaps    int64 `json:"gaps"`    // a delta's prev was not the last seq seen
	Repeats int64 `json:"repeats"` // a delta's seq was not above the last
	Resyncs int64 `json:"resyncs"` // resync messages the clients read
	// ServerResyncs and ServerDrops are the hub's own counts in the
	// window, -1 when not scraped.
	ServerResyncs float64   `json:"server_resyncs"`
	ServerDrops   float64   `json:"server_queue_drops"`
	Errors        int64     `json:"errors"`     // error messages from the server
	Unreadable    int64     `json:"unreadable"` // messages the clients could not read
	Exactness     Exactness `json:"exactly_once"`
}

// ClientReport counts the clients.
type ClientReport struct {
	Wanted      int   `json:"wanted"`
	Connected   int   `json:"connected"`
	Failed      int   `json:"failed"`
	Dropped     int64 `json:"dropped"`     // connections lost during the run
	Reconnected int64 `json:"reconnected"` // reconnections with resume
	// ServerConnections is the server's count of WebSocket connections
	// at the end of the window (the clients and the drain sentinel), -1
	// when not scraped.
	ServerConnections float64 `json:"server_connections"`
}

// CPUReport is where the cores went during the window.
type CPUReport struct {
	Cores int `json:"cores"`
	// MachineBusy is every process on the machine; Others what was not
	// the server or the load generator (other work on a shared machine).
	MachineBusy float64 `json:"machine_busy"`
	Others      float64 `json:"others"`
	// Server and Generator are each side's cores. In-process, Generator
	// is the generator's profiled CPU (by its goroutines' labels), Runtime
	// the Go runtime's unlabelled background work (garbage collection)
	// shared by both, and Server the rest of the process, native
	// libraries' threads included.
	Server    float64 `json:"server"`
	Generator float64 `json:"generator"`
	Runtime   float64 `json:"runtime"`
	// LoadAvg is the 1-minute load average before the load and at the
	// end of the window.
	LoadAvgStart float64 `json:"load_avg_start"`
	LoadAvgEnd   float64 `json:"load_avg_end"`
}

// MemoryReport is resident memory in bytes.
type MemoryReport struct {
	// ServerRSS and ServerPeakRSS are from the server's metrics (sampled
	// every 5 s); in-process they are the whole process's.
	ServerRSS        float64 `json:"server_rss"`
	ServerPeakRSS    float64 `json:"server_peak_rss"`
	ServerGoroutines float64 `json:"server_goroutines"`
	// GeneratorRSS and GeneratorPeakRSS are this process's (in-process:
	// the same process as the server).
	GeneratorRSS     int64 `json:"generator_rss"`
	GeneratorPeakRSS int64 `json:"generator_peak_rss"`
}

// GoalReport says whether the run met the latency goal: the 99th
// percentile of orders and alarms at most GoalP99, with the asked rate
// posted and every client connected.
type GoalReport struct {
	P99Ms  float64 `json:"p99_ms"`
	GoalMs float64 `json:"goal_ms"`
	Met    bool    `json:"met"`
	Why    string  `json:"why"`
}

func (r *runner) report(clients []*client, w window, upTo uint64, drained bool, loadAvgStart float64) *Report {
	secs := w.m1.at.Sub(w.m0.at).Seconds()
	if secs <= 0 {
		secs = r.cfg.Duration.Seconds()
	}
	per := func(v float64) float64 { return v / secs }
	rep := &Report{
		Target:    r.base,
		InProcess: r.cfg.InProcess,
		Started:   w.m0.at.UTC(),
		WindowS:   secs,
		Latency:   map[string]Summary{},
	}
	walls := 0
	for _, c := range clients {
		if c.bbox == nil {
			walls++
		}
	}
	rep.Config = ReportConfig{
		Clients: r.cfg.Clients, Walls: walls, Rate: r.cfg.Rate, Mix: r.cfg.Mix.normalised().String(),
		Warmup: r.cfg.Warmup.String(), Duration: r.cfg.Duration.String(), ViewportKm: r.cfg.Viewport.String(),
		Layers: r.cfg.Layers, Batch: r.cfg.Batch, Senders: r.cfg.Senders, Workers: r.cfg.Workers,
		OpenOrders: r.cfg.OpenOrders, ActiveAlarms: r.cfg.ActiveAlarms, Seed: r.cfg.Seed,
	}

	// Events.
	mix := r.cfg.Mix.normalised()
	shares := [kinds]float64{mix.Patrol, mix.Order, mix.Alarm}
	rep.Events = EventReport{AskedPerS: float64(r.cfg.Rate), ByKind: map[string]KindCounts{},
		Requests: r.posted.requests.Load(), HTTPErrors: r.posted.httpErrors.Load()}
	for k := range kinds {
		st := &r.posted.window[k]
		kc := KindCounts{
			AskedPerS: shares[k] * float64(r.cfg.Rate),
			Accepted:  st[stAccepted].Load(), Duplicate: st[stDuplicate].Load(), Rejected: st[stRejected].Load(),
			Failed: st[stFailed].Load(), Lost: st[stLost].Load(),
		}
		kc.PostedPerS = per(float64(kc.Accepted))
		rep.Events.PostedPerS += kc.PostedPerS
		rep.Events.ByKind[kindNames[k]] = kc
	}

	// What the clients read.
	var sum clientCounts
	var ticks [][]tickObs
	for _, c := range clients {
		cc := &c.counts
		for o := range cc.msgs {
			sum.msgs[o] += cc.msgs[o]
		}
		sum.frames += cc.frames
		sum.bytes += cc.bytes
		sum.workerViews += cc.workerViews
		sum.gaps += cc.gaps
		sum.repeats += cc.repeats
		sum.resyncs += cc.resyncs
		sum.errors += cc.errors
		sum.unreadable += cc.unreadable
		sum.drops += cc.drops
		sum.reconnects += cc.reconnects
		ticks = append(ticks, c.ticks)
		switch {
		case c.failed != nil:
			rep.Clients.Failed++
			rep.note(fmt.Sprintf("client %d: %v", c.index, c.failed))
		case c.synced:
			rep.Clients.Connected++
		}
		if cc.firstError != "" {
			rep.note(fmt.Sprintf("client %d: %s", c.index, cc.firstError))
		}
	}
	rep.Clients.Wanted, rep.Clients.Dropped, rep.Clients.Reconnected = len(clients), sum.drops, sum.reconnects
	rep.Clients.ServerConnections = -1
	if w.s1.ok {
		rep.Clients.ServerConnections = w.s1.wsConns
	}
	var all int64
	for _, n := range sum.msgs {
		all += n
	}
	rep.Delivery = DeliveryReport{
		MessagesPerS:      per(float64(all)),
		DeltasPerS:        per(float64(sum.msgs[opDelta])),
		PatrolBatchesPerS: per(float64(sum.msgs[opPatrols])),
		WorkerViewsPerS:   per(float64(sum.workerViews)),
		OtherPerS:         per(float64(all - sum.msgs[opDelta] - sum.msgs[opPatrols])),
		FramesPerS:        per(float64(sum.frames)),
		MBPerS:            per(float64(sum.bytes)) / 1e6,
		ServerSentPerS:    -1,
	}
	scraped := w.s0.ok && w.s1.ok
	if scraped {
		rep.Delivery.ServerSentPerS = per(w.s1.sent - w.s0.sent)
	}

	// Latency.
	if r.layers.has(layerPatrols) {
		if err := tickLatencies(ticks, r.lat.sampler(0)); err != nil {
			rep.note("patrol latency from the tick: " + err.Error())
		}
	}
	h := r.lat.merged()
	both := newHistogram()
	both.Merge(h[seriesOrder])
	both.Merge(h[seriesAlarm])
	rep.Latency[LatencyOrders] = summarise(h[seriesOrder])
	rep.Latency[LatencyAlarms] = summarise(h[seriesAlarm])
	rep.Latency[LatencyOrdersAlarms] = summarise(both)
	rep.Latency[LatencyPatrol] = summarise(h[seriesPatrol])
	rep.Latency[LatencyPatrolFromTic] = summarise(h[seriesTick])
	rep.Latency[LatencyPost] = summarise(h[seriesPost])

	// Integrity.
	r.incMu.Lock()
	exact := verify(clients, r.incidents, upTo, drained, r.uncertain)
	r.incMu.Unlock()
	rep.Integrity = IntegrityReport{
		Gaps: sum.gaps, Repeats: sum.repeats, Resyncs: sum.resyncs, Errors: sum.errors, Unreadable: sum.unreadable,
		ServerResyncs: -1, ServerDrops: -1, Exactness: exact,
	}
	if scraped {
		rep.Integrity.ServerResyncs = w.s1.resyncs - w.s0.resyncs
		rep.Integrity.ServerDrops = w.s1.drops - w.s0.drops
	}

	// CPU and memory.
	self := selfCores(w.m0, w.m1)
	rep.CPU = CPUReport{Cores: runtime.NumCPU(), MachineBusy: busyCores(w.m0, w.m1), LoadAvgStart: loadAvgStart, LoadAvgEnd: w.m1.loadavg1,
		Server: -1, Generator: self, Runtime: -1, Others: -1}
	switch {
	case r.cfg.InProcess && w.profiled:
		secs := w.m1.at.Sub(w.m0.at).Seconds()
		rep.CPU.Generator = w.split.generator.Seconds() / secs
		rep.CPU.Runtime = w.split.unattributed.Seconds() / secs
		rep.CPU.Server = max(self-rep.CPU.Generator-rep.CPU.Runtime, 0)
	case !r.cfg.InProcess && scraped:
		rep.CPU.Server = (w.s1.cpuSeconds - w.s0.cpuSeconds) / w.s1.at.Sub(w.s0.at).Seconds()
	}
	if rep.CPU.MachineBusy >= 0 {
		rep.CPU.Others = rep.CPU.MachineBusy - self
		if !r.cfg.InProcess && rep.CPU.Server >= 0 {
			rep.CPU.Others -= rep.CPU.Server
		}
		rep.CPU.Others = max(rep.CPU.Others, 0)
	}
	rep.Scheduler = w.sched1.since(w.sched0)
	rep.Memory = MemoryReport{ServerRSS: -1, ServerPeakRSS: -1, ServerGoroutines: -1, GeneratorRSS: w.rss, GeneratorPeakRSS: w.peakRSS}
	if w.s1.ok {
		rep.Memory.ServerRSS, rep.Memory.ServerPeakRSS, rep.Memory.ServerGoroutines = w.s1.rss, w.serverPeakRSS, w.s1.goroutines
	}

	for _, p := range r.posted.firstFails {
		rep.note("post: " + p)
	}
	for _, p := range w.scrapeProblems {
		rep.note(p)
	}
	rep.Goal = goal(rep)
	if r.cfg.SoakEvery > 0 {
		rep.Soak = judgeSoak(w.soak, secs, r.cfg.SoakEvery.Seconds())
	}
	return rep
}

func (rep *Report) note(msg string) {
	if len(rep.Problems) < 12 {
		rep.Problems = append(rep.Problems, msg)
	}
}

func goal(rep *Report) GoalReport {
	g := GoalReport{P99Ms: rep.Latency[LatencyOrdersAlarms].P99, GoalMs: float64(GoalP99) / float64(time.Millisecond)}
	var why []string
	if rep.Latency[LatencyOrdersAlarms].Count == 0 {
		why = append(why, "no order or alarm latency was measured")
	} else if g.P99Ms > g.GoalMs {
		why = append(why, fmt.Sprintf("orders+alarms p99 %.1f ms is above %.0f ms", g.P99Ms, g.GoalMs))
	}
	if rep.Events.PostedPerS < 0.98*rep.Events.AskedPerS {
		why = append(why, fmt.Sprintf("posted %.0f events/s of the %.0f asked", rep.Events.PostedPerS, rep.Events.AskedPerS))
	}
	if rep.Clients.Connected < rep.Clients.Wanted {
		why = append(why, fmt.Sprintf("%d of %d clients connected", rep.Clients.Connected, rep.Clients.Wanted))
	}
	if n := rep.Integrity.Gaps + rep.Integrity.Repeats; n > 0 {
		why = append(why, fmt.Sprintf("%d gaps or repeats", n))
	}
	if x := rep.Integrity.Exactness; x.Missing+x.Unexpected > 0 {
		why = append(why, fmt.Sprintf("%d deltas missing and %d unexpected", x.Missing, x.Unexpected))
	}
	g.Met = len(why) == 0
	if g.Met {
		g.Why = fmt.Sprintf("orders+alarms p99 %.1f ms <= %.0f ms at %.0f events/s with %d clients", g.P99Ms, g.GoalMs, rep.Events.PostedPerS, rep.Clients.Connected)
	} else {
		g.Why = strings.Join(why, "; ")
	}
	return g
}

// WriteText prints the report as aligned tables.
func (rep *Report) WriteText(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	where := "server at " + rep.Target
	if rep.InProcess {
		where = "in-process server at " + rep.Target
	}
	c := rep.Config
	fmt.Fprintf(out, "gridpulse loadtest: %s\n", where)
	fmt.Fprintf(out, "  %d clients (%d whole-district walls, %d tablets %s km wide), layers %s\n",
		c.Clients, c.Walls, c.Clients-c.Walls, c.ViewportKm, strings.Join(c.Layers, ","))
	fmt.Fprintf(out, "  %d events/s asked (%s), %d per POST, %d senders, %d workers, %d open orders, %d active alarms\n",
		c.Rate, c.Mix, c.Batch, c.Senders, c.Workers, c.OpenOrders, c.ActiveAlarms)
	fmt.Fprintf(out, "  warm-up %s, measured %.1f s from %s; %d cores, load average %.2f before, %.2f at the end\n\n",
		c.Warmup, rep.WindowS, rep.Started.Format(time.RFC3339), rep.CPU.Cores, rep.CPU.LoadAvgStart, rep.CPU.LoadAvgEnd)

	// The first column is padded by hand: tabwriter aligns every column
	// the same way, and names read better left-aligned.
	const first = "%-20s\t"
	p(first+"asked/s\tposted/s\taccepted\tduplicate\trejected\tfailed\tlost\t\n", "events")
	for _, k := range kindNames {
		e := rep.Events.ByKind[k]
		p(first+"%.0f\t%.1f\t%d\t%d\t%d\t%d\t%d\t\n", k, e.AskedPerS, e.PostedPerS, e.Accepted, e.Duplicate, e.Rejected, e.Failed, e.Lost)
	}
	p(first+"%.0f\t%.1f\t\t\t\t\t\t\n", "all", rep.Events.AskedPerS, rep.Events.PostedPerS)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	p(first+"count\tp50\tp95\tp99\tp99.9\tmax\tmean\t\n", "latency, ms")
	for _, row := range []struct{ name, key string }{
		{"order", LatencyOrders},
		{"alarm", LatencyAlarms},
		{"order+alarm (goal)", LatencyOrdersAlarms},
		{"patrol, from post", LatencyPatrol},
		{"patrol, from tick", LatencyPatrolFromTic},
		{"POST answered", LatencyPost},
	} {
		s := rep.Latency[row.key]
		p(first+"%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", row.name, s.Count, s.P50, s.P95, s.P99, s.P999, s.Max, s.Mean)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	d := rep.Delivery
	fmt.Fprintf(out, "\ndelivered per second: %.0f messages (%.0f deltas, %.0f patrol batches carrying %.0f worker views, %.0f other) in %.0f frames, %.1f MB",
		d.MessagesPerS, d.DeltasPerS, d.PatrolBatchesPerS, d.WorkerViewsPerS, d.OtherPerS, d.FramesPerS, d.MBPerS)
	if d.ServerSentPerS >= 0 {
		fmt.Fprintf(out, "; the server counted %.0f sent (with the drain sentinel's)", d.ServerSentPerS)
	}
	in := rep.Integrity
	fmt.Fprintf(out, "\nintegrity: %d gaps, %d repeats, %d resyncs read", in.Gaps, in.Repeats, in.Resyncs)
	if in.ServerResyncs >= 0 {
		fmt.Fprintf(out, " (server: %.0f resyncs, %.0f queue drops in the window)", in.ServerResyncs, in.ServerDrops)
	}
	fmt.Fprintf(out, ", %d server errors, %d unreadable messages\n", in.Errors, in.Unreadable)
	x := in.Exactness
	switch {
	case !x.Drained:
		fmt.Fprintf(out, "exactly once: not checked: the clients did not all answer the final ping\n")
	default:
		fmt.Fprintf(out, "exactly once: %d of %d checked clients got exactly their orders and alarms (%d expected, %d received, %d missing, %d unexpected); %d not checkable",
			x.Exact, x.Checked, x.Expected, x.Received, x.Missing, x.Unexpected, x.Skipped)
		if x.Behind > 0 {
			fmt.Fprintf(out, "; checked up to seq %d: %d accepted events were not fanned out %s after the load", x.UpTo, x.Behind, drainWait)
		}
		if x.Uncertain > 0 {
			fmt.Fprintf(out, "; %d events of unknown outcome", x.Uncertain)
		}
		fmt.Fprintln(out)
	}
	cl := rep.Clients
	fmt.Fprintf(out, "clients: %d of %d connected (the server counted %.0f with the sentinel), %d failed, %d connections lost, %d reconnected; %d POSTs, %d without an answer\n",
		cl.Connected, cl.Wanted, cl.ServerConnections, cl.Failed, cl.Dropped, cl.Reconnected, rep.Events.Requests, rep.Events.HTTPErrors)

	cpu := rep.CPU
	fmt.Fprintf(out, "CPU, cores of %d: machine busy %s; server %s, load generator %s", cpu.Cores, cores(cpu.MachineBusy), cores(cpu.Server), cores(cpu.Generator))
	if rep.InProcess {
		fmt.Fprintf(out, ", Go runtime background (GC) %s", cores(cpu.Runtime))
	}
	fmt.Fprintf(out, ", other processes %s\n", cores(cpu.Others))
	whose := "the load generator's"
	if rep.InProcess {
		whose = "server and generator"
	}
	sc := rep.Scheduler
	fmt.Fprintf(out, "scheduler (%s goroutines): waited ready to run p50 %.2f ms, p99 %.1f ms, p99.9 %.1f ms\n",
		whose, sc.P50Ms, sc.P99Ms, sc.P999Ms)
	m := rep.Memory
	if rep.InProcess {
		fmt.Fprintf(out, "memory: process (server and generator) RSS %s, peak %s; %.0f goroutines\n", mb(float64(m.GeneratorRSS)), mb(float64(m.GeneratorPeakRSS)), m.ServerGoroutines)
	} else {
		fmt.Fprintf(out, "memory: server RSS %s (peak sampled %s), %.0f goroutines; load generator RSS %s\n", mb(m.ServerRSS), mb(m.ServerPeakRSS), m.ServerGoroutines, mb(float64(m.GeneratorRSS)))
	}
	verdict := "NOT MET"
	if rep.Goal.Met {
		verdict = "met"
	}
	fmt.Fprintf(out, "goal (order+alarm p99 <= %.0f ms): %s: %s\n", rep.Goal.GoalMs, verdict, rep.Goal.Why)
	if rep.Soak != nil {
		if err := rep.Soak.writeText(out); err != nil {
			return err
		}
	}
	for _, pr := range rep.Problems {
		fmt.Fprintf(out, "  problem: %s\n", pr)
	}
	return nil
}

func cores(v float64) string {
	if v < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", v)
}

func mb(v float64) string {
	if v < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MB", v/(1<<20))
}
