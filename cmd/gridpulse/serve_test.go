package main

import (
	"testing"
	"time"
)

func TestServeFlags(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		want     serveOptions
		wantFail bool
	}{
		{"demo", nil, []string{"--demo"}, serveOptions{addr: "127.0.0.1:8080", data: "data", simSpeed: 1, demo: true, wsConns: 16}, false},
		{"from the environment", map[string]string{"GRIDPULSE_ADDR": "0.0.0.0:9000", "GRIDPULSE_DATA": "/srv/gp", "GRIDPULSE_NATS_URL": "nats://127.0.0.1:4222", "GRIDPULSE_USERS": "/etc/gp/users.yaml"}, nil,
			serveOptions{addr: "0.0.0.0:9000", data: "/srv/gp", natsURL: "nats://127.0.0.1:4222", simSpeed: 1, users: "/etc/gp/users.yaml", wsConns: 16}, false},
		{"flags beat the environment", map[string]string{"GRIDPULSE_ADDR": "0.0.0.0:9000"}, []string{"--addr", "127.0.0.1:0", "--data", "d", "--demo"}, serveOptions{addr: "127.0.0.1:0", data: "d", simSpeed: 1, demo: true, wsConns: 16}, false},
		{"simulator", nil, []string{"--demo", "--simulate", "--sim-speed", "60", "--sim-warmup", "72h"}, serveOptions{addr: "127.0.0.1:8080", data: "data", simulate: true, simSpeed: 60, simWarmup: 72 * time.Hour, demo: true, wsConns: 16}, false},
		{"users and connections", nil, []string{"--users", "u.yaml", "--auth-key", "k", "--ws-conns-per-user", "40"}, serveOptions{addr: "127.0.0.1:8080", data: "data", simSpeed: 1, users: "u.yaml", authKey: "k", wsConns: 40}, false},
		{"neither users nor demo", nil, nil, serveOptions{}, true},
		{"users and demo", nil, []string{"--demo", "--users", "u.yaml"}, serveOptions{}, true},
		{"no connections", nil, []string{"--demo", "--ws-conns-per-user", "0"}, serveOptions{}, true},
		{"simulator speed zero", nil, []string{"--demo", "--sim-speed", "0"}, serveOptions{}, true},
		{"simulator warm-up negative", nil, []string{"--demo", "--sim-warmup", "-1h"}, serveOptions{}, true},
		{"stray argument", nil, []string{"--demo", "extra"}, serveOptions{}, true},
		{"unknown flag", nil, []string{"--port", "80"}, serveOptions{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GRIDPULSE_ADDR", "")
			t.Setenv("GRIDPULSE_DATA", "")
			t.Setenv("GRIDPULSE_NATS_URL", "")
			t.Setenv("GRIDPULSE_NATS_LISTEN", "")
			t.Setenv("GRIDPULSE_CLICKHOUSE_DSN", "")
			t.Setenv("GRIDPULSE_USERS", "")
			t.Setenv("GRIDPULSE_DEMO", "")
			t.Setenv("GRIDPULSE_AUTH_KEY", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got, err := parseServeFlags(tt.args)
			if tt.wantFail {
				if err == nil {
					t.Errorf("parse %v: no error", tt.args)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("parse %v = %+v, want %+v", tt.args, got, tt.want)
			}
		})
	}
}

func TestLoadAreasRefusesAnEmptyDirectory(t *testing.T) {
	if _, err := loadAreas(t.TempDir()); err == nil {
		t.Error("loadAreas of an empty directory: no error")
	}
	if _, err := loadAreas(t.TempDir() + "/missing"); err == nil {
		t.Error("loadAreas of a missing directory: no error")
	}
}
