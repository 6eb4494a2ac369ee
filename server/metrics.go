package server

import (
	"regexp"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/gridpulse/gridpulse/area"
)

// metrics are the server's own Prometheus series.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	areas    *prometheus.GaugeVec
}

// newMetrics registers the server's series, and the Go runtime and process
// collectors, on reg.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "gridpulse",
			Subsystem: "http",
			Name:      "requests_total",
			Help:      "HTTP requests answered, by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "gridpulse",
			Subsystem: "http",
			Name:      "request_duration_seconds",
			Help:      "Time to answer an HTTP request, by method, route pattern and status.",
			// Tiles and API answers are meant to take milliseconds.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route", "status"}),
		areas: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "gridpulse",
			Name:      "areas",
			Help:      "Areas loaded and indexed, by layer.",
		}, []string{"layer"}),
	}
	reg.MustRegister(
		m.requests, m.duration, m.areas,
		// The heap still in use after the last collection: a leak shows
		// in it, where the heap's size also swings with GOGC.
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
			collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/gc/heap/live:bytes$`)})),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// observeRequest counts one answered request.
func (m *metrics) observeRequest(method, route string, status int, d time.Duration) {
	s := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, s).Inc()
	m.duration.WithLabelValues(method, route, s).Observe(d.Seconds())
}

// setAreas records how many areas each layer holds.
func (m *metrics) setAreas(set *area.Set) {
	for _, l := range area.Layers {
		m.areas.WithLabelValues(string(l)).Set(float64(set.Count(l)))
	}
}
