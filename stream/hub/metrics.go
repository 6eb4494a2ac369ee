package hub

import "github.com/prometheus/client_golang/prometheus"

// Kinds of messages sent, for the messages-sent metric.
const (
	opDelta    = "delta"
	opSnapshot = "snapshot"
	opPatrols  = "patrols"
	opResumed  = "resumed"
	opControl  = "control" // resync, pong, error, unsubscribed
)

type metrics struct {
	conns   prometheus.Gauge
	subs    prometheus.Gauge
	sentVec *prometheus.CounterVec
	sentBy  map[string]prometheus.Counter
	resyncs prometheus.Counter
	drops   prometheus.Counter
	resumes *prometheus.CounterVec
	closes  *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		conns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gridpulse_ws_connections", Help: "Open WebSocket connections."}),
		subs: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gridpulse_ws_subscriptions", Help: "Live subscriptions over all connections."}),
		sentVec: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridpulse_ws_messages_sent_total", Help: "Messages written to clients, by kind."}, []string{"kind"}),
		resyncs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gridpulse_ws_resyncs_total", Help: "Subscriptions resynchronised with a snapshot after their connection fell behind."}),
		drops: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gridpulse_ws_queue_drops_total", Help: "Queued messages dropped because a connection's queue was full."}),
		resumes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridpulse_ws_resumes_total", Help: "Subscriptions asking to resume, by outcome (replayed or snapshot)."}, []string{"outcome"}),
		closes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridpulse_ws_closes_total", Help: "Connections closed by the server, by close code."}, []string{"code"}),
	}
	m.sentBy = map[string]prometheus.Counter{}
	for _, op := range []string{opDelta, opSnapshot, opPatrols, opResumed, opControl} {
		m.sentBy[op] = m.sentVec.WithLabelValues(op)
	}
	return m
}

func (m *metrics) sent(op string) { m.sentBy[op].Inc() }

// Collectors are the hub's Prometheus metrics, for the server to
// register: connections, subscriptions, messages sent, resyncs, queue
// drops, resumes and closes.
func (h *Hub) Collectors() []prometheus.Collector {
	m := h.metrics
	return []prometheus.Collector{m.conns, m.subs, m.sentVec, m.resyncs, m.drops, m.resumes, m.closes}
}
