package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/event/jsonpath"
	"github.com/gridpulse/gridpulse/stream/live"
	"github.com/paulmach/orb"
)

// request is a client message as sent.
type request struct {
	Op      string        `json:"op"`
	ID      string        `json:"id"`
	Layers  []string      `json:"layers"`
	BBox    []float64     `json:"bbox"`
	Area    string        `json:"area"`
	Filters *live.Filters `json:"filters"`
	Resume  *uint64       `json:"resume"`
}

// The client ops.
const (
	opSubscribe   = "subscribe"
	opUnsubscribe = "unsubscribe"
	opPing        = "ping"
)

// protoError is an error message to a client: what is wrong, in which
// field, and for which subscription when known.
type protoError struct {
	Op      string `json:"op"` // always "error"
	Sub     string `json:"sub,omitempty"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// The error codes.
const (
	codeInvalidJSON    = "invalid_json"
	codeUnknownOp      = "unknown_op"
	codeMissingField   = "missing_field"
	codeInvalidField   = "invalid_field"
	codeOutOfScope     = "out_of_scope"
	codeUnknownSub     = "unknown_subscription"
	codeTooManySubs    = "too_many_subscriptions"
	codeUnsupportedMsg = "unsupported_frame"
)

func errorf(code, field, format string, args ...any) *protoError {
	return &protoError{Op: "error", Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// maxIDLen bounds a subscription id; ids are spliced into messages
// unescaped, so they are limited to characters JSON never escapes.
const maxIDLen = 64

// parseRequest decodes and checks one client message. Unknown fields are
// errors, so a misspelt "bbx" is reported rather than silently ignored.
func parseRequest(data []byte) (*request, *protoError) {
	var req request
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, decodeError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errorf(codeInvalidJSON, "", "a message is one JSON object with nothing after it")
	}
	var perr *protoError
	switch req.Op {
	case "":
		perr = errorf(codeMissingField, "op", "op is required: subscribe, unsubscribe or ping")
	case opSubscribe:
		perr = req.checkSubscribe()
	case opUnsubscribe:
		perr = checkID(req.ID)
	case opPing:
	default:
		perr = errorf(codeUnknownOp, "op", "op %q is not one of subscribe, unsubscribe, ping", truncate(req.Op))
	}
	if perr != nil {
		if checkID(req.ID) == nil {
			perr.Sub = req.ID
		}
		return nil, perr
	}
	return &req, nil
}

func decodeError(data []byte, err error) *protoError {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errorf(codeInvalidJSON, "", "the message is not valid JSON: %v", err)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return errorf(codeInvalidJSON, "", "a message is a JSON object, not %s", typ.Value)
		}
		return errorf(codeInvalidField, typ.Field, "%s must be %s, not %s", typ.Field, describeType(typ.Field), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json quotes the key as Go does: "\x7f", not the byte.
		quoted := strings.TrimPrefix(err.Error(), "json: unknown field ")
		name, uerr := strconv.Unquote(quoted)
		if uerr != nil {
			name = strings.Trim(quoted, `"`)
		}
		return errorf(codeInvalidField, jsonpath.Unknown(data, reflect.TypeFor[request](), name), "unknown field %q", truncate(name))
	}
	return errorf(codeInvalidJSON, "", "the message is not valid JSON: %v", err)
}

// describeType names what a field holds, for type errors.
func describeType(field string) string {
	switch {
	case field == "bbox":
		return "an array of four numbers [minLon, minLat, maxLon, maxLat]"
	case field == "resume":
		return "a sequence number (a non-negative integer)"
	case field == "layers" || strings.HasPrefix(field, "filters.") && field != "filters.overdue" && field != "filters.on_duty":
		return "an array of strings"
	case field == "filters.overdue" || field == "filters.on_duty":
		return "true or false"
	case field == "filters":
		return "an object"
	}
	return "a string"
}

