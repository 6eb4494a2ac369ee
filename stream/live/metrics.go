package live

import "github.com/prometheus/client_golang/prometheus"

// Collectors are the state's Prometheus metrics, for the server to
// register: open and overdue orders, active alarms, workers by status and
// bus messages applied.
func (s *State) Collectors() []prometheus.Collector {
	return []prometheus.Collector{s.applied, (*gauges)(s)}
}

var (
	openOrdersDesc = prometheus.NewDesc("gridpulse_live_open_orders", "Open work orders in the live state.", nil, nil)
	overdueDesc    = prometheus.NewDesc("gridpulse_live_overdue_orders", "Open work orders past their deadline.", nil, nil)
	alarmsDesc     = prometheus.NewDesc("gridpulse_live_active_alarms", "Raised or acknowledged alarms.", nil, nil)
	workersDesc    = prometheus.NewDesc("gridpulse_live_workers", "Grid workers in the live state, by status.", []string{"status"}, nil)
	keptDesc       = prometheus.NewDesc("gridpulse_live_kept_closed",
		"Closed work orders and cleared alarms remembered to recognise late repeats, by layer.", []string{"layer"}, nil)
)

// gauges reads the state's tallies at scrape time.
type gauges State

func (g *gauges) Describe(ch chan<- *prometheus.Desc) {
	ch <- openOrdersDesc
	ch <- overdueDesc
	ch <- alarmsDesc
	ch <- workersDesc
	ch <- keptDesc
}

func (g *gauges) Collect(ch chan<- prometheus.Metric) {
	s := (*State)(g)
	s.mu.RLock()
	t := s.tally
	byStatus := make(map[WorkerStatus]int, len(t.workers))
	for k, v := range t.workers {
		byStatus[k] = v
	}
	keptOrders, keptAlarms := len(s.orders)-t.openOrders, len(s.alarms)-t.alarms
	s.mu.RUnlock()
	ch <- prometheus.MustNewConstMetric(keptDesc, prometheus.GaugeValue, float64(keptOrders), string(Orders))
	ch <- prometheus.MustNewConstMetric(keptDesc, prometheus.GaugeValue, float64(keptAlarms), string(Alarms))
	ch <- prometheus.MustNewConstMetric(openOrdersDesc, prometheus.GaugeValue, float64(t.openOrders))
	ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(t.overdue))
	ch <- prometheus.MustNewConstMetric(alarmsDesc, prometheus.GaugeValue, float64(t.alarms))
	for _, st := range []WorkerStatus{WorkerActive, WorkerStale, WorkerOffline} {
		ch <- prometheus.MustNewConstMetric(workersDesc, prometheus.GaugeValue, float64(byStatus[st]), string(st))
	}
}
