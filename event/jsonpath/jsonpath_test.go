package jsonpath

import (
	"reflect"
	"testing"
)

type inner struct {
	Colour string `json:"colour"`
}

type outer struct {
	Name  string `json:"name"`
	Inner *inner `json:"inner"`
	Skip  string `json:"-"`
}

func TestUnknown(t *testing.T) {
	for _, tc := range []struct {
		raw, name, want string
	}{
		{`{"name":"a","size":1}`, "size", "size"},
		{`{"inner":{"colour":"red","shade":2}}`, "shade", "inner.shade"},
		{`{"INNER":{"shade":2}}`, "shade", "INNER.shade"}, // keys match as encoding/json matches
		{`{"":1}`, "", `""`},
		{`{"inner":{"a.b":1}}`, "a.b", "inner.a.b"},
		{`{"name":"a"} {"size":1}`, "size", "size"}, // only the first value is read; the key alone
		{`not json`, "size", "size"},
		{`{"Skip":1}`, "Skip", "Skip"}, // a field written "-" takes no key
	} {
		if got := Unknown([]byte(tc.raw), reflect.TypeFor[outer](), tc.name); got != tc.want {
			t.Errorf("Unknown(%s, %q) = %q, want %q", tc.raw, tc.name, got, tc.want)
		}
	}
}

func TestHas(t *testing.T) {
	raw := []byte(`{"a":{"b.c":{"":1}},"d":2}`)
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"a", true},
		{"d", true},
		{"a.b.c", true},
		{`a.b.c.""`, true},
		{"a.b", false},
		{"e", false},
		{"d.x", false},
	} {
		if got := Has(raw, tc.path); got != tc.want {
			t.Errorf("Has(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
