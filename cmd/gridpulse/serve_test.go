package main

import (
	"testing"
)

func TestServeFlags(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		want     serveOptions
		wantFail bool
	}{
		{"defaults", nil, nil, serveOptions{addr: "127.0.0.1:8080", data: "data"}, false},
		{"from the environment", map[string]string{"GRIDPULSE_ADDR": "0.0.0.0:9000", "GRIDPULSE_DATA": "/srv/gp"}, nil, serveOptions{addr: "0.0.0.0:9000", data: "/srv/gp"}, false},
		{"flags beat the environment", map[string]string{"GRIDPULSE_ADDR": "0.0.0.0:9000"}, []string{"--addr", "127.0.0.1:0", "--data", "d"}, serveOptions{addr: "127.0.0.1:0", data: "d"}, false},
		{"stray argument", nil, []string{"extra"}, serveOptions{}, true},
		{"unknown flag", nil, []string{"--port", "80"}, serveOptions{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GRIDPULSE_ADDR", "")
			t.Setenv("GRIDPULSE_DATA", "")
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
