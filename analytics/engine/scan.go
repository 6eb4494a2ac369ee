package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// scanNative appends the rows of a result in ClickHouse's Native format
// to dest, a pointer to a slice of structs with `ch` tags: how the
// embedded engine answers Select. The blocks are decoded, and each value
// scanned into its field, by clickhouse-go's own column types, so a row
// converts exactly as it does from a server, and no value passes through
// text.
func scanNative(data []byte, dest any) error {
	slice, elem, err := destSlice(dest)
	if err != nil {
		return err
	}
	fields := tagFields(elem)
	r := chproto.NewReader(bytes.NewReader(data))
	for {
		block := proto.NewBlock()
		// Columns without a time zone of their own are read as UTC, as
		// everything here is written.
		block.ServerContext.Timezone = time.UTC
		if err := block.Decode(r, 0); err != nil {
			// The data ends where a block would begin; an end inside a
			// block, once its columns are known, is a broken result.
			if errors.Is(err, io.EOF) && block.Columns == nil {
				return nil
			}
			return fmt.Errorf("engine: reading a result block: %w", err)
		}
		idx := make([]int, len(block.Columns))
		for i, c := range block.Columns {
			f, ok := fields[c.Name()]
			if !ok {
				return fmt.Errorf("engine: column %q has no field tagged ch:%q in %s", c.Name(), c.Name(), elem)
			}
			idx[i] = f
		}
		base := slice.Len()
		n := block.Rows()
		slice.Grow(n)
		slice.SetLen(base + n)
		for row := range n {
			v := slice.Index(base + row)
			for i, c := range block.Columns {
				if err := c.ScanRow(v.Field(idx[i]).Addr().Interface(), row); err != nil {
					slice.SetLen(base)
					return fmt.Errorf("engine: column %q into %s: %w", c.Name(), v.Field(idx[i]).Type(), err)
				}
			}
		}
	}
}

// destSlice checks that dest is a pointer to a slice of structs.
func destSlice(dest any) (reflect.Value, reflect.Type, error) {
	v := reflect.ValueOf(dest)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Slice || v.Elem().Type().Elem().Kind() != reflect.Struct {
		return reflect.Value{}, nil, fmt.Errorf("engine: Select wants a pointer to a slice of structs, not %T", dest)
	}
	return v.Elem(), v.Elem().Type().Elem(), nil
}

var tagCache sync.Map // reflect.Type → map[string]int

// tagFields maps the ch tags of a struct type to field indexes.
func tagFields(t reflect.Type) map[string]int {
	if m, ok := tagCache.Load(t); ok {
		return m.(map[string]int)
	}
	m := make(map[string]int)
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("ch"); name != "" && name != "-" {
			m[name] = i
		}
	}
	tagCache.Store(t, m)
	return m
}
