package schema

import (
	"regexp"
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name, sql string
		want      []string
	}{
		{"one", "SELECT 1;\n", []string{"SELECT 1"}},
		{"comments and blank lines dropped", "-- a table\n\nCREATE TABLE t (x UInt8)\nENGINE = Log;\n-- next\nSELECT 2;", []string{"CREATE TABLE t (x UInt8)\nENGINE = Log", "SELECT 2"}},
		{"semicolon inside a line is kept", "SELECT ';' AS s;\n", []string{"SELECT ';' AS s"}},
		{"last statement without semicolon", "SELECT 1;\nSELECT 2\n", []string{"SELECT 1", "SELECT 2"}},
		{"only comments", "-- nothing\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Split(tt.sql); !slices.Equal(got, tt.want) {
				t.Errorf("Split = %q, want %q", got, tt.want)
			}
		})
	}
}

// The embedded migrations are numbered 1, 2, 3 … and every statement can
// run again, which is what makes a migration cut short safe to repeat.
func TestMigrationsAreNumberedAndRepeatable(t *testing.T) {
	all, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	idempotent := regexp.MustCompile(`^CREATE (TABLE|MATERIALIZED VIEW|VIEW|DICTIONARY) IF NOT EXISTS `)
	for i, m := range all {
		if m.Version != i+1 {
			t.Errorf("migration %d is numbered %d", i+1, m.Version)
		}
		for j, stmt := range m.Statements {
			if !idempotent.MatchString(stmt) {
				t.Errorf("migration %04d_%s statement %d cannot run twice: %.60s…", m.Version, m.Name, j+1, stmt)
			}
		}
	}
}
