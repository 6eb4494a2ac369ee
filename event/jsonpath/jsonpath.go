// Package jsonpath says where a key sits in a JSON document, so that a
// refusal of an unknown key names it as the sender wrote it: "colour" at
// the top, "patrol.colour" inside an object. encoding/json names the key
// but not the object that holds it.
package jsonpath

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// Unknown is the path of the key name, which the struct t (or a struct
// inside it) has no field for, in the first JSON value of raw. When it
// cannot be found the key alone is the path.
func Unknown(raw []byte, t reflect.Type, name string) string {
	// What follows the first value is refused elsewhere.
	var first json.RawMessage
	if json.NewDecoder(bytes.NewReader(raw)).Decode(&first) == nil {
		if path, ok := findUnknown(first, t, name); ok {
			return path
		}
	}
	return Key(name)
}

// findUnknown looks for name among the keys of the JSON object raw that t
// has no field for, then inside the objects it does have struct fields for.
func findUnknown(raw []byte, t reflect.Type, name string) (string, bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return "", false
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, known := structField(t, k); !known && k == name {
			return Key(k), true
		}
	}
	for _, k := range keys {
		f, known := structField(t, k)
		if !known {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() != reflect.Struct || reflect.PointerTo(ft).Implements(unmarshalerType) {
			continue
		}
		if path, ok := findUnknown(obj[k], ft, name); ok {
			return Key(k) + "." + path, true // as the sender wrote it
		}
	}
	return "", false
}

// structField is the field of struct t that the JSON key decodes into,
// matched as encoding/json matches: exactly, or else ignoring case.
func structField(t reflect.Type, key string) (reflect.StructField, bool) {
	var folded reflect.StructField
	found := false
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if name == key {
			return f, true
		}
		if !found && strings.EqualFold(name, key) {
			folded, found = f, true
		}
	}
	return folded, found
}

// Key writes one key of a path; the empty key is written "".
func Key(k string) string {
	if k == "" {
		return `""`
	}
	return k
}

// Has reports whether the first JSON object in raw holds the key path
// ("patrol.colour"; `""` is the empty key), as a test checks that a
// refusal names a key the sender wrote. Keys may hold dots, so each step
// tries every key that fits.
func Has(raw []byte, path string) bool {
	var obj map[string]json.RawMessage
	if json.NewDecoder(bytes.NewReader(raw)).Decode(&obj) != nil {
		return false
	}
	for k, v := range obj {
		if path == Key(k) {
			return true
		}
		if rest, ok := strings.CutPrefix(path, Key(k)+"."); ok && Has(v, rest) {
			return true
		}
	}
	return false
}
