package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// server is a ClickHouse server reached over the native protocol, with
// clickhouse-go's connection pool and column-wise batch inserts.
type server struct {
	conn driver.Conn
}

// unknownDatabase is ClickHouse's error code for a database that does not
// exist.
const unknownDatabase = 81

// OpenServer connects to the ClickHouse server at dsn
// (clickhouse://user:password@host:9000/database?dial_timeout=5s; see
// clickhouse-go's ParseDSN), defaulting the database to defaultDatabase and
// creating it when the server does not have it yet.
func OpenServer(ctx context.Context, dsn, defaultDatabase string) (Engine, error) {
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("engine: ClickHouse DSN: %w", err)
	}
	if opts.Auth.Database == "" {
		opts.Auth.Database = defaultDatabase
	}
	s, err := connect(ctx, opts)
	var ex *clickhouse.Exception
	if errors.As(err, &ex) && ex.Code == unknownDatabase {
		if err := createDatabase(ctx, *opts); err != nil {
			return nil, err
		}
		s, err = connect(ctx, opts)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func connect(ctx context.Context, opts *clickhouse.Options) (*server, error) {
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("engine: ClickHouse server %v: %w", opts.Addr, err)
	}
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("engine: ClickHouse server %v: %w", opts.Addr, err)
	}
	return &server{conn: conn}, nil
}

// createDatabase creates the DSN's database through the default one.
func createDatabase(ctx context.Context, opts clickhouse.Options) error {
	database := opts.Auth.Database
	opts.Auth.Database = "default"
	s, err := connect(ctx, &opts)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+quoteIdent(database))
}

func (s *server) Exec(ctx context.Context, query string, args ...any) error {
	q, err := Bind(query, args...)
	if err != nil {
		return err
	}
	if err := s.conn.Exec(ctx, q); err != nil {
		return fmt.Errorf("engine: %s: %w", clip(q), err)
	}
	return nil
}

func (s *server) Select(ctx context.Context, dest any, query string, args ...any) error {
	if _, _, err := destSlice(dest); err != nil {
		return err
	}
	q, err := Bind(query, args...)
	if err != nil {
		return err
	}
	if err := s.conn.Select(ctx, dest, q); err != nil {
		return fmt.Errorf("engine: %s: %w", clip(q), err)
	}
	return nil
}

// Insert sends the block column by column in one native INSERT.
func (s *server) Insert(ctx context.Context, b *Block) error {
	if err := b.check(); err != nil {
		return err
	}
	settings := clickhouse.Settings{}
	for k, v := range insertSettings {
		settings[k] = v
	}
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(settings))
	batch, err := s.conn.PrepareBatch(ctx, b.insertHead())
	if err != nil {
		return fmt.Errorf("engine: insert into %s: %w", b.Table, err)
	}
	defer batch.Close()
	for i, c := range b.Columns {
		if err := batch.Column(i).Append(c.Values); err != nil {
			return fmt.Errorf("engine: insert into %s, column %s: %w", b.Table, c.Name, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("engine: insert into %s: %w", b.Table, err)
	}
	return nil
}

func (s *server) Ping(ctx context.Context) error { return s.conn.Ping(ctx) }

func (s *server) Kind() string { return "server" }

func (s *server) Close() error { return s.conn.Close() }
