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
	}
	got := func(seqs ...uint64) exactTally {
		var x exactTally
		for _, s := range seqs {
			x.add(s)
		}
		return x
	}
	mk := func(l layers, bbox *orb.Bound, exact exactTally) *client {
		return &client{layers: l, bbox: bbox, synced: true, contiguous: true, startSeq: 3, exact: exact}
	}
	tests := []struct {
		name      string
		c         *client
		exact     bool
		checkable bool
	}{
		{"tablet with everything", mk(layerOrders|layerAlarms, box, got(5, 9, 11)), true, true},
		{"edges are inside", mk(layerAlarms, box, got(9, 11)), true, true},
		{"wall sees all after its snapshot", mk(layerOrders|layerAlarms, nil, got(5, 7, 9, 11)), true, true},
		{"one missing", mk(layerOrders|layerAlarms, box, got(5, 11)), false, true},
		{"one too many", mk(layerOrders, box, got(5, 7)), false, true},
		{"same count, other events", mk(layerOrders|layerAlarms, box, got(5, 7, 11)), false, true},
		{"resynchronised", func() *client { c := mk(layerOrders, box, got()); c.contiguous = false; return c }(), false, false},
		{"never connected", func() *client {
			c := mk(layerOrders, box, got())
			c.synced, c.failed = false, errors.New("refused")
			return c
		}(), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := verify([]*client{tt.c}, incidents, 0, true)
			if tt.checkable != (x.Checked == 1) || tt.checkable == (x.Skipped == 1) {
				t.Fatalf("checked %d, skipped %d; want checkable %v", x.Checked, x.Skipped, tt.checkable)
			}
			if (x.Exact == 1) != tt.exact {
				t.Errorf("exact = %d (expected %d, received %d), want exact %v", x.Exact, x.Expected, x.Received, tt.exact)
			}
		})
	}
}
