// Package engine runs Gridpulse's ClickHouse SQL on one of two engines:
// the real ClickHouse engine embedded in the process (chDB), the default,
// or a ClickHouse server over the native protocol. Both take the same SQL
// and the same blocks of rows, so everything above this package is written
// once.
package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Engine is a ClickHouse that runs SQL. It is safe for concurrent use.
type Engine interface {
	// Exec runs one statement that returns no rows: DDL, INSERT … SELECT,
	// OPTIMIZE. args fill ? placeholders (see Bind).
	Exec(ctx context.Context, query string, args ...any) error
	// Select runs a query and appends its rows to dest, a pointer to a
	// slice of structs whose fields name their columns with `ch:"name"`
	// tags. Field types must match the columns' (count() is a uint64,
	// DateTime64 a time.Time, Nullable a pointer), as a server insists.
	Select(ctx context.Context, dest any, query string, args ...any) error
	// Insert writes a block of rows in one insert.
	Insert(ctx context.Context, b *Block) error
	// Ping reports whether the engine answers.
	Ping(ctx context.Context) error
	// Kind is "embedded" or "server", for logs and readiness.
	Kind() string
	// Close releases the engine; it must not be used afterwards.
	Close() error
}

// insertSettings apply to every insert on both engines. optimize_on_insert
// would collapse and sum rows within each inserted block; every read folds
// rows anyway (FINAL, GROUP BY), so the background merges are left to do it
// once instead.
var insertSettings = map[string]string{"optimize_on_insert": "0"}

// Block is rows for one table, held column by column: the shape a server
// takes fastest and one pass turns into Native for the embedded engine.
type Block struct {
	Table   string
	Columns []Column
}

// Column is one column of a Block. Values is a slice of one of the types
// the engines convert: []string, []bool, []uint8, []uint64, []float32,
// []float64, []time.Time and, for Nullable columns, []*time.Time.
type Column struct {
	Name   string
	Values any
}

// Len is the number of rows in the block.
func (b *Block) Len() int {
	if len(b.Columns) == 0 {
		return 0
	}
	n, _ := columnLen(b.Columns[0].Values)
	return n
}

// check reports a block whose columns differ in length or hold a type the
// engines do not convert.
func (b *Block) check() error {
	if b.Table == "" || len(b.Columns) == 0 {
		return errors.New("engine: a block needs a table and columns")
	}
	rows := -1
	for _, c := range b.Columns {
		n, ok := columnLen(c.Values)
		if !ok {
			return fmt.Errorf("engine: %s.%s holds %T, which is not a supported column type", b.Table, c.Name, c.Values)
		}
		if rows >= 0 && n != rows {
			return fmt.Errorf("engine: %s.%s has %d rows, the block's other columns %d", b.Table, c.Name, n, rows)
		}
		rows = n
	}
	return nil
}

func columnLen(v any) (int, bool) {
	switch v := v.(type) {
	case []string:
		return len(v), true
	case []bool:
		return len(v), true
	case []uint8:
		return len(v), true
	case []uint64:
		return len(v), true
	case []float32:
		return len(v), true
	case []float64:
		return len(v), true
	case []time.Time:
		return len(v), true
	case []*time.Time:
		return len(v), true
	}
	return 0, false
}

// insertHead is the INSERT statement's head naming the block's columns.
func (b *Block) insertHead() string {
	s := "INSERT INTO " + quoteIdent(b.Table) + " ("
	for i, c := range b.Columns {
		if i > 0 {
			s += ", "
		}
		s += quoteIdent(c.Name)
	}
	return s + ")"
}

// clip shortens a statement for an error message.
func clip(query string) string {
	if len(query) > 120 {
		return query[:120] + "…"
	}
	return query
}
