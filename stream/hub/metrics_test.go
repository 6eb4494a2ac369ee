package hub

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/gridpulse/gridpulse/stream/live"
)

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}

func (m *metrics) dropped() float64  { return counterValue(m.drops) }
func (m *metrics) resynced() float64 { return counterValue(m.resyncs) }

func TestCollectorsRegister(t *testing.T) {
	h := New(Config{}, live.New(live.Config{}))
	reg := prometheus.NewPedanticRegistry()
	for _, c := range h.Collectors() {
		if err := reg.Register(c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := reg.Gather(); err != nil {
		t.Fatal(err)
	}
}
