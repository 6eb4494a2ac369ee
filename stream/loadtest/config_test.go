package loadtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/area"
)

func TestParseMix(t *testing.T) {
	tests := []struct {
		in      string
		want    Mix
		wantErr bool
	}{
		{"patrol=0.9,order=0.07,alarm=0.03", Mix{0.9, 0.07, 0.03}, false},
		{"patrol:9, order:1", Mix{0.9, 0.1, 0}, false},
		{"orders=1", Mix{0, 1, 0}, false},
		{"patrol=2,alarm=2", Mix{0.5, 0, 0.5}, false},
		{"patrol=0", Mix{}, true},
		{"patrol=-1,order=1", Mix{}, true},
		{"patrol=x", Mix{}, true},
		{"patrol", Mix{}, true},
		{"bikes=1", Mix{}, true},
		{"order=1,order=2", Mix{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMix(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseMix(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			const eps = 1e-12
			if abs(got.Patrol-tt.want.Patrol) > eps || abs(got.Order-tt.want.Order) > eps || abs(got.Alarm-tt.want.Alarm) > eps {
				t.Errorf("ParseMix(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in      string
		want    Range
		wantErr bool
	}{
		{"1-5", Range{1, 5}, false},
		{"1km-5km", Range{1, 5}, false},
		{"3", Range{3, 3}, false},
		{"0.5-0.5", Range{0.5, 0.5}, false},
		{"5-1", Range{}, true},
		{"0-1", Range{}, true},
		{"a-b", Range{}, true},
		{"", Range{}, true},
	}
	for _, tt := range tests {
		got, err := ParseRange(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseRange(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	base := DefaultConfig()
	base.Areas = area.NewSet()
	if err := base.validate(); err != nil {
		t.Fatalf("the default config is refused: %v", err)
	}
	tests := []struct {
		name string
		mut  func(*Config)
		want string
	}{
		{"no areas", func(c *Config) { c.Areas = nil }, "no areas"},
		{"too long", func(c *Config) { c.Duration = MaxDuration + time.Second }, "duration"},
		{"no duration", func(c *Config) { c.Duration = 0 }, "duration"},
		{"long warm-up", func(c *Config) { c.Warmup = time.Hour }, "warm-up"},
		{"no clients", func(c *Config) { c.Clients = 0 }, "clients"},
		{"too many clients", func(c *Config) { c.Clients = MaxClients + 1 }, "clients"},
		{"rate", func(c *Config) { c.Rate = MaxRate + 1 }, "rate"},
		{"batch over ingest's limit", func(c *Config) { c.Batch = 1001 }, "batch"},
		{"walls", func(c *Config) { c.Walls = 1.5 }, "walls"},
		{"layer", func(c *Config) { c.Layers = []string{"orders", "cats"} }, "cats"},
		{"viewport", func(c *Config) { c.Viewport = Range{5, 1} }, "viewport"},
		{"mix", func(c *Config) { c.Mix = Mix{} }, "mix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.mut(&c)
			err := c.validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("validate = %v, want an error about %q", err, tt.want)
			}
		})
	}
}

func TestResolveLoopback(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"http://127.3.2.1:80/some/path?q=1", "http://127.3.2.1:80", ""},
		{"http://[::1]:8080", "http://[::1]:8080", ""},
		{"http://10.0.0.1:8080", "", "not a loopback"},
		{"http://192.0.2.7:80", "", "not a loopback"},
		{"http://[2001:db8::1]:80", "", "not a loopback"},
		{"https://127.0.0.1:8443", "", "scheme"},
		{"ws://127.0.0.1:8080", "", "scheme"},
		{"http://127.0.0.1", "", "port"},
		{"127.0.0.1:8080", "", ""}, // parsed as scheme "127.0.0.1": refused below
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ResolveLoopback(context.Background(), tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ResolveLoopback(%q) = %v, want an error", tt.in, u)
				}
				if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.String() != tt.want {
				t.Errorf("ResolveLoopback(%q) = %s, want %s", tt.in, u, tt.want)
			}
		})
	}
}

// The dialer itself refuses anything but loopback, before connecting.
func TestLoopbackDialerRefusesOtherAddresses(t *testing.T) {
	_, err := loopbackDialer().DialContext(context.Background(), "tcp", "192.0.2.1:80")
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("dial 192.0.2.1:80: %v, want a refusal", err)
	}
}
