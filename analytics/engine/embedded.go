//go:build !nochdb

package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/chdb-io/chdb-go/v2/chdb"

	// Must come with chdb: finds the library before chdb-go's init loads
	// it, and stops the program with a clear message when there is none.
	"github.com/gridpulse/gridpulse/analytics/libchdb"
)

// Embedded is built into this binary.
const Embedded = true

// embedded is ClickHouse running inside this process: chDB sessions on one
// data directory. Each session runs one statement at a time, so the engine
// keeps a few and hands one to each caller: one session per worker.
type embedded struct {
	dir      string
	lock     *os.File
	sessions chan *chdb.Session
	all      []*chdb.Session
	ready    int    // sessions set up and handed to the channel
	spool    string // where inserts' rows are written for the engine to read

	typesMu sync.Mutex
	types   map[string]map[string]string // table → column → type
}

// sessionSettings make inserts synchronous and cheaper (see
// insertSettings).
var sessionSettings = []string{
	"SET async_insert = 0",
	"SET optimize_on_insert = " + insertSettings["optimize_on_insert"],
}

// OpenEmbedded starts the embedded engine on dir, creates database if
// needed and opens `sessions` sessions using it. chDB allows one data
// directory per process, and only one process may use a directory: a
// second is refused with an error rather than left to corrupt it.
func OpenEmbedded(ctx context.Context, dir, database string, sessions int) (Engine, error) {
	if sessions < 1 {
		sessions = 1
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("engine: data directory %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("engine: data directory: %w", err)
	}
	lock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	// Rows of inserts cut short by a crash are left in the spool.
	spool := filepath.Join(abs, "spool")
	if err := os.RemoveAll(spool); err != nil {
		lock.Close()
		return nil, fmt.Errorf("engine: clearing %s: %w", spool, err)
	}
	if err := os.MkdirAll(spool, 0o755); err != nil {
		lock.Close()
		return nil, fmt.Errorf("engine: %w", err)
	}
	e := &embedded{dir: abs, lock: lock, sessions: make(chan *chdb.Session, sessions), spool: spool, types: map[string]map[string]string{}}
	for range sessions {
		if err := ctx.Err(); err != nil {
			e.Close()
			return nil, err
		}
		s, err := chdb.NewSession(abs)
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("engine: embedded ClickHouse (%s) on %s: %w", libchdb.Path(), abs, err)
		}
		e.all = append(e.all, s)
	}
	// The database must exist before a session can USE it.
	if err := run(e.all[0], "CREATE DATABASE IF NOT EXISTS "+quoteIdent(database)); err != nil {
		e.Close()
		return nil, err
	}
	for _, s := range e.all {
		for _, q := range append([]string{"USE " + quoteIdent(database)}, sessionSettings...) {
			if err := run(s, q); err != nil {
				e.Close()
				return nil, err
			}
		}
		e.sessions <- s
		e.ready++
	}
	return e, nil
}

// lockDir takes an exclusive lock on the data directory for this process.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "gridpulse.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("engine: lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("engine: %s is in use by another process; the embedded ClickHouse allows one process per data directory", dir)
		}
		return nil, fmt.Errorf("engine: locking %s: %w", dir, err)
	}
	return f, nil
}

func run(s *chdb.Session, query string) error {
	res, err := s.Query(query, "TabSeparated")
	if err != nil {
		return fmt.Errorf("engine: %s: %w", clip(query), err)
	}
	if res != nil {
		res.Free()
	}
	return nil
}

