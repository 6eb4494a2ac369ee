package event

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	fastjson "github.com/goccy/go-json"
	"github.com/gridpulse/gridpulse/event/jsonpath"
)

// Item is one element of a posted batch: the event, or why it could not be
// read. Index is its place in the batch, counted from 0.
type Item struct {
	Index int
	Event *Event
	Err   *FieldError
}

// ErrEmptyBatch is returned for a body with no events.
var ErrEmptyBatch = errors.New("the batch holds no events")

// BatchError is a problem with the batch as a whole (not JSON, too many
// items); it fails every item.
type BatchError struct {
	Field   string
	Message string
}

func (e *BatchError) Error() string { return e.Field + ": " + e.Message }

// DecodeBatch reads a JSON array of events or NDJSON (one event per line).
// A syntax error in the array fails the batch; in NDJSON it fails only its
// line. Each item is decoded on its own so a wrong field names itself.
func DecodeBatch(body []byte, maxItems int) ([]Item, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, &BatchError{Field: "events", Message: ErrEmptyBatch.Error()}
	}
	var raws []json.RawMessage
	if trimmed[0] == '[' {
		// Split fast; when the fast decoder refuses the body,
		// encoding/json says why.
		var fast []fastjson.RawMessage
		if err := fastjson.Unmarshal(trimmed, &fast); err == nil {
			raws = make([]json.RawMessage, len(fast))
			for i, r := range fast {
				raws[i] = json.RawMessage(r)
			}
		} else if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, &BatchError{Field: "events", Message: "the body is not a JSON array of events: " + describeSyntax(err)}
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(trimmed))
		sc.Buffer(make([]byte, 64*1024), len(trimmed)+1)
		for sc.Scan() {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			raws = append(raws, json.RawMessage(bytes.Clone(line)))
			if len(raws) > maxItems {
				break
			}
		}
		if err := sc.Err(); err != nil {
			return nil, &BatchError{Field: "events", Message: fmt.Sprintf("reading NDJSON: %v", err)}
		}
	}
	if len(raws) == 0 {
		return nil, &BatchError{Field: "events", Message: ErrEmptyBatch.Error()}
	}
	if len(raws) > maxItems {
		return nil, &BatchError{Field: "events", Message: fmt.Sprintf("the batch holds more than %d events; split it", maxItems)}
	}
	items := make([]Item, len(raws))
	for i, raw := range raws {
		items[i].Index = i
		items[i].Event, items[i].Err = DecodeOne(raw)
	}
	return items, nil
}

// DecodeOne reads a single event, rejecting unknown fields and naming the
// field a type error is in.
func DecodeOne(raw []byte) (*Event, *FieldError) {
	// A fast decoder reads the events that are right, a few times quicker
	// than encoding/json; one it refuses is read again by encoding/json,
	// whose errors carry the path of the field at fault.
	fast := fastjson.NewDecoder(bytes.NewReader(raw))
	fast.DisallowUnknownFields()
	var e Event
	if err := fast.Decode(&e); err == nil && !fast.More() {
		return &e, nil
	}
	return decodeExplained(raw)
}

// decodeExplained reads an event with encoding/json, for its errors.
func decodeExplained(raw []byte) (*Event, *FieldError) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var e Event
	if err := dec.Decode(&e); err != nil {
		return nil, fieldOf(raw, err)
	}
	if dec.More() {
		return nil, invalid("", "more than one JSON value in one event")
	}
	return &e, nil
}

// fieldOf turns the error decoding raw into a FieldError that names the
// field.
func fieldOf(raw []byte, err error) *FieldError {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		switch {
		case typeErr.Type == positionType:
			return invalid(field, "want [lon, lat], two numbers, got %s", typeErr.Value)
		case typeErr.Type == timeType:
			return invalid(field, "want an RFC 3339 time such as 2026-11-21T08:30:00.000Z, got %s", typeErr.Value)
		case field == "":
			return invalid("", "an event must be a JSON object, got %s", typeErr.Value)
		}
		return invalid(field, "want %s, got %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	msg := err.Error()
	if quoted, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		// encoding/json quotes the key as Go does: "\x7f", not the byte.
		name, err := strconv.Unquote(quoted)
		if err != nil {
			name = strings.Trim(quoted, `"`)
		}
		return invalid(jsonpath.Unknown(raw, reflect.TypeFor[Event](), name), "unknown field %s", quoted)
	}
	return invalid("", "not a JSON event: %s", describeSyntax(err))
}

func describeSyntax(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s at byte %d", syn.Error(), syn.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the JSON ends too early"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "float64", "int", "int64", "uint32", "uint64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "struct", "map", "ptr":
		return "an object"
	case "array", "slice":
		return "an array"
	}
	return goKind
}

// UnmarshalJSON reads exactly two JSON numbers (quoted numbers are not
// numbers). Errors are json.UnmarshalTypeErrors so the decoder adds the
// field's path to them.
func (p *Position) UnmarshalJSON(b []byte) error {
	// Numbers only: a quoted number fails to decode as a float.
	var xs []float64
	if err := fastjson.Unmarshal(b, &xs); err != nil || len(xs) != 2 {
		return &json.UnmarshalTypeError{Value: describeValue(b), Type: positionType}
	}
	p[0], p[1] = xs[0], xs[1]
	return nil
}

var (
	positionType = reflect.TypeFor[Position]()
	timeType     = reflect.TypeFor[Time]()
)

// describeValue names a JSON value briefly for an error message.
func describeValue(b []byte) string {
	s := string(bytes.TrimSpace(b))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
