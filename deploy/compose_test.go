package deploy

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// composeFile is the repository's compose file, seen from this package.
const composeFile = "../docker-compose.yml"

// load parses the compose file with the compose specification's own
// loader (schema validation, interpolation, normalisation), in the
// repository's directory and with env as the whole environment, so a
// variable in the caller's shell cannot change what the test sees.
func load(t *testing.T, env map[string]string) *types.Project {
	t.Helper()
	ctx := context.Background()
	dir, err := filepath.Abs(filepath.Dir(composeFile))
	if err != nil {
		t.Fatal(err)
	}
	details, err := loader.LoadConfigFiles(ctx, []string{filepath.Join(dir, filepath.Base(composeFile))}, dir)
	if err != nil {
		t.Fatalf("read %s: %v", composeFile, err)
	}
	details.Environment = types.Mapping(env)
	project, err := loader.LoadWithContext(ctx, *details)
	if err != nil {
		t.Fatalf("load %s: %v", composeFile, err)
	}
	return project
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("service %s: %v", name, err)
	}
	return s
}

// env is a service's environment variable, failing the test when unset.
func env(t *testing.T, s types.ServiceConfig, key string) string {
	t.Helper()
	v, ok := s.Environment[key]
	if !ok || v == nil {
		t.Fatalf("service %s has no %s", s.Name, key)
	}
	return *v
}

func TestServicesAndHealthChecks(t *testing.T) {
	p := load(t, nil)
	tests := []struct {
		service string
		image   string // a pinned image, or "" for one built here
		check   string // what the health check runs
	}{
		{"clickhouse", "clickhouse/clickhouse-server:", "SELECT 1"},
		{"nats", "nats:", ":8222/healthz"},
		{"gridpulse", "", ":8080/readyz"},
	}
	var names []string
	for _, tt := range tests {
		names = append(names, tt.service)
		t.Run(tt.service, func(t *testing.T) {
			s := service(t, p, tt.service)
			if tt.image == "" {
				if s.Build == nil || s.Build.Dockerfile != "Dockerfile" {
					t.Errorf("build = %+v, want the repository's Dockerfile", s.Build)
				}
			} else if !strings.HasPrefix(s.Image, tt.image) || strings.HasSuffix(s.Image, ":latest") {
				t.Errorf("image = %q, want %s pinned to a version", s.Image, tt.image)
			}
			hc := s.HealthCheck
			if hc == nil || hc.Disable || len(hc.Test) < 2 {
				t.Fatalf("healthcheck = %+v, want one", hc)
			}
			if got := strings.Join(hc.Test, " "); !strings.Contains(got, tt.check) {
				t.Errorf("healthcheck runs %q, want it to check %q", got, tt.check)
			}
			if hc.Interval == nil || hc.Timeout == nil || hc.Retries == nil || hc.StartPeriod == nil {
				t.Errorf("healthcheck %+v leaves interval, timeout, retries or start period to defaults", hc)
			}
			if s.Restart != types.RestartPolicyUnlessStopped {
				t.Errorf("restart = %q, want %q", s.Restart, types.RestartPolicyUnlessStopped)
			}
		})
	}
	if got := p.ServiceNames(); !slices.Equal(sorted(got), sorted(names)) {
		t.Errorf("services = %v, want %v", got, names)
	}
}

func TestGridpulseWaitsForHealthyDependencies(t *testing.T) {
	s := service(t, load(t, nil), "gridpulse")
	for _, dep := range []string{"clickhouse", "nats"} {
		t.Run(dep, func(t *testing.T) {
			d, ok := s.DependsOn[dep]
			if !ok {
				t.Fatalf("gridpulse does not depend on %s", dep)
			}
			if d.Condition != types.ServiceConditionHealthy || !d.Required {
				t.Errorf("depends_on %s = %+v, want a required %s", dep, d, types.ServiceConditionHealthy)
			}
		})
	}
	if len(s.DependsOn) != 2 {
		t.Errorf("depends_on = %v, want clickhouse and nats only", s.DependsOn)
	}
}

