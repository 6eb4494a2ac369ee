package loadtest

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"
)

// A soak is a long run (Config.SoakEvery set) that samples the server's
// memory and goroutines through the measured window and judges whether
// they grow: a leak shows as a last quarter well above the first.

// MaxSoakDuration bounds the measured time of a soak.
const MaxSoakDuration = 12 * time.Hour

// The soak's bounds: the last quarter's median live heap and native memory
// may each be at most soakMemoryGrowth above the first quarter's, its
// goroutines at most soakGoroutineGrowth above plus soakGoroutineSlack
// (requests and connections come and go); a soak takes at least
// minSoakSamples samples, two in each quarter. Resident memory is reported
// but not judged when the live heap is known: it also grows while the
// heap fills out to the collector's goal (GOGC), which is no leak.
const (
	soakMemoryGrowth    = 0.10
	soakGoroutineGrowth = 0.10
	soakGoroutineSlack  = 10
	minSoakSamples      = 8
)

// SoakSample is what the server's metrics said at one moment of a soak.
type SoakSample struct {
	ElapsedS  float64 `json:"elapsed_s"`  // since the measured window began
	RSS       float64 `json:"rss"`        // process_resident_memory_bytes
	HeapInuse float64 `json:"heap_inuse"` // go_memstats_heap_inuse_bytes
	// LiveHeap is the heap in use after the last collection
	// (go_gc_heap_live_bytes): what the program keeps, whatever GOGC.
	LiveHeap float64 `json:"live_heap"`
	// GoHeld is the memory the Go runtime holds from the system
	// (go_memstats_sys_bytes less what it has released): RSS beyond it is
	// native, the embedded ClickHouse's above all.
	GoHeld     float64 `json:"go_held"`
	Goroutines float64 `json:"goroutines"`     // go_goroutines
	WSConns    float64 `json:"ws_connections"` // gridpulse_ws_connections
	OpenOrders float64 `json:"open_orders"`    // gridpulse_live_open_orders
	// KeptClosed is the closed orders and cleared alarms the live state
	// remembers (gridpulse_live_kept_closed, both layers).
	KeptClosed float64 `json:"kept_closed"`
	// WriterLag is the events the analytics writer had still to write
	// (gridpulse_analytics_lag_events, both streams).
	WriterLag float64 `json:"writer_lag"`
}

func soakSample(s serverSample, windowStart time.Time) SoakSample {
	return SoakSample{ElapsedS: s.at.Sub(windowStart).Seconds(), RSS: s.rss, HeapInuse: s.heapInuse, LiveHeap: s.liveHeap, GoHeld: s.goHeld,
		Goroutines: s.goroutines, WSConns: s.wsConns, OpenOrders: s.openOrders, KeptClosed: s.keptClosed, WriterLag: s.writerLag}
}

// SoakReport is a soak's samples and the verdict on their growth.
type SoakReport struct {
	EveryS  float64      `json:"every_s"`
	Samples []SoakSample `json:"samples"`
	// First and Last are the medians of the samples in the first and the
	// last quarter of the window, field by field.
	First SoakSample `json:"first_quarter"`
	Last  SoakSample `json:"last_quarter"`
	// The growths are Last over First, less one: native memory is RSS
	// beyond what the Go runtime holds.
	RSSGrowth       float64 `json:"rss_growth"`
	LiveHeapGrowth  float64 `json:"live_heap_growth"`
	NativeGrowth    float64 `json:"native_growth"`
	GoroutineGrowth float64 `json:"goroutine_growth"`
	Stable          bool    `json:"stable"`
	Verdict         string  `json:"verdict"`
}

