package event

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gridpulse/gridpulse/event/jsonpath"
	"github.com/gridpulse/gridpulse/geo/crs"
)

// fuzzMaxItems is the batch bound the fuzz targets decode with: small, so
// the fuzzer reaches the "too many" refusal.
const fuzzMaxItems = 8

// FuzzDecodeBatch feeds DecodeBatch and Validate arbitrary bodies, JSON
// arrays and NDJSON alike. Whatever the body:
//   - nothing panics;
//   - a refusal of the whole batch names the field "events";
//   - every item is either an event or a refusal, indexed in order;
//   - a refused item names the field at fault, or is not a single JSON
//     object at all (then the item itself is at fault, and ingest names it
//     events[i]);
//   - the fast decoder and encoding/json read every item alike;
//   - an event that decodes and validates, written out and read again,
//     decodes and validates again, to the same bytes.
//
// The seed corpus is in testdata/fuzz/FuzzDecodeBatch and below; `go test`
// runs it.
func FuzzDecodeBatch(f *testing.F) {
	for _, seed := range []string{
		"[" + goodOrder + "," + goodPatrol + "," + goodAlarm + "]",
		oneLine(goodOrder) + "\n" + oneLine(goodPatrol) + "\r\n\n" + oneLine(goodAlarm),
		"[" + strings.Repeat(goodOrder+",", fuzzMaxItems) + goodOrder + "]",
		`[{"id":"x","type":"order","time":"2026-11-21T07:59:00Z","location":[NaN,30.5]}]`,
		`[{"id":"x","type":"order","time":"2026-11-21T07:59:00Z","location":[30.57,103.92],"order":{"order_id":"W","state":"received"}}]`,
		`[{"id":"x","type":"order","time":"2999-01-01T00:00:00Z","location":[103.92,30.57]}]`,
		`[{"id":"x","type":"truck","time":"2026-11-21T07:59:00Z","location":[103.92,30.57]}]`,
		`[{"id":"x","type":"patrol","time":"2026-11-21T07:59:00Z","location":[103.92,30.57],"crs":"epsg:3857"}]`,
		`[{"id":"x","type":"patrol","time":"2026-11-21T07:59:00Z","location":[103.92,30.57],"patrol":{"worker_id":"W","role":"grid_worker","heading":360,"speed":1}}]`,
		`[{"id":"x","type":"alarm","time":"2026-11-21T07:59:00Z","location":[103.92,30.57],"alarm":{"alarm_id":"A","device_id":"D","device_type":"smoke","kind":"trapped_person","severity":"critical","action":"raise"}}]`,
		`[{"id":"x","order":{"escalations":1e2}}]`,
		`[{"id":"x","ID":"y","Type":"order"}]`,
		`{"id":"x"} {"id":"y"}` + "\n" + `{"id":`,
		"[" + goodOrder + ",",
		`[1, "two", null, [], {}]`,
		"\n \t",
		"\xef\xbb\xbf[]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := DecodeBatch(body, fuzzMaxItems)
		if err != nil {
			be, ok := err.(*BatchError)
			if !ok || be.Field != "events" || be.Message == "" {
				t.Fatalf("batch refusal %#v does not name the field events", err)
			}
			if items != nil {
				t.Fatalf("a refused batch returned %d items", len(items))
			}
			return
		}
		if len(items) == 0 || len(items) > fuzzMaxItems {
			t.Fatalf("%d items in an accepted batch, want 1..%d", len(items), fuzzMaxItems)
		}
		for i, it := range items {
			if it.Index != i {
				t.Fatalf("item %d has index %d", i, it.Index)
			}
			if (it.Event == nil) == (it.Err == nil) {
				t.Fatalf("item %d: event %v and error %v: want exactly one", i, it.Event, it.Err)
			}
			if it.Err != nil {
				checkRefusal(t, it.Err)
				continue
			}
			checkEvent(t, it.Event)
		}
	})
}

// FuzzDecodeOne feeds one item to both decoders, so the fuzzer can work
// on the inside of an event without the batch's framing.
func FuzzDecodeOne(f *testing.F) {
	for _, seed := range []string{goodOrder, goodPatrol, goodAlarm,
		`{"id":"x","location":[103.9,"30.5"]}`,
		`{"id":"x","location":[103.9,30.5,10]}`,
		`{"id":"x","time":1700000000}`,
		`{"id":"x","order":{"deadline":"soon"}}`,
		`{"id":"x","patrol":{"on_duty":1}}`,
		`{"id":"e\xff1","type":"order"}`,
		`{"id":"x","order":{"title":"a\u0000b"}}`,
		`{"id":"x","location":[1e400,30.5]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, ferr := DecodeOne(raw)
		if (e == nil) == (ferr == nil) {
			t.Fatalf("event %v and error %v: want exactly one", e, ferr)
		}
		if ferr != nil {
			checkRefusal(t, ferr)
			if ferr.Field == "" {
				checkWholeItemAtFault(t, raw, ferr)
			}
			if strings.HasPrefix(ferr.Message, "unknown field ") && !jsonpath.Has(raw, ferr.Field) {
				t.Fatalf("%q: refusal %q names %q, which is not in the event", raw, ferr.Message, ferr.Field)
			}
		}
		std, stdErr := decodeExplained(raw)
		if (ferr == nil) != (stdErr == nil) {
			t.Fatalf("DecodeOne error %v, encoding/json error %v", ferr, stdErr)
		}
		if e == nil {
			return
		}
		if !reflect.DeepEqual(e, std) {
			t.Fatalf("DecodeOne read %+v, encoding/json %+v", e, std)
		}
		checkEvent(t, e)
	})
}

// checkRefusal holds a refusal to the error shape: a code, a message, and
// a field whenever one is to blame.
func checkRefusal(t *testing.T, ferr *FieldError) {
	t.Helper()
	if ferr.Code != "invalid_field" && ferr.Code != "missing_field" {
		t.Fatalf("refusal %+v has code %q", ferr, ferr.Code)
	}
	if ferr.Message == "" {
		t.Fatalf("refusal %+v has no message", ferr)
	}
}

// checkWholeItemAtFault is the rule for a refusal that names no field: the
// item is not one JSON object, so no field of it can be named.
func checkWholeItemAtFault(t *testing.T, raw []byte, ferr *FieldError) {
	t.Helper()
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if dec.Decode(&obj) == nil && !dec.More() && obj != nil {
		t.Fatalf("%q is one JSON object, but its refusal %q names no field", raw, ferr.Message)
	}
}

// checkEvent validates a decoded event; one that is valid must survive
// being written out and read back, as the bus and its consumers do.
func checkEvent(t *testing.T, e *Event) {
	t.Helper()
	verr := e.Validate(testNow, DefaultLimits)
	if verr != nil {
		if verr.Field == "" {
			t.Fatalf("validation refusal %+v names no field", verr)
		}
		checkRefusal(t, verr)
		return
	}
	if _, err := crs.Parse(e.CRS); err != nil {
		return // ingest refuses it, naming crs
	}
	out, err := json.Marshal(e)
	if err != nil {
		t.Fatalf("a valid event does not encode: %v", err)
	}
	again, ferr := DecodeOne(out)
	if ferr != nil {
		t.Fatalf("a valid event, written as %s, does not decode: %v", out, ferr)
	}
	if verr := again.Validate(testNow, DefaultLimits); verr != nil {
		t.Fatalf("a valid event, written as %s, no longer validates: %v", out, verr)
	}
	if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
		t.Fatalf("an event written twice differs:\n%s\n%s", out, out2)
	}
}
