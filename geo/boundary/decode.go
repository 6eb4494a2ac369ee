package boundary

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// SyntaxError is input that is not JSON, or not GeoJSON at the top level,
// with where the reader gave up.
type SyntaxError struct {
	Offset int64 // bytes read before the error
	Line   int   // 1-based
	Column int   // 1-based, in bytes
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("malformed GeoJSON at line %d, column %d (byte %d): %s", e.Line, e.Column, e.Offset, e.Msg)
}

// syntaxErrorAt places an error the JSON decoder reported after reading
// offset bytes: at the last byte it read.
func syntaxErrorAt(data []byte, offset int64, msg string) *SyntaxError {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:max(offset-1, 0)]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return &SyntaxError{Offset: offset, Line: line, Column: col, Msg: msg}
}

// splitFeatures checks that data is JSON and a FeatureCollection or a
// Feature, and returns each feature's raw JSON for validation one by one,
// so that one broken feature does not hide the others.
func splitFeatures(data []byte) ([]json.RawMessage, error) {
	var top struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, syntaxErrorAt(data, syn.Offset, syn.Error())
		case errors.As(err, &typ):
			field := typ.Field
			if field == "" {
				field = "the document"
			}
			return nil, syntaxErrorAt(data, typ.Offset, fmt.Sprintf("%s must be %s", field, jsonKind(typ.Type)))
		}
		return nil, fmt.Errorf("parse GeoJSON: %w", err)
	}
	switch top.Type {
	case "FeatureCollection":
		return top.Features, nil
	case "Feature":
		return []json.RawMessage{data}, nil
	case "":
		return nil, syntaxErrorAt(data, 0, `the document has no "type"; want a FeatureCollection or a Feature`)
	}
	return nil, syntaxErrorAt(data, 0, fmt.Sprintf("the document is a %s; want a FeatureCollection or a Feature", top.Type))
}

// rawFeature is a GeoJSON feature before validation.
type rawFeature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

// rawGeometry is a GeoJSON geometry before validation; coordinates are
// walked by hand to say exactly which position is wrong.
type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// typeProblem turns a JSON decoding error inside a feature into a field
// and a reason.
func typeProblem(prefix string, err error) (field, reason string) {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field = prefix
		if typ.Field != "" {
			field = joinField(prefix, typ.Field)
		}
		return field, fmt.Sprintf("must be %s, not a JSON %s", jsonKind(typ.Type), typ.Value)
	}
	return prefix, err.Error()
}

func joinField(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

// jsonKind names the JSON kind a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int64:
		return "a number"
	}
	return "a " + t.String()
}

// isNull reports whether raw JSON is absent or null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}
