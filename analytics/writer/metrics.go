package writer

import "github.com/prometheus/client_golang/prometheus"

// metrics are the writer's Prometheus collectors.
type metrics struct {
	lag         *prometheus.GaugeVec
	writtenSeq  *prometheus.GaugeVec
	batch       *prometheus.HistogramVec
	retries     *prometheus.CounterVec
	redelivered *prometheus.CounterVec
	rows        *prometheus.CounterVec
	insert      *prometheus.HistogramVec
}

func newMetrics() *metrics {
	return &metrics{
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gridpulse_analytics_lag_events",
			Help: "Events in the stream behind the last batch written to ClickHouse.",
		}, []string{"stream"}),
		writtenSeq: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gridpulse_analytics_written_seq",
			Help: "Stream sequence of the last event written to ClickHouse.",
		}, []string{"stream"}),
		batch: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gridpulse_analytics_batch_events",
			Help:    "Events per batch taken from the stream.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 8),
		}, []string{"stream"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridpulse_analytics_batch_failures_total",
			Help: "Batches that failed to be written and are retried with backoff.",
		}, []string{"stream"}),
		redelivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridpulse_analytics_redelivered_events_total",
			Help: "Events the bus delivered again that ClickHouse already had, skipped.",
		}, []string{"stream"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridpulse_analytics_rows_written_total",
			Help: "Rows inserted into ClickHouse, by table.",
		}, []string{"table"}),
		insert: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gridpulse_analytics_insert_seconds",
			Help:    "Time to insert one batch, by table.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"table"}),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.lag, m.writtenSeq, m.batch, m.retries, m.redelivered, m.rows, m.insert}
}
