package hub

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"time"

	fastjson "github.com/goccy/go-json"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Server messages are written by hand where they are sent often (deltas,
// patrol batches, snapshots) so that the part shared by every receiver is
// encoded once, and with encoding/json where they are rare (errors,
// control). Views, tens of thousands a second, are encoded by goccy/go-json,
// twice as fast as encoding/json and byte for byte the same.

// change is an order or alarm change made ready for every subscription:
// the tail of its delta message, encoded once, the first time a
// subscription needs it, and shared.
type change struct {
	live.Change
	// at and oldAt are where View and Old are, read once for every
	// subscription the change is matched against.
	at, oldAt live.Place

	once sync.Once
	// data is the view's JSON, shared with snapshots.
	data []byte
	// body is the delta's tail after the per-subscription head:
	// `"layer":…,"key":…,"removed":false,"data":{…}}`; removal is the same
	// with "removed":true and no data, sent when the thing left the state
	// or left a subscription's selection.
	body, removal []byte
	err           error
}

func newChange(lc live.Change) *change {
	c := &change{Change: lc, at: live.PlaceOf(lc.View)}
	if lc.Old != nil {
		c.oldAt = live.PlaceOf(lc.Old)
	}
	return c
}

// places are where fan-out looks for interested subscriptions: the new
// view's place, and the old one's when the thing moved.
func (c *change) places() []live.Place {
	if c.Old == nil || c.oldAt.Location == c.at.Location && *c.oldAt.Area == *c.at.Area {
		return []live.Place{c.at}
	}
	return []live.Place{c.at, c.oldAt}
}

func (c *change) encode() {
	key, err := json.Marshal(c.Key)
	if err != nil {
		c.err = err
		return
	}
	head := make([]byte, 0, 64)
	head = append(head, `"layer":"`...)
	head = append(head, c.Layer...)
	head = append(head, `","key":`...)
	head = append(head, key...)
	c.removal = append(append([]byte(nil), head...), `,"removed":true}`...)
	if !c.Removed {
		if c.data, c.err = fastjson.Marshal(c.View); c.err != nil {
			return
		}
		c.body = append(append(head, `,"removed":false,"data":`...), c.data...)
		c.body = append(c.body, '}')
	}
}

// viewJSON is the change's view encoded, for snapshots; only for a change
// that did not remove its view.
func (c *change) viewJSON() ([]byte, error) {
	c.once.Do(c.encode)
	return c.data, c.err
}

// tail is the shared tail of the change's delta, or of its removal.
func (c *change) tail(removal bool) ([]byte, error) {
	c.once.Do(c.encode)
	if removal {
		return c.removal, c.err
	}
	return c.body, c.err
}

// derived tells a change made by the clock (an order became overdue):
// its delta has no sequence number.
func (c *change) derived() bool { return c.Seq == 0 }

// appendDelta writes one delta for subscription id: the head with the
// sequence numbers (none for a derived change), then the shared tail.
func appendDelta(dst []byte, id string, c *change, prev uint64, removal bool) ([]byte, error) {
	tail, err := c.tail(removal)
	if err != nil {
		return dst, err
	}
	dst = append(dst, `{"op":"delta","sub":"`...)
	dst = append(dst, id...)
	dst = append(dst, `",`...)
	if !c.derived() {
		dst = append(dst, `"seq":`...)
		dst = strconv.AppendUint(dst, c.Seq, 10)
		dst = append(dst, `,"prev":`...)
		dst = strconv.AppendUint(dst, prev, 10)
		dst = append(dst, ',')
	}
	return append(dst, tail...), nil
}

// worker is a worker's view shared by every subscription it goes to,
// encoded the first time one of them needs it.
type worker struct {
	view *live.Worker
	once sync.Once
	json []byte
}

func (w *worker) bytes() []byte {
	w.once.Do(func() {
		// A view of plain fields always encodes.
		w.json, _ = fastjson.Marshal(w.view)
	})
	return w.json
}

// appendPatrols writes a patrol batch: the latest view of each worker
// that changed in the subscription's selection, and the ids of those that
// left it; or, full, the whole selection.
func appendPatrols(dst []byte, id string, at time.Time, pb patrolBatch) []byte {
	dst = append(dst, `{"op":"patrols","sub":"`...)
	dst = append(dst, id...)
	dst = append(dst, `","at":`...)
	t, _ := event.Time{Time: at}.MarshalJSON() // a time always encodes
	dst = append(dst, t...)
	if pb.full {
		dst = append(dst, `,"full":true`...)
	}
	// A wall screen's batch holds every worker of the district: grow dst
	// once rather than doubling through megabytes.
	size := 64 + len(id)
	for _, w := range pb.workers {
		size += len(w.bytes()) + 1
	}
	for _, g := range pb.gone {
		size += len(g) + 3
	}
	dst = slices.Grow(dst, size)
	dst = append(dst, `,"workers":[`...)
	for i, w := range pb.workers {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, w.bytes()...)
	}
	dst = append(dst, `],"gone":[`...)
	for i, g := range pb.gone {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendQuote(dst, g)
	}
	return append(dst, "]}"...)
}

// control messages, encoded with encoding/json.
type (
	pongMsg struct {
		Op string `json:"op"`
	}
	subMsg struct {
		Op  string `json:"op"`
		Sub string `json:"sub"`
	}
	resyncMsg struct {
		Op     string `json:"op"`
		Sub    string `json:"sub"`
		Reason string `json:"reason"`
	}
	resumedMsg struct {
		Op  string `json:"op"`
		Sub string `json:"sub"`
		Seq uint64 `json:"seq"`
	}
)

// controlJSON encodes one of the plain structs above, which always
// encode.
func controlJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
