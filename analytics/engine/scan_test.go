package engine

import (
	"strings"
	"testing"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// nativeBlock is one block of ClickHouse's Native format: named, typed
// columns and their rows.
func nativeBlock(t *testing.T, names, types []string, rows ...[]any) []byte {
	t.Helper()
	b := proto.NewBlock()
	for i, n := range names {
		if err := b.AddColumn(n, column.Type(types[i])); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rows {
		if err := b.Append(r...); err != nil {
			t.Fatal(err)
		}
	}
	var buf chproto.Buffer
	if err := b.Encode(&buf, 0); err != nil {
		t.Fatal(err)
	}
	return buf.Buf
}

func TestScanNative(t *testing.T) {
	type row struct {
		Name  string     `ch:"name"`
		N     uint64     `ch:"n"`
		At    time.Time  `ch:"at"`
		Maybe *time.Time `ch:"maybe"`
		On    bool       `ch:"on"`
		Codes []string   `ch:"codes"`
		Skip  int
	}
	at := time.Date(2026, 3, 2, 1, 30, 15, 7e6, time.UTC)
	names := []string{"name", "n", "at", "maybe", "on", "codes"}
	types := []string{"LowCardinality(String)", "UInt64", "DateTime64(3, 'UTC')", "Nullable(DateTime64(3, 'UTC'))", "Bool", "Array(String)"}
	// Two blocks, as a result of many rows comes.
	data := append(nativeBlock(t, names, types, []any{"东升", uint64(18446744073709551615), at, nil, true, []string{"a", "b"}}),
		nativeBlock(t, names, types, []any{"x", uint64(0), at.Add(time.Hour), &at, false, []string{}})...)
	var got []row
	if err := scanNative(data, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d rows", len(got))
	}
	if got[0].Name != "东升" || got[0].N != 18446744073709551615 || !got[0].At.Equal(at) ||
		got[0].Maybe != nil || !got[0].On || strings.Join(got[0].Codes, ",") != "a,b" {
		t.Errorf("row 0 = %+v", got[0])
	}
	if got[1].Maybe == nil || !got[1].Maybe.Equal(at) || got[1].On || len(got[1].Codes) != 0 || !got[1].At.Equal(at.Add(time.Hour)) {
		t.Errorf("row 1 = %+v", got[1])
	}

	tests := []struct {
		name    string
		data    []byte
		dest    any
		wantErr string
	}{
		{"not a slice", nativeBlock(t, []string{"n"}, []string{"UInt64"}, []any{uint64(1)}), &row{}, "pointer to a slice of structs"},
		{"column without a field", nativeBlock(t, []string{"other"}, []string{"UInt64"}, []any{uint64(1)}), &[]row{}, `column "other" has no field`},
		{"wrong type", nativeBlock(t, []string{"n"}, []string{"String"}, []any{"x"}), &[]row{}, `column "n" into uint64`},
		{"broken block", []byte{1, 1, 1}, &[]row{}, "reading a result block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := scanNative(tt.data, tt.dest)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("scan = %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}
