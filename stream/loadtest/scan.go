package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// The clients share two cores with the server, so they do not decode
// every message: deltas and patrol batches, nearly all of the traffic, are
// scanned for the few fields the load test needs in the order the server
// writes them (docs/live-protocol.md), and anything else — or a delta in
// another shape — is decoded with encoding/json.

// op is the kind of a server message.
type op uint8

const (
	opDelta op = iota
	opPatrols
	opSnapshot
	opResync
	opResumed
	opPong
	opError
	opOther
	opCount
)

var opNames = [opCount]string{"delta", "patrols", "snapshot", "resync", "resumed", "pong", "error", "other"}

var (
	deltaPrefix    = []byte(`{"op":"delta","sub":"`)
	patrolsPrefix  = []byte(`{"op":"patrols","sub":"`)
	snapshotPrefix = []byte(`{"op":"snapshot","sub":"`)
)

// delta is what the load test reads from a delta.
type delta struct {
	sub     []byte
	hasSeq  bool // false for a clock-made delta (an order became overdue)
	seq     uint64
	prev    uint64
	layer   layers
	key     []byte
	removed bool
	// stamp is the send time carried in the order's title or alarm's
	// message (see stampMarker), 0 when there is none.
	stamp int64
}

var (
	orderStamp = []byte(`"title":"` + stampMarker)
	alarmStamp = []byte(`"message":"` + stampMarker)
)

// scanDelta reads a delta written the way the hub writes it; ok is false
// when the line has another shape.
func scanDelta(line []byte, d *delta) bool {
	*d = delta{}
	rest, ok := bytes.CutPrefix(line, deltaPrefix)
	if !ok {
		return false
	}
	if d.sub, rest, ok = cutString(rest); !ok {
		return false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"seq":`)); ok {
		d.hasSeq = true
		if d.seq, rest, ok = cutUint(rest); !ok {
			return false
		}
		if rest, ok = bytes.CutPrefix(rest, []byte(`,"prev":`)); !ok {
			return false
		}
		if d.prev, rest, ok = cutUint(rest); !ok {
			return false
		}
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"layer":"`)); !ok {
		return false
	}
	var stamp []byte
	switch {
	case bytes.HasPrefix(rest, []byte(`orders"`)):
		d.layer, rest, stamp = layerOrders, rest[len(`orders"`):], orderStamp
	case bytes.HasPrefix(rest, []byte(`alarms"`)):
		d.layer, rest, stamp = layerAlarms, rest[len(`alarms"`):], alarmStamp
	default:
		return false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"key":"`)); !ok {
		return false
	}
	if d.key, rest, ok = cutString(rest); !ok {
		return false
	}
	switch {
	case bytes.HasPrefix(rest, []byte(`,"removed":true`)):
		d.removed = true
	case bytes.HasPrefix(rest, []byte(`,"removed":false`)):
		if i := bytes.Index(rest, stamp); i >= 0 {
			d.stamp, _, _ = cutInt(rest[i+len(stamp):])
		}
	default:
		return false
	}
	return true
}

// cutString reads the rest of a JSON string whose opening quote has been
// read, up to its closing quote; strings with escapes are left to the
// decoder.
func cutString(b []byte) (s, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '"')
	if i < 0 || bytes.IndexByte(b[:i], '\\') >= 0 {
		return nil, nil, false
	}
	return b[:i], b[i+1:], true
}

func cutUint(b []byte) (v uint64, rest []byte, ok bool) {
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if i == 19 {
			return 0, nil, false // would overflow
		}
		v = v*10 + uint64(b[i]-'0')
	}
	return v, b[i:], i > 0
}

func cutInt(b []byte) (int64, []byte, bool) {
	v, rest, ok := cutUint(b)
	return int64(v), rest, ok
}

// deltaJSON is a delta as encoding/json reads it.
type deltaJSON struct {
	Sub     string  `json:"sub"`
	Seq     *uint64 `json:"seq"`
	Prev    *uint64 `json:"prev"`
	Layer   string  `json:"layer"`
	Key     string  `json:"key"`
	Removed bool    `json:"removed"`
	Data    struct {
		Title   string `json:"title"`
		Message string `json:"message"`
	} `json:"data"`
}

