package hub

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// A snapshot written from shared bytes reads back as the views it holds,
// whether a view's bytes come from its change, its board entry or its own
// encoding, with asked-for empty layers as [] and the others left out.
func TestAppendSnapshotFromSharedBytes(t *testing.T) {
	o1 := &live.Order{OrderID: "WO-1", State: event.Received, Location: event.Position{103.9, 30.5}}
	o2 := &live.Order{OrderID: "WO-2", State: event.Dispatched, Title: `a "quoted" title`}
	a1 := &live.Alarm{AlarmID: "AL-1", Kind: "smoke", Severity: "major", Status: live.AlarmRaised}
	w1 := &live.Worker{WorkerID: "GW-1", Role: "grid_worker", OnDuty: true}
	changed := newChange(live.Change{Layer: live.Orders, Key: "WO-1", View: o1, Seq: 3})
	tests := []struct {
		name   string
		snap   *snapshot
		orders []*live.Order
		alarms []*live.Alarm
		work   []*live.Worker
	}{
		{"every layer", &snapshot{seq: 9, layers: live.LayersOf(live.Orders, live.Alarms, live.Patrols),
			orders:  []encodable{{view: o1, ch: changed}, {view: o2}},
			alarms:  []encodable{{view: a1}},
			workers: []*worker{{view: w1}}},
			[]*live.Order{o1, o2}, []*live.Alarm{a1}, []*live.Worker{w1}},
		{"empty asked-for layers", &snapshot{seq: 1, layers: live.LayersOf(live.Orders, live.Patrols)},
			[]*live.Order{}, nil, []*live.Worker{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := appendSnapshot(nil, "s1", tt.snap)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Op, Sub string
				Seq     uint64
				Orders  []*live.Order  `json:"orders"`
				Alarms  []*live.Alarm  `json:"alarms"`
				Patrols []*live.Worker `json:"patrols"`
			}
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			if got.Op != "snapshot" || got.Sub != "s1" || got.Seq != tt.snap.seq ||
				!reflect.DeepEqual(got.Orders, tt.orders) || !reflect.DeepEqual(got.Alarms, tt.alarms) || !reflect.DeepEqual(got.Patrols, tt.work) {
				t.Errorf("read back %s", b)
			}
		})
	}
}
