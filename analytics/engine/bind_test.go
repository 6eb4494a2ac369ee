package engine

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestBind(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 15, 123_000_000, time.FixedZone("CST", 8*3600))
	tests := []struct {
		name, query string
		args        []any
		want        string
		wantErr     string
	}{
		{name: "no placeholders", query: "SELECT 1", want: "SELECT 1"},
		{name: "scalars", query: "SELECT ?, ?, ?, ?, ?", args: []any{"a", 7, uint64(8), 1.5, true}, want: "SELECT 'a', 7, 8, 1.5, true"},
		{name: "quotes and backslashes are escaped", query: "WHERE x = ?", args: []any{`it's a \ path`}, want: `WHERE x = 'it\'s a \\ path'`},
		{name: "NUL cannot end the query", query: "?", args: []any{"a\x00b"}, want: `'a\0b'`},
		{name: "time is UTC DateTime64(3)", query: "WHERE t >= ?", args: []any{at}, want: "WHERE t >= toDateTime64('2026-03-02 01:30:15.123', 3, 'UTC')"},
		{name: "arrays", query: "IN ? AND seq IN ?", args: []any{[]string{"a", "b'"}, []uint64{1, 2}}, want: `IN ['a', 'b\''] AND seq IN [1, 2]`},
		{name: "placeholders in strings, identifiers and comments stay", query: "SELECT '?', `?`, \"?\" -- ?\n/* ? */ , ?", args: []any{1}, want: "SELECT '?', `?`, \"?\" -- ?\n/* ? */ , 1"},
		{name: "escaped quote inside a string", query: `SELECT 'it\'s ?', ?`, args: []any{2}, want: `SELECT 'it\'s ?', 2`},
		{name: "doubled quote inside a string", query: `SELECT 'it''s ?', ?`, args: []any{3}, want: `SELECT 'it''s ?', 3`},
		{name: "too few arguments", query: "? ?", args: []any{1}, wantErr: "more placeholders"},
		{name: "too many arguments", query: "?", args: []any{1, 2}, wantErr: "1 placeholders for 2 arguments"},
		{name: "unsupported type", query: "?", args: []any{struct{}{}}, wantErr: "cannot be bound"},
		{name: "NaN has no literal", query: "?", args: []any{math.NaN()}, wantErr: "no SQL literal"},
		{name: "unterminated comment", query: "/* ?", wantErr: "unterminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Bind(tt.query, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Bind = %q, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Bind = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