func TestGridpulseReachesServicesByName(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		password string
	}{
		{"default password", nil, "gridpulse"},
		{"password from the environment", map[string]string{"CLICKHOUSE_PASSWORD": "s3cret"}, "s3cret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := load(t, tt.env)
			gp, ch := service(t, p, "gridpulse"), service(t, p, "clickhouse")

			nats, err := url.Parse(env(t, gp, "GRIDPULSE_NATS_URL"))
			if err != nil {
				t.Fatalf("GRIDPULSE_NATS_URL: %v", err)
			}
			if nats.Scheme != "nats" || nats.Host != "nats:4222" {
				t.Errorf("GRIDPULSE_NATS_URL = %s, want nats://nats:4222", nats)
			}

			dsn, err := url.Parse(env(t, gp, "GRIDPULSE_CLICKHOUSE_DSN"))
			if err != nil {
				t.Fatalf("GRIDPULSE_CLICKHOUSE_DSN: %v", err)
			}
			password, _ := dsn.User.Password()
			got := []string{dsn.Scheme, dsn.Host, dsn.User.Username(), password, strings.TrimPrefix(dsn.Path, "/")}
			want := []string{"clickhouse", "clickhouse:9000", env(t, ch, "CLICKHOUSE_USER"), env(t, ch, "CLICKHOUSE_PASSWORD"), env(t, ch, "CLICKHOUSE_DB")}
			if !slices.Equal(got, want) {
				t.Errorf("DSN scheme, host, user, password, database = %q, want %q (the clickhouse service's)", got, want)
			}
			if password != tt.password {
				t.Errorf("password = %q, want %q", password, tt.password)
			}
			if env(t, gp, "GRIDPULSE_ADDR") != "0.0.0.0:8080" {
				t.Errorf("GRIDPULSE_ADDR = %q: the server must listen beyond the container's loopback", env(t, gp, "GRIDPULSE_ADDR"))
			}
		})
	}
}

func TestOnlyGridpulsePublishesAPort(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		hostIP    string
		published string
	}{
		{"loopback by default", nil, "127.0.0.1", "8080"},
		{"GRIDPULSE_PUBLISH", map[string]string{"GRIDPULSE_PUBLISH": "0.0.0.0:9000"}, "0.0.0.0", "9000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := load(t, tt.env)
			for _, s := range p.Services {
				if s.Name != "gridpulse" && len(s.Ports) > 0 {
					t.Errorf("%s publishes %+v; only gridpulse should", s.Name, s.Ports)
				}
			}
			ports := service(t, p, "gridpulse").Ports
			if len(ports) != 1 {
				t.Fatalf("gridpulse ports = %+v, want one", ports)
			}
			if got := ports[0]; got.HostIP != tt.hostIP || got.Published != tt.published || got.Target != 8080 {
				t.Errorf("gridpulse port = %s:%s:%d, want %s:%s:8080", got.HostIP, got.Published, got.Target, tt.hostIP, tt.published)
			}
		})
	}
}

func TestVolumes(t *testing.T) {
	p := load(t, nil)
	tests := []struct {
		service, volume, target string
	}{
		{"clickhouse", "clickhouse-data", "/var/lib/clickhouse"},
		{"nats", "nats-data", "/data"},
		{"gridpulse", "gridpulse-data", "/var/lib/gridpulse/data"},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			if _, ok := p.Volumes[tt.volume]; !ok {
				t.Errorf("volume %s is not declared", tt.volume)
			}
			s := service(t, p, tt.service)
			if !slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool {
				return v.Type == types.VolumeTypeVolume && v.Source == tt.volume && v.Target == tt.target
			}) {
				t.Errorf("%s volumes = %+v, want %s at %s", tt.service, s.Volumes, tt.volume, tt.target)
			}
		})
	}
	// Each service must keep its data where its volume is.
	if got := env(t, service(t, p, "gridpulse"), "GRIDPULSE_DATA"); got != "/var/lib/gridpulse/data" {
		t.Errorf("GRIDPULSE_DATA = %q, not the gridpulse-data volume", got)
	}
	if cmd := service(t, p, "nats").Command; !slices.Contains(cmd, "-js") || !containsPair(cmd, "-sd", "/data") || !containsPair(cmd, "-m", "8222") {
		t.Errorf("nats command = %q, want JetStream (-js) storing in its volume (-sd /data) and monitoring on -m 8222", cmd)
	}
}

func TestClickHouseOpenFiles(t *testing.T) {
	// ClickHouse's documentation asks for nofile 262144 in containers.
	const want = 262144
	u := service(t, load(t, nil), "clickhouse").Ulimits["nofile"]
	if u == nil || u.Soft < want || u.Hard < want {
		t.Errorf("clickhouse ulimits nofile = %+v, want soft and hard >= %d", u, want)
	}
}

// containsPair reports whether flag is followed by value in args.
func containsPair(args []string, flag, value string) bool {
	i := slices.Index(args, flag)
	return i >= 0 && i+1 < len(args) && args[i+1] == value
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
