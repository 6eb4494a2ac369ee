//go:build nochdb

package engine

import (
	"context"
	"errors"
)

// Embedded is false in a build with -tags nochdb: it has no embedded
// engine and needs no library.
const Embedded = false

// OpenEmbedded fails: this binary was built without the embedded engine.
func OpenEmbedded(ctx context.Context, dir, database string, sessions int) (Engine, error) {
	return nil, errors.New("engine: this binary was built with -tags nochdb and has no embedded ClickHouse: set a ClickHouse server DSN")
}
