package hub

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/gridpulse/gridpulse/event/jsonpath"
	"github.com/gridpulse/gridpulse/stream/live"
)

// FuzzParseRequest feeds parseRequest arbitrary client messages. Whatever
// the message:
//   - nothing panics;
//   - it is either a request or a protocol error, never both or neither;
//   - a protocol error is an "error" message with a known code and a
//     message, which encodes as JSON; it names a field unless the message
//     is not one JSON object (invalid_json), and an unknown field it names
//     is in the message at that path;
//   - its sub, when set, is a valid subscription id;
//   - an accepted request has a known op, and a subscription a valid id,
//     known layers and a bounding box in range, and makes a live query.
//
// The seed corpus is in testdata/fuzz/FuzzParseRequest and below; `go test`
// runs it.
func FuzzParseRequest(f *testing.F) {
	for _, seed := range []string{
		`{"op":"subscribe","id":"s1","layers":["orders","alarms","patrols"],"bbox":[103.91,30.56,103.94,30.58]}`,
		`{"op":"subscribe","id":"street","layers":["orders"],"area":"510116001","filters":{"states":["dispatched","in_progress"],"overdue":true}}`,
		`{"op":"subscribe","id":"w","layers":["patrols"],"filters":{"on_duty":true,"roles":["grid_worker"]},"resume":42}`,
		`{"op":"subscribe","id":"a","layers":["alarms"],"filters":{"severities":["critical"],"kinds":["gas_leak"],"categories":["safety"]}}`,
		`{"op":"unsubscribe","id":"s1"}`,
		`{"op":"ping"}`,
		`{"op":"subscribe","id":"s1","layers":["orders"],"bbx":[1,2,3,4]}`,
		`{"op":"subscribe","id":"s1","layers":["orders"],"filters":{"id":"x"}}`,
		`{"op":"subscribe","id":"s1","layers":["orders"],"bbox":[104,30,103,31]}`,
		`{"op":"subscribe","id":"s1","layers":["orders"],"bbox":[103,30,104,91]}`,
		`{"op":"subscribe","id":"s1","layers":["orders"],"bbox":["a","b","c","d"]}`,
		`{"op":"subscribe","id":"s1","layers":["orders"],"resume":-1}`,
		`{"op":"subscribe","id":"a b","layers":["orders"]}`,
		`{"op":"publish","id":"s1"}`,
		`{"op":"ping"}{"op":"ping"}`,
		`{"OP":"Ping"}`,
		`[1,2]`,
		`nonsense`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, perr := parseRequest(data)
		if (req == nil) == (perr == nil) {
			t.Fatalf("request %+v and error %+v: want exactly one", req, perr)
		}
		if perr != nil {
			checkProtoError(t, data, perr)
			return
		}
		checkRequest(t, req)
	})
}

// protoCodes are the codes parseRequest may answer with.
var protoCodes = map[string]bool{codeInvalidJSON: true, codeUnknownOp: true, codeMissingField: true, codeInvalidField: true}

func checkProtoError(t *testing.T, data []byte, perr *protoError) {
	t.Helper()
	if perr.Op != "error" || !protoCodes[perr.Code] || perr.Message == "" {
		t.Fatalf("%q: error %+v is not an error message with a known code", data, perr)
	}
	if perr.Field == "" && perr.Code != codeInvalidJSON {
		t.Fatalf("%q: error %+v names no field", data, perr)
	}
	if perr.Sub != "" && checkID(perr.Sub) != nil {
		t.Fatalf("%q: error %+v carries an invalid sub", data, perr)
	}
	if !json.Valid(controlJSON(perr)) {
		t.Fatalf("%q: error %+v does not encode", data, perr)
	}
	if strings.HasPrefix(perr.Message, "unknown field ") && !jsonpath.Has(data, perr.Field) {
		t.Fatalf("%q: error %+v names a field that is not in the message", data, perr)
	}
}

func checkRequest(t *testing.T, req *request) {
	t.Helper()
	switch req.Op {
	case opPing:
		return
	case opUnsubscribe:
		if checkID(req.ID) != nil {
			t.Fatalf("accepted unsubscribe with id %q", req.ID)
		}
		return
	case opSubscribe:
	default:
		t.Fatalf("accepted op %q", req.Op)
	}
	if checkID(req.ID) != nil || len(req.Layers) == 0 {
		t.Fatalf("accepted subscription %+v without a valid id and layers", req)
	}
	for _, l := range req.Layers {
		if _, ok := live.ParseLayer(l); !ok {
			t.Fatalf("accepted layer %q", l)
		}
	}
	if req.BBox != nil {
		b := req.BBox
		if len(b) != 4 || b[0] > b[2] || b[1] > b[3] || math.Abs(b[0]) > 180 || math.Abs(b[2]) > 180 || math.Abs(b[1]) > 90 || math.Abs(b[3]) > 90 {
			t.Fatalf("accepted bbox %v", b)
		}
	}
	if req.Area != "" && live.CheckAreaCode(req.Area) != nil {
		t.Fatalf("accepted area %q", req.Area)
	}
	q := req.query("")
	if q.Layers == 0 {
		t.Fatalf("subscription %+v makes a query of no layers", req)
	}
}
