package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/engine"
)

// seed --history seeds the district when absent, writes its history into
// the embedded ClickHouse, refuses to write it twice, and refuses a data
// directory another process (serve) holds.
func TestSeedHistory(t *testing.T) {
	if !engine.Embedded {
		t.Skip("built with -tags nochdb: needs the embedded engine")
	}
	data := t.TempDir()
	r, err := parseSeedFlags([]string{"--preset", "tiny", "--data", data, "--history", "2d", "--clickhouse", ""}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	held, err := analytics.Open(ctx, analytics.DefaultConfig(data))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = r.do(ctx, &out, &bytes.Buffer{})
	held.Close()
	if !strings.Contains(out.String(), "seeded 双流区 510116") {
		t.Errorf("the district was not seeded first:\n%s", out.String())
	}
	if err == nil || !strings.Contains(err.Error(), "stop `gridpulse serve --data") || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("data directory in use: %v, want an error saying to stop serve", err)
	}

	out.Reset()
	if err := r.do(ctx, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"history ", "written into embedded ClickHouse in " + filepath.Join(data, "clickhouse"),
		"work orders", "alarms", "patrol samples", "rows/s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}

	err = r.do(ctx, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "holds history already") || !strings.Contains(err.Error(), "nothing written") {
		t.Fatalf("second history: %v, want a refusal", err)
	}
}

func TestRedactDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"clickhouse://u:secret@h:9000/db", "clickhouse://u:***@h:9000/db"},
		{"clickhouse://u@h:9000/db", "clickhouse://u@h:9000/db"},
		{"clickhouse://h:9000/db", "clickhouse://h:9000/db"},
	}
	for _, tt := range tests {
		if got := redactDSN(tt.in); got != tt.want {
			t.Errorf("redactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
