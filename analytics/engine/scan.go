package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
)

// scanJSONEachRow appends the rows of a JSONEachRow result to dest, a
// pointer to a slice of structs with `ch` tags: how the embedded engine
// answers Select. The session prints times in ISO 8601 and 64-bit integers
// unquoted, so encoding/json reads every column type the tags may name.
func scanJSONEachRow(data []byte, dest any) error {
	slice, elem, err := destSlice(dest)
	if err != nil {
		return err
	}
	fields := tagFields(elem)
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var cols map[string]json.RawMessage
		if err := json.Unmarshal(line, &cols); err != nil {
			return fmt.Errorf("engine: reading a result row: %w", err)
		}
		row := reflect.New(elem).Elem()
		for name, raw := range cols {
			idx, ok := fields[name]
			if !ok {
				return fmt.Errorf("engine: column %q has no field tagged ch:%q in %s", name, name, elem)
			}
			if err := json.Unmarshal(raw, row.Field(idx).Addr().Interface()); err != nil {
				return fmt.Errorf("engine: column %q into %s: %w", name, row.Field(idx).Type(), err)
			}
		}
		slice.Set(reflect.Append(slice, row))
	}
	return nil
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
