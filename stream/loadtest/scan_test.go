package loadtest

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestScanDelta(t *testing.T) {
	tests := []struct {
		name string
		line string
		want delta
	}{
		{"order", `{"op":"delta","sub":"v","seq":3,"prev":2,"layer":"orders","key":"LTx-O1","removed":false,"data":{"order_id":"LTx-O1","state":"dispatched","title":"LT1700000000123456789 消防通道","seq":3}}`,
			delta{sub: []byte("v"), hasSeq: true, seq: 3, prev: 2, layer: layerOrders, key: []byte("LTx-O1"), stamp: 1700000000123456789}},
		{"alarm", `{"op":"delta","sub":"s1","seq":10,"prev":4,"layer":"alarms","key":"AL-88","removed":false,"data":{"alarm_id":"AL-88","message":"LT42 烟雾报警","seq":10}}`,
			delta{sub: []byte("s1"), hasSeq: true, seq: 10, prev: 4, layer: layerAlarms, key: []byte("AL-88"), stamp: 42}},
		{"removal", `{"op":"delta","sub":"v","seq":4,"prev":3,"layer":"alarms","key":"AL-88","removed":true}`,
			delta{sub: []byte("v"), hasSeq: true, seq: 4, prev: 3, layer: layerAlarms, key: []byte("AL-88"), removed: true}},
		{"clock-made, no seq", `{"op":"delta","sub":"v","layer":"orders","key":"WO1","removed":false,"data":{"order_id":"WO1","overdue":true,"seq":3}}`,
			delta{sub: []byte("v"), layer: layerOrders, key: []byte("WO1")}},
		{"a title without the stamp", `{"op":"delta","sub":"v","seq":5,"prev":4,"layer":"orders","key":"WO2","removed":false,"data":{"title":"小区消防通道被占用"}}`,
			delta{sub: []byte("v"), hasSeq: true, seq: 5, prev: 4, layer: layerOrders, key: []byte("WO2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fast, slow delta
			if !scanDelta([]byte(tt.line), &fast) {
				t.Fatal("scanDelta refused a delta in the hub's shape")
			}
			if err := decodeDelta([]byte(tt.line), &slow); err != nil {
				t.Fatal(err)
			}
			for _, got := range []delta{fast, slow} {
				if string(got.sub) != string(tt.want.sub) || got.hasSeq != tt.want.hasSeq || got.seq != tt.want.seq || got.prev != tt.want.prev ||
					got.layer != tt.want.layer || string(got.key) != string(tt.want.key) || got.removed != tt.want.removed || got.stamp != tt.want.stamp {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			}
		})
	}
}

// A delta in another field order is not read wrongly by the fast path:
// it is refused, and the decoder reads it.
func TestScanDeltaRefusesOtherShapes(t *testing.T) {
	for _, line := range []string{
		`{"op":"delta","seq":3,"sub":"v","prev":2,"layer":"orders","key":"K","removed":false,"data":{}}`,
		`{"op":"delta","sub":"v","seq":3,"prev":2,"key":"K","layer":"orders","removed":false,"data":{}}`,
		`{"op":"delta","sub":"v","seq":3,"prev":2,"layer":"orders","key":"K\"x","removed":false,"data":{}}`,
		`{"op":"delta","sub":"v","seq":3,"prev":2,"layer":"patrols","key":"K","removed":false}`,
		`{"op":"delta","sub":"v","seq":99999999999999999999,"prev":2,"layer":"orders","key":"K","removed":false}`,
	} {
		var d delta
		if scanDelta([]byte(line), &d) {
			t.Errorf("scanDelta accepted %s as %+v", line, d)
		}
	}
	var d delta
	line := `{"op":"delta","seq":3,"sub":"v","prev":2,"layer":"orders","key":"K","removed":false,"data":{"title":"LT77 x"}}`
	if err := decodeDelta([]byte(line), &d); err != nil || d.seq != 3 || d.prev != 2 || d.stamp != 77 || string(d.key) != "K" {
		t.Errorf("decodeDelta = %+v, %v", d, err)
	}
}

func TestScanPatrols(t *testing.T) {
	line := `{"op":"patrols","sub":"v","at":"2026-05-12T08:16:01.000Z","workers":[` +
		`{"worker_id":"GW-1","role":"grid_worker","on_duty":true,"heading":90,"speed":1.2,"location":[103.93,30.575],"area":{"street":"510116001","community":"510116001002"},"updated":"2026-05-12T08:16:00.500Z","status":"active"},` +
		`{"worker_id":"GW-2","role":"grid_worker","on_duty":true,"heading":0,"speed":1,"location":[103.9,30.5],"area":{"street":"510116001","community":"510116001002"},"updated":"2026-05-12T08:16:00.999Z","status":"active"}` +
		`],"gone":["GW-0107"]}`
	var updated []int64
	sub, at, n, ok := scanPatrols([]byte(line), func(ms int64) { updated = append(updated, ms) })
	if !ok || string(sub) != "v" || n != 2 {
		t.Fatalf("scanPatrols = %q, %d workers, %v", sub, n, ok)
	}
	ms := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	if at != ms("2026-05-12T08:16:01.000Z") {
		t.Errorf("at = %d", at)
	}
	if len(updated) != 2 || updated[0] != ms("2026-05-12T08:16:00.500Z") || updated[1] != ms("2026-05-12T08:16:00.999Z") {
		t.Errorf("updated = %v", updated)
	}
	if _, _, _, ok := scanPatrols([]byte(`{"op":"patrols","sub":"v","workers":[]}`), func(int64) {}); ok {
		t.Error("a batch without its time was accepted")
	}
}

// The fast time reader agrees with time.Parse on random instants, and
// falls back to it for other shapes.
func TestParseMillis(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		tm := time.UnixMilli(r.Int64N(4_102_444_800_000)).UTC() // 1970..2100
		s := tm.Format("2006-01-02T15:04:05.000Z07:00")
		got, ok := parseMillis([]byte(s + `"`))
		if !ok || got != tm.UnixMilli() {
			t.Fatalf("parseMillis(%s) = %d, %v; want %d", s, got, ok, tm.UnixMilli())
		}
	}
	for in, want := range map[string]int64{
		`2026-05-12T10:16:00.5+02:00"`: time.Date(2026, 5, 12, 8, 16, 0, 500e6, time.UTC).UnixMilli(),
		`2026-05-12T08:16:00Z"`:        time.Date(2026, 5, 12, 8, 16, 0, 0, time.UTC).UnixMilli(),
	} {
		if got, ok := parseMillis([]byte(in)); !ok || got != want {
			t.Errorf("parseMillis(%s) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{`2026-13-12T08:16:00.000Z"`, `nonsense"`, `2026-05-12T08:16:00.000Z`} {
		if _, ok := parseMillis([]byte(bad)); ok {
			t.Errorf("parseMillis(%s) accepted it", bad)
		}
	}
}

func TestScanSnapshot(t *testing.T) {
	sub, seq, ok := scanSnapshot([]byte(`{"op":"snapshot","sub":"v","seq":7,"orders":[],"patrols":[{"worker_id":"W"}]}`))
	if !ok || string(sub) != "v" || seq != 7 {
		t.Errorf("scanSnapshot = %q, %d, %v", sub, seq, ok)
	}
	for _, other := range []string{`{"op":"snapshot","seq":7,"sub":"v"}`, `{"op":"snapshot","sub":"v","seq":x}`, `{"op":"resync","sub":"v"}`} {
		if _, _, ok := scanSnapshot([]byte(other)); ok {
			t.Errorf("scanSnapshot accepted %s", other)
		}
	}
}

func TestDecodeControl(t *testing.T) {
	tests := []struct {
		line string
		want op
	}{
		{`{"op":"snapshot","sub":"v","seq":7,"orders":[],"patrols":[]}`, opSnapshot},
		{`{"op":"resync","sub":"v","reason":"slow_consumer"}`, opResync},
		{`{"op":"resumed","sub":"v","seq":4}`, opResumed},
		{`{"op":"pong"}`, opPong},
		{`{"op":"error","code":"invalid_field","field":"bbox","message":"bad"}`, opError},
		{`{"op":"unsubscribed","sub":"v"}`, opOther},
	}
	for _, tt := range tests {
		got, _, err := decodeControl([]byte(tt.line))
		if err != nil || got != tt.want {
			t.Errorf("decodeControl(%s) = %s, %v; want %s", tt.line, opNames[got], err, opNames[tt.want])
		}
	}
	if _, _, err := decodeControl([]byte(`{"op":`)); err == nil {
		t.Error("broken JSON was read")
	}
}
