package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/seed"
)

func TestSeedFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(t *testing.T, r seedRun)
		wantErr string
	}{
		{name: "defaults", args: nil, check: func(t *testing.T, r seedRun) {
			want := seed.Shuangliu()
			if r.preset != "shuangliu" || r.out != filepath.Join("data", "areas") || r.force || r.cfg.Seed != 1 ||
				r.cfg.Communities != want.Communities || r.cfg.MicroGrids != want.MicroGrids {
				t.Errorf("defaults: %+v", r)
			}
		}},
		{name: "preset and seed", args: []string{"--preset", "tiny", "--seed", "42", "--out", "x", "--force"}, check: func(t *testing.T, r seedRun) {
			if r.cfg.Seed != 42 || r.cfg.Communities != seed.Tiny().Communities || r.out != "x" || !r.force {
				t.Errorf("got %+v", r)
			}
		}},
		{name: "size overrides", args: []string{"--preset=tiny", "--communities=6", "--general-grids=12", "--micro-grids=100", "--elevators=0", "--area-km2=20"}, check: func(t *testing.T, r seedRun) {
			c := r.cfg
			if c.Communities != 6 || c.GeneralGrids != 12 || c.MicroGrids != 100 || c.Elevators != 0 || c.AreaKm2 != 20 || c.Compounds != seed.Tiny().Compounds {
				t.Errorf("got %+v", c)
			}
		}},
		{name: "city", args: []string{"--preset", "city"}, check: func(t *testing.T, r seedRun) {
			if len(r.cfg.Districts) != 20 {
				t.Errorf("city has %d districts", len(r.cfg.Districts))
			}
		}},
		{name: "unknown preset", args: []string{"--preset", "beijing"}, wantErr: `--preset "beijing"`},
		{name: "micro below general", args: []string{"--micro-grids", "10"}, wantErr: "want at least one per general grid"},
		{name: "negative", args: []string{"--compounds", "-3"}, wantErr: "--compounds = -3: must not be negative"},
		{name: "stray argument", args: []string{"now"}, wantErr: `unexpected argument "now"`},
		{name: "unknown flag", args: []string{"--districts", "3"}, wantErr: "flag provided but not defined"},
		{name: "areas under --data", args: []string{"--data", "d"}, check: func(t *testing.T, r seedRun) {
			if r.out != filepath.Join("d", "areas") || r.data != "d" || r.history != 0 {
				t.Errorf("got %+v", r)
			}
		}},
		{name: "history in days", args: []string{"--history", "365d", "--clickhouse", "clickhouse://h:9000/db"}, check: func(t *testing.T, r seedRun) {
			if r.history != 365*24*time.Hour || r.clickhouse != "clickhouse://h:9000/db" {
				t.Errorf("got %+v", r)
			}
		}},
		{name: "history as a duration", args: []string{"--history", "72h"}, check: func(t *testing.T, r seedRun) {
			if r.history != 72*time.Hour {
				t.Errorf("got %+v", r)
			}
		}},
		{name: "history not a length", args: []string{"--history", "a year"}, wantErr: "want whole days such as 365d"},
		{name: "history too long", args: []string{"--history", "500d"}, wantErr: "want from 1h to 400d"},
		{name: "history too short", args: []string{"--history", "0d"}, wantErr: "want from 1h to 400d"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseSeedFlags(tc.args, &bytes.Buffer{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, r)
		})
	}
}

func TestSeedWritesAndRefusesToOverwrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "areas")
	r, err := parseSeedFlags([]string{"--preset", "tiny", "--out", dir}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	if err := r.do(context.Background(), &out, &log); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"seeded 双流区 510116", "grid_micro", "240", "property companies", "elevators"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	for _, f := range []string{area.FileName(area.District), area.FileName(area.MicroGrid), area.FacilitiesFile, seed.PropertyCompaniesFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}

	err = r.do(context.Background(), &out, &log)
	if err == nil || !strings.Contains(err.Error(), "already holds a seeded district") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second seed without --force: %v", err)
	}
	r.force = true
	if err := r.do(context.Background(), &out, &log); err != nil {
		t.Fatalf("with --force: %v", err)
	}
}

func TestSeedInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "areas")
	r, err := parseSeedFlags([]string{"--preset", "tiny", "--out", dir}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.do(ctx, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("cancelled seed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, area.FileName(area.District))); err == nil {
		t.Fatal("an interrupted seed wrote files")
	}
}
