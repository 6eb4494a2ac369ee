// Package analytics is Gridpulse's history in ClickHouse: every work-order
// and alarm event, the orders' and alarms' current states, downsampled
// patrol positions and hourly rollups per cell, which the heatmap and the
// trend panels read.
//
// By default ClickHouse runs embedded in the process (chDB, with its data in
// a directory); with a DSN it is a ClickHouse server. Open applies the
// schema's migrations either way; the writer subpackage fills the tables
// from the bus.
package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/analytics/schema"
)

// Config says which ClickHouse to use.
type Config struct {
	// DSN of a ClickHouse server, e.g.
	// clickhouse://default:@127.0.0.1:9000/gridpulse. Empty runs the
	// embedded engine in Dir.
	DSN string
	// Dir is the embedded engine's data directory. One process per
	// directory, and one directory per process.
	Dir string
	// Database holds Gridpulse's tables; a DSN naming a database wins.
	Database string
	// Sessions is how many statements the embedded engine runs at once:
	// one per writer consumer and a couple for queries.
	Sessions int
}

// DefaultConfig runs the embedded engine in <dataDir>/clickhouse.
func DefaultConfig(dataDir string) Config {
	return Config{Dir: filepath.Join(dataDir, "clickhouse"), Database: "gridpulse", Sessions: 4}
}

// Store is an open ClickHouse with Gridpulse's schema in place.
type Store struct {
	eng     engine.Engine
	version int
}

// Open connects to the server, or starts the embedded engine, and applies
// the schema migrations it lacks.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Database == "" {
		cfg.Database = "gridpulse"
	}
	var eng engine.Engine
	var err error
	switch {
	case cfg.DSN != "":
		eng, err = engine.OpenServer(ctx, cfg.DSN, cfg.Database)
	case cfg.Dir == "":
		return nil, errors.New("analytics: neither a ClickHouse DSN nor a data directory for the embedded engine is configured")
	default:
		eng, err = engine.OpenEmbedded(ctx, cfg.Dir, cfg.Database, cfg.Sessions)
	}
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	version, err := schema.Migrate(ctx, eng)
	if err != nil {
		eng.Close()
		return nil, fmt.Errorf("analytics: %w", err)
	}
	slog.Info("analytics: ClickHouse ready", "engine", eng.Kind(), "schema_version", version)
	return &Store{eng: eng, version: version}, nil
}

// Engine runs SQL on the store's ClickHouse, for the writer and the
// queries.
func (s *Store) Engine() engine.Engine { return s.eng }

// Kind is "embedded" or "server".
func (s *Store) Kind() string { return s.eng.Kind() }

// SchemaVersion is the version of the last migration applied.
func (s *Store) SchemaVersion() int { return s.version }

// Check reports whether ClickHouse answers, for /readyz.
func (s *Store) Check(ctx context.Context) error {
	if err := s.eng.Ping(ctx); err != nil {
		return fmt.Errorf("analytics: ClickHouse (%s) does not answer: %w", s.eng.Kind(), err)
	}
	return nil
}

// Close closes the connection or stops the embedded engine, once its
// running statements end.
func (s *Store) Close() error { return s.eng.Close() }
