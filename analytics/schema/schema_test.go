package schema

import (
	"regexp"
	"slices"
	"strings"
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
// run again, which is what makes a migration cut short safe to repeat:
// creating, adding and dropping only if (not) there, setting a table's
// settings, and refilling a table only as a TRUNCATE followed at once by
// the INSERT that fills it from scratch.
func TestMigrationsAreNumberedAndRepeatable(t *testing.T) {
	all, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	idempotent := regexp.MustCompile(`^(CREATE (TABLE|MATERIALIZED VIEW|VIEW|DICTIONARY) IF NOT EXISTS|DROP (TABLE|VIEW) IF EXISTS|ALTER TABLE \w+ (MODIFY SETTING|ADD COLUMN IF NOT EXISTS)) `)
	truncate := regexp.MustCompile(`^TRUNCATE TABLE IF EXISTS (\w+)$`)
	for i, m := range all {
		if m.Version != i+1 {
			t.Errorf("migration %d is numbered %d", i+1, m.Version)
		}
		for j := 0; j < len(m.Statements); j++ {
			stmt := m.Statements[j]
			if tr := truncate.FindStringSubmatch(stmt); tr != nil {
				if j+1 == len(m.Statements) || !strings.HasPrefix(m.Statements[j+1], "INSERT INTO "+tr[1]+"\n") {
					t.Errorf("migration %04d_%s statement %d empties %s without refilling it next", m.Version, m.Name, j+1, tr[1])
				}
				j++
				continue
			}
			if !idempotent.MatchString(stmt) {
				t.Errorf("migration %04d_%s statement %d cannot run twice: %.60s…", m.Version, m.Name, j+1, stmt)
			}
		}
	}
}