func checkID(id string) *protoError {
	if id == "" {
		return errorf(codeMissingField, "id", "id is required: the client's name for the subscription")
	}
	if len(id) > maxIDLen {
		return errorf(codeInvalidField, "id", "id is %d bytes long, the limit is %d", len(id), maxIDLen)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
			return errorf(codeInvalidField, "id", "id may hold only letters, digits and - _ . :")
		}
	}
	return nil
}

func (req *request) checkSubscribe() *protoError {
	if err := checkID(req.ID); err != nil {
		return err
	}
	if len(req.Layers) == 0 {
		return errorf(codeMissingField, "layers", "layers is required: any of orders, alarms, patrols")
	}
	for i, l := range req.Layers {
		if _, ok := live.ParseLayer(l); !ok {
			return errorf(codeInvalidField, fmt.Sprintf("layers[%d]", i), "layer %q is not one of orders, alarms, patrols", truncate(l))
		}
	}
	if req.BBox != nil {
		if err := checkBBox(req.BBox); err != nil {
			return err
		}
	}
	if req.Area != "" {
		if err := live.CheckAreaCode(req.Area); err != nil {
			return errorf(codeInvalidField, "area", "%v", err)
		}
	}
	if req.Filters != nil {
		return checkFilters(req.Filters)
	}
	return nil
}

func checkBBox(b []float64) *protoError {
	if len(b) != 4 {
		return errorf(codeInvalidField, "bbox", "bbox has %d numbers, it needs four: [minLon, minLat, maxLon, maxLat]", len(b))
	}
	names := [4]string{"minLon", "minLat", "maxLon", "maxLat"}
	for i, v := range b {
		limit := 180.0
		if i%2 == 1 {
			limit = 90
		}
		if math.IsNaN(v) || v < -limit || v > limit {
			return errorf(codeInvalidField, "bbox", "%s %v is out of range -%v..%v (bbox is [minLon, minLat, maxLon, maxLat])", names[i], v, limit, limit)
		}
	}
	if b[0] > b[2] {
		return errorf(codeInvalidField, "bbox", "minLon %v is greater than maxLon %v", b[0], b[2])
	}
	if b[1] > b[3] {
		return errorf(codeInvalidField, "bbox", "minLat %v is greater than maxLat %v", b[1], b[3])
	}
	return nil
}

func checkFilters(f *live.Filters) *protoError {
	check := func(field string, codes []string, c event.Catalogue, also event.Catalogue) *protoError {
		for i, code := range codes {
			if !c.Has(code) && (also == nil || !also.Has(code)) {
				return errorf(codeInvalidField, fmt.Sprintf("filters.%s[%d]", field, i), "%q is not a known %s code", truncate(code), strings.TrimSuffix(field, "s"))
			}
		}
		return nil
	}
	for _, c := range []struct {
		field string
		codes []string
		cat   event.Catalogue
		also  event.Catalogue
	}{
		{"states", strs(f.States), event.States, nil},
		{"categories", f.Categories, event.Categories, event.Classes},
		{"priorities", strs(f.Priorities), event.Priorities, nil},
		{"severities", strs(f.Severities), event.Severities, nil},
		{"kinds", strs(f.Kinds), event.AlarmKinds, nil},
		{"roles", strs(f.Roles), event.Roles, nil},
	} {
		if err := check(c.field, c.codes, c.cat, c.also); err != nil {
			return err
		}
	}
	return nil
}

func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// truncate keeps echoed client text short.
func truncate(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	cut := 0
	for i := range s { // at a rune boundary
		if i > limit {
			break
		}
		cut = i
	}
	return s[:cut] + "…"
}

// query is the live query a subscribe request asks for, within scope.
func (req *request) query(scope string) live.Query {
	q := live.Query{Area: req.Area, Scope: scope}
	for _, l := range req.Layers {
		q.Layers |= live.LayersOf(live.Layer(l))
	}
	if req.BBox != nil {
		b := orb.Bound{Min: orb.Point{req.BBox[0], req.BBox[1]}, Max: orb.Point{req.BBox[2], req.BBox[3]}}
		q.BBox = &b
	}
	if req.Filters != nil {
		q.Filters = *req.Filters
	}
	return q
}
