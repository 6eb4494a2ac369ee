// Package schema is Gridpulse's ClickHouse schema as versioned migrations:
// numbered SQL files embedded in the binary, applied in order at start and
// recorded in schema_migrations, the same files on the embedded engine and
// on a server.
package schema

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gridpulse/gridpulse/analytics/engine"
)

// The migrations: NNNN_name.sql, statements separated by a semicolon at the
// end of a line. Every statement is idempotent (IF NOT EXISTS), so a
// migration cut short (the process killed half-way, two processes starting
// together on a server) is simply run again. An applied migration is never
// edited: a change is a new file.
//
//go:embed migrations/*.sql
var files embed.FS

// Migration is one numbered SQL file.
type Migration struct {
	Version    int
	Name       string
	Statements []string
	// Checksum is the SHA-256 of the file, recorded when it is applied so
	// an applied migration that was edited afterwards is noticed.
	Checksum string
}

// Migrations lists the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(files, "migrations")
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		m, err := parse(e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("schema: two migrations numbered %d", out[i].Version)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("schema: no migrations embedded")
	}
	return out, nil
}

func parse(file string) (Migration, error) {
	num, name, ok := strings.Cut(strings.TrimSuffix(file, ".sql"), "_")
	v, err := strconv.Atoi(num)
	if !ok || err != nil || v <= 0 {
		return Migration{}, fmt.Errorf("schema: migration file %s is not named NNNN_name.sql", file)
	}
	body, err := files.ReadFile(path.Join("migrations", file))
	if err != nil {
		return Migration{}, fmt.Errorf("schema: %w", err)
	}
	sum := sha256.Sum256(body)
	m := Migration{Version: v, Name: name, Statements: Split(string(body)), Checksum: hex.EncodeToString(sum[:])}
	if len(m.Statements) == 0 {
		return Migration{}, fmt.Errorf("schema: migration %s has no statements", file)
	}
	return m, nil
}

// Split cuts a SQL file into statements at semicolons that end a line,
// dropping comment lines and empty statements.
func Split(sql string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(sql) {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		if strings.HasSuffix(trimmed, ";") {
			cur.WriteString(strings.TrimSuffix(strings.TrimRight(line, " \t\r\n"), ";"))
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteString(line)
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// migrationsTable records what has been applied. A ReplacingMergeTree, so
// two processes recording the same version leave one row.
const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`

type applied struct {
	Version  uint32 `ch:"version"`
	Checksum string `ch:"checksum"`
}

// Migrate applies the migrations eng has not had yet, in order, and
// returns the schema version it is at. It refuses a database whose applied
// migrations were edited since, or that is newer than this binary.
func Migrate(ctx context.Context, eng engine.Engine) (int, error) {
	all, err := Migrations()
	if err != nil {
		return 0, err
	}
	return migrate(ctx, eng, all)
}

// migrate applies what eng lacks of the migrations all, in order.
func migrate(ctx context.Context, eng engine.Engine, all []Migration) (int, error) {
	if err := eng.Exec(ctx, migrationsTable); err != nil {
		return 0, fmt.Errorf("schema: %w", err)
	}
	var done []applied
	if err := eng.Select(ctx, &done, "SELECT version, argMax(checksum, applied_at) AS checksum FROM schema_migrations GROUP BY version ORDER BY version"); err != nil {
		return 0, fmt.Errorf("schema: reading applied migrations: %w", err)
	}
	sums := make(map[int]string, len(done))
	current := 0
	for _, d := range done {
		sums[int(d.Version)] = d.Checksum
		current = max(current, int(d.Version))
	}
	if latest := all[len(all)-1].Version; current > latest {
		return current, fmt.Errorf("schema: the database is at version %d, newer than this binary's %d", current, latest)
	}
	for _, m := range all {
		if sum, ok := sums[m.Version]; ok {
			if sum != m.Checksum {
				return current, fmt.Errorf("schema: migration %04d_%s was changed after it was applied; add a new migration instead", m.Version, m.Name)
			}
			continue
		}
		for i, stmt := range m.Statements {
			if err := eng.Exec(ctx, stmt); err != nil {
				return current, fmt.Errorf("schema: migration %04d_%s, statement %d: %w", m.Version, m.Name, i+1, err)
			}
		}
		if err := eng.Exec(ctx, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
			uint32(m.Version), m.Name, m.Checksum, time.Now()); err != nil {
			return current, fmt.Errorf("schema: recording migration %04d: %w", m.Version, err)
		}
		slog.Info("analytics: schema migration applied", "version", m.Version, "name", m.Name, "engine", eng.Kind())
		current = m.Version
	}
	return current, nil
}
