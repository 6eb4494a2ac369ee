package writer

import (
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/stream/bus"
)

func TestMatchStored(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 123_456_789, time.UTC)
	epoch := time.UnixMilli(0).UTC() // what a row from before the bus's time was kept holds
	msgs := []bus.Message{{Seq: 1, Stored: at}, {Seq: 2, Stored: at}, {Seq: 3, Stored: at}}
	tests := []struct {
		name string
		rows []storedRow
		want []uint64
	}{
		{"none stored", nil, nil},
		{"the same messages, stored to the millisecond", []storedRow{{1, at.Truncate(time.Millisecond), at}, {3, at.Truncate(time.Millisecond), at}}, []uint64{1, 3}},
		{"the same numbers from an older bus", []storedRow{{1, at.Add(-time.Hour), at.Add(-time.Hour)}, {2, at.Add(-time.Millisecond), at}}, nil},
		{"an older bus's row and this one's", []storedRow{{2, at.Add(-48 * time.Hour), at}, {2, at.Truncate(time.Millisecond), at}}, []uint64{2}},
		{"rows from before the time was kept, received just before", []storedRow{{1, epoch, at.Add(-5 * time.Millisecond)}, {2, epoch, at.Add(-9 * time.Minute)}}, []uint64{1, 2}},
		{"rows from before the time was kept, long before", []storedRow{{1, epoch, at.Add(-time.Hour)}, {2, epoch, at.Add(2 * time.Minute)}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matchStored(msgs, tt.rows)
			if len(got) != len(tt.want) {
				t.Fatalf("stored %v, want %v", got, tt.want)
			}
			for _, seq := range tt.want {
				if !got[seq] {
					t.Errorf("seq %d not taken as stored: %v", seq, got)
				}
			}
		})
	}
}