// judgeSoak compares the first and the last quarter of a window of
// windowS seconds sampled every everyS.
func judgeSoak(samples []SoakSample, windowS, everyS float64) *SoakReport {
	rep := &SoakReport{EveryS: everyS, Samples: samples}
	var first, last []SoakSample
	for _, s := range samples {
		switch {
		case s.ElapsedS <= windowS/4:
			first = append(first, s)
		case s.ElapsedS >= windowS*3/4:
			last = append(last, s)
		}
	}
	if len(first) < 2 || len(last) < 2 {
		rep.Verdict = fmt.Sprintf("not judged: %d samples in the first quarter and %d in the last, at least 2 each needed", len(first), len(last))
		return rep
	}
	rep.First, rep.Last = medians(first), medians(last)
	rep.RSSGrowth = growth(rep.First.RSS, rep.Last.RSS)
	rep.LiveHeapGrowth = growth(rep.First.LiveHeap, rep.Last.LiveHeap)
	rep.NativeGrowth = growth(rep.First.RSS-rep.First.GoHeld, rep.Last.RSS-rep.Last.GoHeld)
	rep.GoroutineGrowth = growth(rep.First.Goroutines, rep.Last.Goroutines)
	var byLiveHeap, memoryOK bool
	summary := fmt.Sprintf("resident memory %s → %s (%+.1f %%)", mb(rep.First.RSS), mb(rep.Last.RSS), 100*rep.RSSGrowth)
	if rep.First.LiveHeap > 0 {
		// A server that says its live heap is judged on it and on its
		// native memory.
		byLiveHeap, memoryOK = true, rep.LiveHeapGrowth <= soakMemoryGrowth && rep.NativeGrowth <= soakMemoryGrowth
		summary = fmt.Sprintf("live heap %s → %s (%+.1f %%), native memory %s → %s (%+.1f %%), ",
			mb(rep.First.LiveHeap), mb(rep.Last.LiveHeap), 100*rep.LiveHeapGrowth,
			mb(rep.First.RSS-rep.First.GoHeld), mb(rep.Last.RSS-rep.Last.GoHeld), 100*rep.NativeGrowth) + summary
	} else {
		memoryOK = rep.RSSGrowth <= soakMemoryGrowth
	}
	goOK := rep.Last.Goroutines <= rep.First.Goroutines*(1+soakGoroutineGrowth)+soakGoroutineSlack
	rep.Stable = memoryOK && goOK
	summary += fmt.Sprintf(", goroutines %.0f → %.0f (%+.1f %%), first quarter's medians against the last's",
		rep.First.Goroutines, rep.Last.Goroutines, 100*rep.GoroutineGrowth)
	switch {
	case rep.Stable:
		rep.Verdict = "stable: " + summary
	case !goOK:
		rep.Verdict = "GROWING: goroutines pile up: " + summary
	case byLiveHeap:
		rep.Verdict = fmt.Sprintf("GROWING: the live heap or native memory rose more than %.0f %%: %s", 100*soakMemoryGrowth, summary)
	default:
		rep.Verdict = fmt.Sprintf("GROWING: memory rose more than %.0f %%: %s; run longer to tell a leak from caches filling", 100*soakMemoryGrowth, summary)
	}
	return rep
}

func growth(from, to float64) float64 {
	if from <= 0 {
		return 0
	}
	return to/from - 1
}

// medians is the median of each field over samples.
func medians(samples []SoakSample) SoakSample {
	med := func(field func(SoakSample) float64) float64 {
		v := make([]float64, len(samples))
		for i, s := range samples {
			v[i] = field(s)
		}
		slices.Sort(v)
		if n := len(v); n%2 == 0 {
			return (v[n/2-1] + v[n/2]) / 2
		}
		return v[len(v)/2]
	}
	return SoakSample{
		ElapsedS:   med(func(s SoakSample) float64 { return s.ElapsedS }),
		RSS:        med(func(s SoakSample) float64 { return s.RSS }),
		HeapInuse:  med(func(s SoakSample) float64 { return s.HeapInuse }),
		LiveHeap:   med(func(s SoakSample) float64 { return s.LiveHeap }),
		GoHeld:     med(func(s SoakSample) float64 { return s.GoHeld }),
		Goroutines: med(func(s SoakSample) float64 { return s.Goroutines }),
		WSConns:    med(func(s SoakSample) float64 { return s.WSConns }),
		OpenOrders: med(func(s SoakSample) float64 { return s.OpenOrders }),
		KeptClosed: med(func(s SoakSample) float64 { return s.KeptClosed }),
		WriterLag:  med(func(s SoakSample) float64 { return s.WriterLag }),
	}
}

// writeText prints the samples as a table, then the verdict.
func (s *SoakReport) writeText(out io.Writer) error {
	fmt.Fprintf(out, "\nsoak: the server sampled every %s\n", time.Duration(s.EveryS*float64(time.Second)))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "elapsed\tRSS\tlive heap\tGo heap\tGo held\tnative\tgoroutines\tWebSockets\topen orders\tkept closed\twriter lag\t\n")
	row := func(name string, x SoakSample) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t\n", name, mb(x.RSS), mb(x.LiveHeap), mb(x.HeapInuse), mb(x.GoHeld), mb(x.RSS-x.GoHeld),
			x.Goroutines, x.WSConns, x.OpenOrders, x.KeptClosed, x.WriterLag)
	}
	for _, x := range s.Samples {
		row(time.Duration(x.ElapsedS*float64(time.Second)).Round(time.Second).String(), x)
	}
	if s.First.Goroutines > 0 {
		row("median, first ¼", s.First)
		row("median, last ¼", s.Last)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(out, "soak verdict: %s\n", s.Verdict)
	return err
}
