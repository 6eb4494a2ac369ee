package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	prommodel "github.com/prometheus/common/model"
)

// machineSample is what the machine and this process had used up to a
// moment: enough to tell, over a window, how busy the cores were and how
// much of that was this process.
type machineSample struct {
	at       time.Time
	busy     uint64 // all cores' busy time, in clock ticks (/proc/stat)
	total    uint64 // all cores' time
	selfCPU  time.Duration
	loadavg1 float64
}

func sampleMachine() machineSample {
	s := machineSample{at: time.Now()}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := bytes.Cut(b, []byte("\n"))
		fields := strings.Fields(string(line))
		if len(fields) > 5 && fields[0] == "cpu" {
			for i, f := range fields[1:] {
				v, _ := strconv.ParseUint(f, 10, 64)
				s.total += v
				if i != 3 && i != 4 { // idle, iowait
					s.busy += v
				}
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.selfCPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 {
			s.loadavg1, _ = strconv.ParseFloat(f[0], 64)
		}
	}
	return s
}

// busyCores is how many cores the whole machine kept busy between a and
// b; -1 when /proc/stat is not readable.
func busyCores(a, b machineSample) float64 {
	if b.total <= a.total {
		return -1
	}
	return float64(b.busy-a.busy) / float64(b.total-a.total) * float64(runtime.NumCPU())
}

// selfCores is the cores this process used between a and b.
func selfCores(a, b machineSample) float64 {
	return (b.selfCPU - a.selfCPU).Seconds() / b.at.Sub(a.at).Seconds()
}

// selfMemory is this process's resident set now and at its peak.
func selfMemory() (rss, peak int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1, -1
	}
	defer f.Close()
	rss, peak = -1, -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			peak = kb << 10
		}
	}
	return rss, peak
}

// serverSample is what the server's /metrics said at one moment.
type serverSample struct {
	at         time.Time
	cpuSeconds float64 // process_cpu_seconds_total
	rss        float64 // process_resident_memory_bytes
	goroutines float64
	heapInuse  float64 // go_memstats_heap_inuse_bytes
	liveHeap   float64 // go_gc_heap_live_bytes
	goHeld     float64 // go_memstats_sys_bytes less go_memstats_heap_released_bytes
	wsConns    float64
	openOrders float64 // gridpulse_live_open_orders
	keptClosed float64 // gridpulse_live_kept_closed, both layers
	writerLag  float64 // gridpulse_analytics_lag_events, both streams
	resyncs    float64 // gridpulse_ws_resyncs_total
	drops      float64 // gridpulse_ws_queue_drops_total
	sent       float64 // gridpulse_ws_messages_sent_total, every kind
	ok         bool
}

// scrapeServer reads the server's /metrics with a district user's token
// (or a scraper's key).
func scrapeServer(ctx context.Context, hc *http.Client, base, token string) (serverSample, error) {
	s := serverSample{at: time.Now()}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return s, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return s, fmt.Errorf("scrape metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("scrape metrics: %s", resp.Status)
	}
	parser := expfmt.NewTextParser(prommodel.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return s, fmt.Errorf("scrape metrics: %w", err)
	}
	sum := func(name string) float64 {
		var v float64
		if f := families[name]; f != nil {
			for _, m := range f.GetMetric() {
				v += metricValue(m)
			}
		}
		return v
	}
	s.cpuSeconds = sum("process_cpu_seconds_total")
	s.rss = sum("process_resident_memory_bytes")
	s.goroutines = sum("go_goroutines")
	s.heapInuse = sum("go_memstats_heap_inuse_bytes")
	s.liveHeap = sum("go_gc_heap_live_bytes")
	s.goHeld = sum("go_memstats_sys_bytes") - sum("go_memstats_heap_released_bytes")
	s.openOrders = sum("gridpulse_live_open_orders")
	s.keptClosed = sum("gridpulse_live_kept_closed")
	s.writerLag = sum("gridpulse_analytics_lag_events")
	s.wsConns = sum("gridpulse_ws_connections")
	s.resyncs = sum("gridpulse_ws_resyncs_total")
	s.drops = sum("gridpulse_ws_queue_drops_total")
	s.sent = sum("gridpulse_ws_messages_sent_total")
	s.ok = true
	return s, nil
}

func metricValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return 0
}
