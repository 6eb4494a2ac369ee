package engine

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestAppendTSV(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 15, 7_000_000, time.FixedZone("CST", 8*3600))
	b := &Block{Table: "t", Columns: []Column{
		{Name: "s", Values: []string{"plain 网格", "tab\there", "line\nbreak\r", `back\slash`, "nul\x00"}},
		{Name: "b", Values: []bool{true, false, true, false, true}},
		{Name: "u8", Values: []uint8{0, 1, 2, 3, 255}},
		{Name: "u64", Values: []uint64{0, 1, 2, 3, math.MaxUint64}},
		{Name: "f32", Values: []float32{1.5, 0, -2, float32(math.Inf(1)), 0.1}},
		{Name: "f64", Values: []float64{103.9212345, math.NaN(), math.Inf(-1), 0, 1e-7}},
		{Name: "at", Values: []time.Time{at, at, at, at, at}},
		{Name: "maybe", Values: []*time.Time{nil, &at, nil, nil, nil}},
	}}
	if err := b.check(); err != nil {
		t.Fatal(err)
	}
	got, err := appendTSV(nil, b)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"plain 网格\ttrue\t0\t0\t1.5\t103.9212345\t2026-03-02 01:30:15.007\t\\N",
		"tab\\there\tfalse\t1\t1\t0\tnan\t2026-03-02 01:30:15.007\t2026-03-02 01:30:15.007",
		"line\\nbreak\\r\ttrue\t2\t2\t-2\t-inf\t2026-03-02 01:30:15.007\t\\N",
		"back\\\\slash\tfalse\t3\t3\tinf\t0\t2026-03-02 01:30:15.007\t\\N",
		"nul\\0\ttrue\t255\t18446744073709551615\t0.1\t1e-07\t2026-03-02 01:30:15.007\t\\N",
	}, "\n") + "\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
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
