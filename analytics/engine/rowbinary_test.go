package engine

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"time"
)

func TestAppendRowBinary(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 15, 7_654_321, time.FixedZone("CST", 8*3600))
	b := &Block{Table: "t", Columns: []Column{
		{Name: "s", Values: []string{"网", ""}},
		{Name: "lc", Values: []string{"ab", "c"}},
		{Name: "on", Values: []bool{true, false}},
		{Name: "n", Values: []uint64{1, 1 << 40}},
		{Name: "f", Values: []float32{1, -2}},
		{Name: "ms", Values: []time.Time{at, time.Unix(0, 0)}},
		{Name: "sec", Values: []time.Time{at, time.Unix(1, 999_000_000)}},
		{Name: "maybe", Values: []*time.Time{nil, &at}},
	}}
	types := []string{"String", "LowCardinality(String)", "Bool", "UInt64", "Float32", "DateTime64(3, 'UTC')", "DateTime('UTC')", "Nullable(DateTime64(3, 'UTC'))"}
	got, err := appendRowBinary(nil, b, types)
	if err != nil {
		t.Fatal(err)
	}
	ms := binary.LittleEndian.AppendUint64(nil, uint64(at.UnixMilli()))
	sec := binary.LittleEndian.AppendUint32(nil, uint32(at.Unix()))
	want := bytes.Join([][]byte{
		{3, 0xe7, 0xbd, 0x91}, {2, 'a', 'b'}, {1}, {1, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0x80, 0x3f}, ms, sec, {1},
		{0}, {1, 'c'}, {0}, {0, 0, 0, 0, 0, 1, 0, 0}, {0, 0, 0, 0xc0}, make([]byte, 8), {1, 0, 0, 0}, {0}, ms,
	}, nil)
	if !bytes.Equal(got, want) {
		t.Errorf("got  % x\nwant % x", got, want)
	}
}

func TestRowBinaryRefusesMismatchedTypes(t *testing.T) {
	tests := []struct {
		values any
		chType string
	}{
		{[]string{"x"}, "UInt64"},
		{[]uint64{1}, "UInt32"},
		{[]*time.Time{nil}, "DateTime64(3, 'UTC')"},
		{[]time.Time{{}}, "Nullable(DateTime64(3, 'UTC'))"},
		{[]time.Time{{}}, "Date"},
		{[]float64{1}, "Float32"},
	}
	for _, tt := range tests {
		if _, err := rowBinaryWriter(tt.values, tt.chType); err == nil || !strings.Contains(err.Error(), "cannot be written") {
			t.Errorf("%T as %s: %v, want a refusal", tt.values, tt.chType, err)
		}
	}
}

func TestBlockCheck(t *testing.T) {
	tests := []struct {
		name    string
		block   Block
		wantErr string
	}{
		{"no table", Block{Columns: []Column{{Name: "a", Values: []string{"x"}}}}, "needs a table"},
		{"no columns", Block{Table: "t"}, "needs a table and columns"},
		{"unequal lengths", Block{Table: "t", Columns: []Column{{Name: "a", Values: []string{"x"}}, {Name: "b", Values: []uint64{1, 2}}}}, "t.b has 2 rows"},
		{"unsupported type", Block{Table: "t", Columns: []Column{{Name: "a", Values: []int{1}}}}, "[]int, which is not a supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.block.check()
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("check = %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}