// decodeDelta reads a delta of any shape; the slow path of scanDelta.
func decodeDelta(line []byte, d *delta) error {
	var m deltaJSON
	if err := json.Unmarshal(line, &m); err != nil {
		return fmt.Errorf("delta: %w", err)
	}
	*d = delta{sub: []byte(m.Sub), key: []byte(m.Key), removed: m.Removed}
	if m.Seq != nil && m.Prev != nil {
		d.hasSeq, d.seq, d.prev = true, *m.Seq, *m.Prev
	}
	text := m.Data.Title
	switch m.Layer {
	case "orders":
		d.layer = layerOrders
	case "alarms":
		d.layer, text = layerAlarms, m.Data.Message
	default:
		return fmt.Errorf("delta: unknown layer %q", m.Layer)
	}
	if rest, ok := bytes.CutPrefix([]byte(text), []byte(stampMarker)); ok && !d.removed {
		d.stamp, _, _ = cutInt(rest)
	}
	return nil
}

var (
	atField      = []byte(`"at":"`)
	updatedField = []byte(`"updated":"`)
)

// scanPatrols reads a patrol batch: the subscription, the batch's time
// (Unix milliseconds) and each worker's report time, handed to fn. It
// returns the number of workers; ok is false when the line has another
// shape.
func scanPatrols(line []byte, fn func(updatedMs int64)) (sub []byte, atMs int64, workers int, ok bool) {
	rest, ok := bytes.CutPrefix(line, patrolsPrefix)
	if !ok {
		return nil, 0, 0, false
	}
	if sub, rest, ok = cutString(rest); !ok {
		return nil, 0, 0, false
	}
	i := bytes.Index(rest, atField)
	if i < 0 {
		return nil, 0, 0, false
	}
	rest = rest[i+len(atField):]
	if atMs, ok = parseMillis(rest); !ok {
		return nil, 0, 0, false
	}
	for {
		i := bytes.Index(rest, updatedField)
		if i < 0 {
			return sub, atMs, workers, true
		}
		rest = rest[i+len(updatedField):]
		workers++
		if ms, ok := parseMillis(rest); ok {
			fn(ms)
		}
	}
}

// scanSnapshot reads a snapshot's subscription and seq from its head: a
// wall screen's snapshot holds every worker of the district, megabytes
// the load test need not decode. ok is false when the line has another
// shape.
func scanSnapshot(line []byte) (sub []byte, seq uint64, ok bool) {
	rest, ok := bytes.CutPrefix(line, snapshotPrefix)
	if !ok {
		return nil, 0, false
	}
	if sub, rest, ok = cutString(rest); !ok {
		return nil, 0, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"seq":`)); !ok {
		return nil, 0, false
	}
	seq, _, ok = cutUint(rest)
	return sub, seq, ok
}

// controlJSON is any other server message, as far as the load test
// cares.
type controlJSON struct {
	Op      string  `json:"op"`
	Sub     string  `json:"sub"`
	Seq     *uint64 `json:"seq"`
	Code    string  `json:"code"`
	Message string  `json:"message"`
	Reason  string  `json:"reason"`
}

func decodeControl(line []byte) (op, controlJSON, error) {
	var m controlJSON
	if err := json.Unmarshal(line, &m); err != nil {
		return opOther, m, fmt.Errorf("message: %w", err)
	}
	for o, name := range opNames {
		if name == m.Op {
			return op(o), m, nil
		}
	}
	return opOther, m, nil
}

// parseMillis reads the time at the start of b — RFC 3339 as the server
// writes it, "2026-05-12T08:16:00.500Z" — as Unix milliseconds, without
// the cost of time.Parse for the common shape.
func parseMillis(b []byte) (int64, bool) {
	end := bytes.IndexByte(b, '"')
	if end < 0 {
		return 0, false
	}
	s := b[:end]
	if len(s) == 24 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == '.' && s[23] == 'Z' {
		var f [7]int64
		for i, span := range [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 23}} {
			for _, c := range s[span[0]:span[1]] {
				if c < '0' || c > '9' {
					return 0, false
				}
				f[i] = f[i]*10 + int64(c-'0')
			}
		}
		if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 {
			return 0, false
		}
		days := daysFromCivil(f[0], f[1], f[2])
		return ((days*24+f[3])*60+f[4])*60_000 + f[5]*1000 + f[6], true
	}
	t, err := time.Parse(time.RFC3339Nano, string(s))
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

// daysFromCivil is the days since 1970-01-01 of a proleptic Gregorian
// date (H. Hinnant's algorithm), for years from 0 on.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
