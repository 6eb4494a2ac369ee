package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/query"
	"github.com/gridpulse/gridpulse/analytics/writer"
	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/open311"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/hub"
	"github.com/gridpulse/gridpulse/stream/ingest"
	"github.com/gridpulse/gridpulse/stream/live"
)

// The server tests' parts, wired as serve wires them, and what the tests
// do with them: sign in, wait for the pipeline.

// pipelineParts says what a test server holds beyond the live pipeline.
type pipelineParts struct {
	// dispatch adds dispatching and Open311 over the live state.
	dispatch bool
	// history, when set, adds the analytics store it opens (see
	// analyticstest.Run) with its writer, the analytics queries and, with
	// dispatch, the audit trail and Open311's history.
	history *analytics.Config
}

// testPipeline is what startPipeline gave a server.
type testPipeline struct {
	ingest *ingest.Ingest
	state  *live.State
	store  *analytics.Store // nil without history
}

// startPipeline gives s the live pipeline on a real embedded bus in a
// temporary directory (ingest, the live state, the hub cut to each
// connection's area) and the parts asked for, runs them until the test
// ends, and waits until the live state has caught up.
func startPipeline(t *testing.T, s *Server, a Areas, parts pipelineParts) *testPipeline {
	t.Helper()
	p := &testPipeline{state: live.New(live.DefaultConfig())}
	if parts.history != nil {
		// Opened first, so that it closes last, after the writer stops.
		p.store = analyticstest.Open(t, *parts.history)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b, err := bus.Open(ctx, bus.DefaultConfig(t.TempDir()))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	// Registered first, so a fixture that fails half-built stops too.
	var running sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		running.Wait()
		b.Close()
	})
	hubCfg := hub.DefaultConfig()
	hubCfg.Scope, hubCfg.Until = WSScope, WSUntil // as serve wires them
	h := hub.New(hubCfg, p.state)
	p.ingest = ingest.New(ingest.DefaultConfig(), a.Index, b, nil)
	runs := []func(context.Context) error{func(ctx context.Context) error { return p.state.Run(ctx, b) }, h.Run}

	set := a.Index.Areas()
	var orders *dispatch.Service
	if parts.dispatch {
		// Dispatching follows the live state, so it is made before the
		// state runs.
		if orders, err = dispatch.New(dispatch.Config{}, dispatch.Deps{Door: p.ingest, State: p.state, Areas: set}); err != nil {
			t.Fatal(err)
		}
	}
	if p.store != nil {
		wcfg := writer.DefaultConfig()
		wcfg.MaxWait = 50 * time.Millisecond
		w := writer.New(p.store, wcfg)
		runs = append(runs, func(ctx context.Context) error { return w.Run(ctx, b) })
	}

	for _, run := range runs {
		running.Go(func() { run(ctx) })
	}
	waitCtx, stop := context.WithTimeout(ctx, 20*time.Second)
	defer stop()
	if err := p.state.WaitReady(waitCtx); err != nil {
		t.Fatalf("live state not ready: %v", err)
	}

	s.SetLive(Live{Ingest: p.ingest, State: p.state, Hub: h, Check: b.Check})
	if p.store != nil {
		s.SetAnalytics(Analytics{Query: query.New(p.store.Engine(), set, nil)})
	}
	if orders != nil {
		d := Dispatch{Service: orders}
		deps := open311.Deps{Orders: orders, State: p.state, Areas: set}
		if p.store != nil {
			d.Audit = dispatch.NewAudit(p.store.Engine())
			deps.History = p.store.Engine()
		}
		s.SetDispatch(d)
		citizens, err := open311.New(open311.Config{}, deps)
		if err != nil {
			t.Fatal(err)
		}
		s.SetOpen311(citizens)
	}
	return p
}

// testUser is a user of a test authority.
type testUser struct {
	name     string
	role     auth.Role
	area     string
	password string
}

// testIntegrator is an integrator of a test authority and its key.
type testIntegrator struct {
	auth.Integrator
	key string
}

// newTestAuthority is an authority of the users and integrators, signing
// with a test key.
func newTestAuthority(t *testing.T, users []testUser, integrators ...testIntegrator) *auth.Authority {
	t.Helper()
	a, err := auth.New(testAuthConfig(t, users, integrators...), testKeyBytes)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// testAuthConfig is the users file of newTestAuthority.
func testAuthConfig(t *testing.T, users []testUser, integrators ...testIntegrator) auth.Config {
	t.Helper()
	cfg := auth.Config{}
	for _, u := range users {
		// The cheapest cost: the tests sign in, they do not guard anything.
		h, err := bcrypt.GenerateFromPassword([]byte(u.password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Users = append(cfg.Users, auth.User{Name: u.name, Role: u.role, Area: u.area, PasswordHash: string(h)})
	}
	for _, in := range integrators {
		in.KeySHA256 = auth.HashKey(in.key)
		cfg.Integrators = append(cfg.Integrators, in.Integrator)
	}
	return cfg
}

// testKeyBytes signs the tokens of the tests.
var testKeyBytes = []byte("server-test-key-of-32-bytes-long")

// signIn signs a user in through the server's login route and returns
// the Authorization header of its token.
func signIn(t *testing.T, s *Server, name, password string) http.Header {
	t.Helper()
	rec := do(t, s, http.MethodPost, "/api/v1/login", http.Header{"Content-Type": {"application/json"}},
		strings.NewReader(fmt.Sprintf(`{"user":%q,"password":%q}`, name, password)))
	if rec.Code != http.StatusOK {
		t.Fatalf("sign in %s: %d %s", name, rec.Code, rec.Body)
	}
	var ans loginAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
		t.Fatal(err)
	}
	return http.Header{"Authorization": {"Bearer " + ans.Value}}
}