// session takes a free session, waiting for one while ctx allows. A
// statement, once started, runs to its end: chDB cannot cancel it.
func (e *embedded) session(ctx context.Context) (*chdb.Session, error) {
	select {
	case s, ok := <-e.sessions:
		if !ok {
			return nil, errors.New("engine: the embedded engine is closed")
		}
		return s, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (e *embedded) Exec(ctx context.Context, query string, args ...any) error {
	q, err := Bind(query, args...)
	if err != nil {
		return err
	}
	s, err := e.session(ctx)
	if err != nil {
		return err
	}
	defer func() { e.sessions <- s }()
	return run(s, q)
}

func (e *embedded) Select(ctx context.Context, dest any, query string, args ...any) error {
	if _, _, err := destSlice(dest); err != nil {
		return err
	}
	q, err := Bind(query, args...)
	if err != nil {
		return err
	}
	s, err := e.session(ctx)
	if err != nil {
		return err
	}
	defer func() { e.sessions <- s }()
	res, err := s.Query(q, "Native")
	if err != nil {
		return fmt.Errorf("engine: %s: %w", clip(q), err)
	}
	if res == nil {
		return nil
	}
	defer res.Free()
	return scanNative(res.Buf(), dest)
}

// Insert writes the block in ClickHouse's Native format to a file in the
// data directory and has the engine read it with the file() table
// function. chDB takes inline insert data only as text in the query, which
// it parses on one thread at several times the cost; a file may be binary,
// and Native, column by column, is the cheapest for the engine to read.
func (e *embedded) Insert(ctx context.Context, b *Block) error {
	if err := b.check(); err != nil {
		return err
	}
	types, err := e.columnTypes(ctx, b)
	if err != nil {
		return err
	}
	buf := spoolBuffers.Get().(*[]byte)
	defer spoolBuffers.Put(buf)
	if *buf, err = appendNative((*buf)[:0], b, types); err != nil {
		return err
	}
	f, err := os.CreateTemp(e.spool, b.Table+"-*.native")
	if err != nil {
		return fmt.Errorf("engine: insert into %s: %w", b.Table, err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(*buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("engine: insert into %s: writing the rows: %w", b.Table, err)
	}
	// The file names its columns' types itself. One thread: the engine
	// shares the process's cores with the live path, and an insert taking
	// them all (its views too) stalls ingest and the WebSocket writers for
	// its length; a batch goes at about the same rate on one.
	return e.Exec(ctx, b.insertHead()+" SELECT * FROM file(?, 'Native') SETTINGS max_threads = 1, max_insert_threads = 1", f.Name())
}

// spoolBuffers hold a batch's rows while they are written out.
var spoolBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4<<20); return &b }}

// columnTypes are the table's types of the block's columns, which the
// engine is asked for once per table.
func (e *embedded) columnTypes(ctx context.Context, b *Block) ([]string, error) {
	e.typesMu.Lock()
	types, ok := e.types[b.Table]
	e.typesMu.Unlock()
	if !ok {
		var cols []struct {
			Name string `ch:"name"`
			Type string `ch:"type"`
		}
		if err := e.Select(ctx, &cols, "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ?", b.Table); err != nil {
			return nil, err
		}
		types = make(map[string]string, len(cols))
		for _, c := range cols {
			types[c.Name] = c.Type
		}
		e.typesMu.Lock()
		e.types[b.Table] = types
		e.typesMu.Unlock()
	}
	out := make([]string, len(b.Columns))
	for i, c := range b.Columns {
		t, ok := types[c.Name]
		if !ok {
			return nil, fmt.Errorf("engine: insert into %s: the table has no column %s", b.Table, c.Name)
		}
		out[i] = t
	}
	return out, nil
}

func (e *embedded) Ping(ctx context.Context) error { return e.Exec(ctx, "SELECT 1") }

func (e *embedded) Kind() string { return "embedded" }

// Close waits for the sessions in use to come back, then closes them all
// and releases the directory. Calls after Close fail.
func (e *embedded) Close() error {
	if e.lock == nil {
		return nil
	}
	for range e.ready {
		<-e.sessions
	}
	close(e.sessions)
	for _, s := range e.all {
		s.Close()
	}
	err := e.lock.Close()
	e.lock = nil
	return err
}
