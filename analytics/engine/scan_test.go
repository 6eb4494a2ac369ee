package engine

import (
	"strings"
	"testing"
	"time"
)

func TestScanJSONEachRow(t *testing.T) {
	type row struct {
		Name  string     `ch:"name"`
		N     uint64     `ch:"n"`
		At    time.Time  `ch:"at"`
		Maybe *time.Time `ch:"maybe"`
		On    bool       `ch:"on"`
		Codes []string   `ch:"codes"`
		Skip  int
	}
	data := `{"name":"东升","n":18446744073709551615,"at":"2026-03-02T01:30:15.007Z","maybe":null,"on":true,"codes":["a","b"]}
{"name":"x","n":0,"at":"2026-03-02T00:00:00Z","maybe":"2026-03-02T00:00:01.500Z","on":false,"codes":[]}
`
	var got []row
	if err := scanJSONEachRow([]byte(data), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d rows", len(got))
	}
	if got[0].Name != "东升" || got[0].N != 18446744073709551615 || !got[0].At.Equal(time.Date(2026, 3, 2, 1, 30, 15, 7e6, time.UTC)) ||
		got[0].Maybe != nil || !got[0].On || strings.Join(got[0].Codes, ",") != "a,b" {
		t.Errorf("row 0 = %+v", got[0])
	}
	if got[1].Maybe == nil || !got[1].Maybe.Equal(time.Date(2026, 3, 2, 0, 0, 1, 5e8, time.UTC)) || got[1].On {
		t.Errorf("row 1 = %+v", got[1])
	}

	tests := []struct {
		name, data string
		dest       any
		wantErr    string
	}{
		{"not a slice", `{"a":1}`, &row{}, "pointer to a slice of structs"},
		{"column without a field", `{"other":1}`, &[]row{}, `column "other" has no field`},
		{"wrong type", `{"n":"x"}`, &[]row{}, `column "n" into uint64`},
		{"broken row", `{"n":`, &[]row{}, "reading a result row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := scanJSONEachRow([]byte(tt.data), tt.dest)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("scan = %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}
