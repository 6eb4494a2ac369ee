package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/seed"
)

// tinyData is a fresh data directory holding the tiny preset's areas.
func tinyData(t *testing.T) string {
	t.Helper()
	d, err := seed.Generate(context.Background(), seed.Tiny(), nil)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	if err := area.WriteDir(filepath.Join(data, "areas"), d.Areas); err != nil {
		t.Fatal(err)
	}
	return data
}
