package main

import (
	"net/http"
	"testing"
	"time"
)

func TestParseStart(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"", time.Time{}, false},
		{"-72h", now.Add(-72 * time.Hour), false},
		{"2026-11-20T08:00:00+08:00", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), false},
		{"2h", time.Time{}, true},
		{"yesterday", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := parseStart(tt.in, now)
		if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
			t.Errorf("parseStart(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestHeaderFlag(t *testing.T) {
	h := http.Header{}
	f := headerFlag(h)
	for _, s := range []string{"X-Integrator-Key: abc", "X-Tag:two words"} {
		if err := f.Set(s); err != nil {
			t.Fatalf("Set(%q): %v", s, err)
		}
	}
	if h.Get("X-Integrator-Key") != "abc" || h.Get("X-Tag") != "two words" {
		t.Errorf("headers %v", h)
	}
	for _, bad := range []string{"no colon", ": empty name", "Bad Name: x"} {
		if err := f.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}
