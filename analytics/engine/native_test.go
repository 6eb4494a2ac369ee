package engine

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// What appendNative writes, clickhouse-go's own reader of the format reads
// back as the same values, for every column type a block may hold.
func TestAppendNativeReadsBack(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 15, 7_000_000, time.FixedZone("CST", 8*3600))
	b := &Block{Table: "t", Columns: []Column{
		{Name: "s", Values: []string{"网", "", "tab\tnul\x00"}},
		{Name: "lc", Values: []string{"ab", "c", "ab"}},
		{Name: "on", Values: []bool{true, false, true}},
		{Name: "u8", Values: []uint8{0, 255, 7}},
		{Name: "n", Values: []uint64{1, 1 << 40, math.MaxUint64}},
		{Name: "f32", Values: []float32{1, -2, 0.5}},
		{Name: "f64", Values: []float64{103.9212345, 0, -1}},
		{Name: "ms", Values: []time.Time{at, time.Unix(0, 0), at.Add(time.Hour)}},
		{Name: "sec", Values: []time.Time{at, time.Unix(1, 999_000_000), at}},
		{Name: "maybe", Values: []*time.Time{nil, &at, nil}},
	}}
	types := []string{"String", "LowCardinality(String)", "Bool", "UInt8", "UInt64", "Float32", "Float64",
		"DateTime64(3, 'UTC')", "DateTime('UTC')", "Nullable(DateTime64(3, 'UTC'))"}
	data, err := appendNative(nil, b, types)
	if err != nil {
		t.Fatal(err)
	}
	block := proto.NewBlock()
	block.ServerContext.Timezone = time.UTC
	if err := block.Decode(chproto.NewReader(bytes.NewReader(data)), 0); err != nil {
		t.Fatal(err)
	}
	if block.Rows() != 3 || len(block.Columns) != len(b.Columns) {
		t.Fatalf("read %d rows of %d columns, want 3 of %d", block.Rows(), len(block.Columns), len(b.Columns))
	}
	if got := string(block.Columns[1].Type()); got != "String" {
		t.Errorf("a LowCardinality column is written as %s, want its plain type String", got)
	}
	for row := range 3 {
		var (
			s, lc   string
			on      bool
			u8      uint8
			n       uint64
			f32     float32
			f64     float64
			ms, sec time.Time
			maybe   *time.Time
		)
		for i, dest := range []any{&s, &lc, &on, &u8, &n, &f32, &f64, &ms, &sec, &maybe} {
			if err := block.Columns[i].ScanRow(dest, row); err != nil {
				t.Fatalf("row %d, %s: %v", row, b.Columns[i].Name, err)
			}
		}
		want := func(col int) any {
			switch v := b.Columns[col].Values.(type) {
			case []string:
				return v[row]
			case []bool:
				return v[row]
			case []uint8:
				return v[row]
			case []uint64:
				return v[row]
			case []float32:
				return v[row]
			case []float64:
				return v[row]
			}
			return nil
		}
		if s != want(0) || lc != want(1) || on != want(2) || u8 != want(3) || n != want(4) || f32 != want(5) || f64 != want(6) {
			t.Errorf("row %d: %q %q %v %d %d %v %v", row, s, lc, on, u8, n, f32, f64)
		}
		if w := b.Columns[7].Values.([]time.Time)[row]; !ms.Equal(w) {
			t.Errorf("row %d: DateTime64 %s, want %s", row, ms, w)
		}
		if w := b.Columns[8].Values.([]time.Time)[row].Truncate(time.Second); !sec.Equal(w) {
			t.Errorf("row %d: DateTime %s, want %s", row, sec, w)
		}
		if w := b.Columns[9].Values.([]*time.Time)[row]; (maybe == nil) != (w == nil) || (w != nil && !maybe.Equal(*w)) {
			t.Errorf("row %d: Nullable %v, want %v", row, maybe, w)
		}
	}
}

func TestNativeRefusesMismatchedTypes(t *testing.T) {
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
		if _, err := appendColumn(nil, tt.values, tt.chType); err == nil || !strings.Contains(err.Error(), "cannot be written") {
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
