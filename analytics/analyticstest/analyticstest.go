// Package analyticstest opens analytics stores for tests, on the real
// engines: the embedded ClickHouse always, and a ClickHouse server as well
// when CLICKHOUSE_DSN names one.
package analyticstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/engine"
)

// DSNEnv names the server the server suite runs against.
const DSNEnv = "CLICKHOUSE_DSN"

// Run runs test once per engine, as the subtests "embedded" and "server".
// Each gets a configuration of its own: a fresh directory, or a fresh
// database on the server that is dropped afterwards. Without CLICKHOUSE_DSN
// the server subtest says that it is skipped, as does the embedded one in a
// build without the embedded engine.
func Run(t *testing.T, test func(t *testing.T, cfg analytics.Config)) {
	t.Helper()
	t.Run("embedded", func(t *testing.T) {
		if !engine.Embedded {
			t.Skip("built with -tags nochdb: embedded suite skipped")
		}
		test(t, analytics.Config{Dir: t.TempDir(), Database: "gridpulse", Sessions: 3})
	})
	t.Run("server", func(t *testing.T) {
		dsn := os.Getenv(DSNEnv)
		if dsn == "" {
			t.Skip(DSNEnv + " not set: server suite skipped")
		}
		test(t, ServerConfig(t, dsn))
	})
}

// ServerConfig is a configuration for a new database on the server at dsn,
// dropped when the test ends. The DSN's own database, if any, is ignored.
func ServerConfig(t *testing.T, dsn string) analytics.Config {
	t.Helper()
	suffix := make([]byte, 4)
	rand.Read(suffix)
	db := "gridpulse_test_" + hex.EncodeToString(suffix)
	cfg := analytics.Config{DSN: withDatabase(dsn, db), Database: db}
	t.Cleanup(func() {
		eng, err := engine.OpenServer(context.Background(), withDatabase(dsn, "default"), "default")
		if err != nil {
			t.Logf("dropping %s: %v", db, err)
			return
		}
		defer eng.Close()
		if err := eng.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
			t.Logf("dropping %s: %v", db, err)
		}
	})
	return cfg
}

// withDatabase puts db in the DSN's path.
func withDatabase(dsn, db string) string {
	query := ""
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn, query = dsn[:i], dsn[i:]
	}
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn + query
	}
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host + "/" + db + query
}

// Open opens a store for the test or benchmark and closes it when it ends.
func Open(tb testing.TB, cfg analytics.Config) *analytics.Store {
	tb.Helper()
	s, err := analytics.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
