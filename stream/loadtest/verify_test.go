package loadtest

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

func TestVerify(t *testing.T) {
	box := &orb.Bound{Min: orb.Point{103.9, 30.5}, Max: orb.Point{104.0, 30.6}}
	in, edge, out := orb.Point{103.95, 30.55}, orb.Point{104.0, 30.6}, orb.Point{104.1, 30.55}
	incidents := []incident{
		{seq: 5, pos: in, layer: layerOrders},
		{seq: 2, pos: in, layer: layerOrders}, // before the snapshot at 3
		{seq: 7, pos: out, layer: layerOrders},
		{seq: 9, pos: edge, layer: layerAlarms},
		{seq: 11, pos: in, layer: layerAlarms},
		{seq: 20, pos: in, layer: layerAlarms}, // after the check's end, 12
	}
	mk := func(l layers, bbox *orb.Bound, got ...uint64) *client {
		return &client{layers: l, bbox: bbox, synced: true, contiguous: true, startSeq: 3, got: got}
	}
	tests := []struct {
		name                string
		c                   *client
		checkable           bool
		missing, unexpected int64
	}{
		{"tablet with everything", mk(layerOrders|layerAlarms, box, 5, 9, 11), true, 0, 0},
		{"what came after the end is not counted", mk(layerOrders|layerAlarms, box, 5, 9, 11, 20), true, 0, 0},
		{"edges are inside", mk(layerAlarms, box, 9, 11), true, 0, 0},
		{"wall sees all after its snapshot", mk(layerOrders|layerAlarms, nil, 5, 7, 9, 11), true, 0, 0},
		{"one missing", mk(layerOrders|layerAlarms, box, 5, 11), true, 1, 0},
		{"one too many", mk(layerOrders, box, 5, 7), true, 0, 1},
		{"one twice", mk(layerOrders, box, 5, 5), true, 0, 1},
		{"other events", mk(layerOrders|layerAlarms, box, 5, 7, 11), true, 1, 1},
		{"resynchronised", func() *client { c := mk(layerOrders, box); c.contiguous = false; return c }(), false, 0, 0},
		{"never connected", func() *client {
			c := mk(layerOrders, box)
			c.synced, c.failed = false, errors.New("refused")
			return c
		}(), false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := verify([]*client{tt.c}, incidents, 12, true, 0)
			if x.Behind != 1 {
				t.Errorf("behind %d, want 1", x.Behind)
			}
			if tt.checkable != (x.Checked == 1) || tt.checkable == (x.Skipped == 1) {
				t.Fatalf("checked %d, skipped %d; want checkable %v", x.Checked, x.Skipped, tt.checkable)
			}
			if x.Missing != tt.missing || x.Unexpected != tt.unexpected || (x.Exact == 1) != (tt.checkable && tt.missing+tt.unexpected == 0) {
				t.Errorf("missing %d unexpected %d exact %d; want %d, %d", x.Missing, x.Unexpected, x.Exact, tt.missing, tt.unexpected)
			}
		})
	}
	if x := verify([]*client{mk(layerOrders, box, 5)}, incidents, 12, false, 0); x.Checked != 0 {
		t.Errorf("an undrained run checked %d clients", x.Checked)
	}
}
