package event

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

const goodOrder = `{"id":"e1","type":"order","time":"2026-11-21T07:59:00.000Z","location":[103.92,30.57],
 "order":{"order_id":"WO1","state":"received","channel":"hotline_12345","category":"environment.parking","priority":"normal","title":"车位被占"}}`
const goodPatrol = `{"id":"e2","type":"patrol","time":"2026-11-21T07:59:30+08:00","location":[103.9,30.5],"crs":"gcj02",
 "patrol":{"worker_id":"GW-7","role":"grid_worker","on_duty":true,"heading":90,"speed":1.2,"battery":80}}`
const goodAlarm = `{"id":"e3","type":"alarm","time":"2026-11-21T07:59:59.123Z","location":[103.93,30.58],
 "alarm":{"alarm_id":"AL1","device_id":"EL-1","device_type":"elevator","kind":"trapped_person","severity":"critical","action":"raise"}}`

func TestDecodeBatchForms(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		count int
	}{
		{"array", "[" + goodOrder + "," + goodPatrol + "," + goodAlarm + "]", 3},
		{"ndjson", oneLine(goodOrder) + "\n\n" + oneLine(goodPatrol) + "\r\n" + oneLine(goodAlarm) + "\n", 3},
		{"single ndjson line", oneLine(goodAlarm), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := DecodeBatch([]byte(tt.body), 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != tt.count {
				t.Fatalf("%d items, want %d", len(items), tt.count)
			}
			for _, it := range items {
				if it.Err != nil {
					t.Fatalf("item %d: %v", it.Index, it.Err)
				}
				if err := it.Event.Validate(testNow, DefaultLimits); err != nil {
					t.Fatalf("item %d: %v", it.Index, err)
				}
			}
		})
	}
}

func TestDecodeBatchRejectsTheWholeBatch(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"empty", "  \n", "no events"},
		{"empty array", "[]", "no events"},
		{"broken array", "[" + goodOrder + ",", "not a JSON array"},
		{"too many", "[" + strings.Repeat(goodOrder+",", 3) + goodOrder + "]", "more than 3"},
		{"too many lines", strings.Repeat(oneLine(goodOrder)+"\n", 4), "more than 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeBatch([]byte(tt.body), 3)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestDecodeOneNamesTheField(t *testing.T) {
	tests := []struct {
		name, body, field string
	}{
		{"not an object", `[1,2]`, ""},
		{"unknown field", `{"id":"x","colour":"red"}`, "colour"},
		{"unknown field in the payload", `{"id":"x","patrol":{"worker_id":"W","nickname":"x"}}`, "patrol.nickname"},
		{"unknown field in a payload named in capitals", `{"id":"x","Alarm":{"colour":"red"}}`, "Alarm.colour"},
		{"unknown field of a known name, nested", `{"order":{"id":"x"}}`, "order.id"},
		{"unknown empty key", `{"":1}`, `""`},
		{"unknown key with a control character", `{"id":"x","order":{"\u007f":1}}`, "order.\x7f"},
		{"unknown field, then more", `{"alarm":{"colour":"red"}} 0`, "alarm.colour"},
		{"string latitude", `{"id":"x","location":[103.9,"30.5"]}`, "location"},
		{"three numbers", `{"id":"x","location":[103.9,30.5,10]}`, "location"},
		{"location object", `{"id":"x","location":{"lon":1,"lat":2}}`, "location"},
		{"bad time", `{"id":"x","time":"yesterday"}`, "time"},
		{"numeric time", `{"id":"x","time":1700000000}`, "time"},
		{"bad deadline", `{"id":"x","order":{"deadline":"soon"}}`, "order.deadline"},
		{"speed as string", `{"id":"x","patrol":{"speed":"fast"}}`, "patrol.speed"},
		{"on_duty as number", `{"id":"x","patrol":{"on_duty":1}}`, "patrol.on_duty"},
		{"broken json", `{"id":"x",`, ""},
		{"two values", `{"id":"x"} {"id":"y"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeOne([]byte(tt.body))
			if err == nil {
				t.Fatal("decoded a bad event")
			}
			if err.Field != tt.field {
				t.Fatalf("field = %q (%s), want %q", err.Field, err.Message, tt.field)
			}
			if err.Message == "" {
				t.Fatal("no message")
			}
		})
	}
}

func TestTimeMarshalsWithMilliseconds(t *testing.T) {
	b, err := Time{time.Date(2026, 11, 21, 16, 4, 5, 0, time.FixedZone("CST", 8*3600))}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `"2026-11-21T08:04:05.000Z"`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "") }

// The fast decoder and encoding/json agree on what is an event: for every
// input, both refuse it or both read the same event.
func TestFastDecoderAgreesWithEncodingJSON(t *testing.T) {
	const ok = `{"id":"e1","type":"patrol","time":"2026-11-21T08:30:00.123Z","location":[103.93,30.57],"patrol":{"worker_id":"W1","role":"grid_worker","on_duty":true,"heading":1,"speed":2}}`
	inputs := []string{
		ok,
		`{"ID":"e1","Type":"patrol","time":"2026-11-21T08:30:00Z","location":[103.93,30.57],"patrol":{"worker_id":"W1","role":"grid_worker","on_duty":true}}`,
		`{"id":"e1","id":"e2","type":"order","time":"2026-11-21T08:30:00Z","location":[1,2]}`,
		`{"id":"e1","type":"order","time":"2026-11-21T08:30:00Z","location":[1,2],"extra":1}`,
		`{"id":"e1","type":"patrol","time":"2026-11-21T08:30:00Z","location":[1,2],"patrol":{"worker_id":"W1","nickname":"x"}}`,
		`{"id":"e1","type":"order","time":"2026-11-21T08:30:00Z","location":["103.9","30.5"]}`,
		`{"id":"e1","type":"order","time":"2026-11-21T08:30:00Z","location":[103.9,30.5,7]}`,
		`{"id":"e1","type":"order","time":"2026-11-21T08:30:00Z","location":[NaN,30.5]}`,
		`{"id":"e1","type":"order","time":"2026-11-21T08:30:00Z","location":[1e400,30.5]}`,
		`{"id":"e1","type":"order","time":"2026-11-21T08:30:00Z","location":null}`,
		`{"id":"e1","type":"order","time":"yesterday","location":[1,2]}`,
		`{"id":"e1","type":"order","time":1700000000,"location":[1,2]}`,
		`{"id":"e1","type":"order","time":"2026-11-21T08:30:00Z","location":[1,2]} {}`,
		`{"id":"e1","type":"order","time":"2026-11-21T08:30:00Z","location":[1,2]`,
		`{"id":"e\xff1","type":"order","time":"2026-11-21T08:30:00Z","location":[1,2]}`,
		`{"id":17,"type":"order","time":"2026-11-21T08:30:00Z","location":[1,2]}`,
		`{"id":"e1","type":"alarm","time":"2026-11-21T08:30:00Z","location":[1,2],"alarm":{"severity":3}}`,
		`[]`, `"event"`, `null`, ``,
	}
	for _, in := range inputs {
		fast, fastErr := DecodeOne([]byte(in))
		std, stdErr := decodeExplained([]byte(in))
		if (fastErr == nil) != (stdErr == nil) {
			t.Errorf("%s:\nDecodeOne error %v, encoding/json error %v", in, fastErr, stdErr)
			continue
		}
		if fastErr == nil && !reflect.DeepEqual(fast, std) {
			t.Errorf("%s:\nDecodeOne read %+v, encoding/json %+v", in, fast, std)
		}
	}
}
