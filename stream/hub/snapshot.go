package hub

import (
	"slices"
	"strconv"

	fastjson "github.com/goccy/go-json"

	"github.com/gridpulse/gridpulse/stream/live"
)

// snapshot is a snapshot of the live state made ready for a subscription's
// writer: each order and alarm paired with the change that made its view,
// whose bytes the hub encodes once for the deltas anyway, and each worker
// with its board entry's bytes. A wall screen's snapshot holds every order,
// alarm and worker of the district, so a resync costs copies, not tens of
// thousands of encodings.
type snapshot struct {
	seq            uint64
	layers         live.LayerSet
	orders, alarms []encodable
	workers        []*worker
}

// encodable is a view and, when the hub has it, the change whose view it
// is; a view the hub has seen no change for (restored before it started)
// is encoded on its own.
type encodable struct {
	view live.View
	ch   *change
}

func (e encodable) json() ([]byte, error) {
	if e.ch != nil {
		return e.ch.viewJSON()
	}
	return fastjson.Marshal(e.view)
}

// viewKey names one order or alarm among the hub's latest changes.
type viewKey struct {
	layer live.Layer
	key   string
}

// noteLatest keeps the change that made the current view of each open
// order and active alarm; called under the hub's lock.
func (h *Hub) noteLatest(ch *change) {
	k := viewKey{ch.Layer, ch.Key}
	if ch.Removed {
		delete(h.latest, k)
		return
	}
	h.latest[k] = ch
}

// readySnapshot pairs a snapshot's views with the changes that made them;
// called under the hub's lock, which keeps latest in step with the state.
func (h *Hub) readySnapshot(snap *live.Snapshot, layers live.LayerSet, workers []*worker) *snapshot {
	out := &snapshot{seq: snap.Seq, layers: layers, workers: workers}
	pair := func(v live.View) encodable {
		if ch := h.latest[viewKey{v.Layer(), v.ID()}]; ch != nil && ch.View == v {
			return encodable{view: v, ch: ch}
		}
		return encodable{view: v}
	}
	if layers.Has(live.Orders) {
		out.orders = make([]encodable, 0, len(snap.Orders))
		for _, o := range snap.Orders {
			out.orders = append(out.orders, pair(o))
		}
	}
	if layers.Has(live.Alarms) {
		out.alarms = make([]encodable, 0, len(snap.Alarms))
		for _, a := range snap.Alarms {
			out.alarms = append(out.alarms, pair(a))
		}
	}
	return out
}

// appendSnapshot writes the snapshot message for subscription id; a layer
// the subscription did not ask for is left out, an asked-for empty one is
// [].
func appendSnapshot(dst []byte, id string, s *snapshot) ([]byte, error) {
	// A wall screen's snapshot runs to megabytes: gather the parts first
	// and grow dst once.
	layers := []struct {
		layer live.Layer
		name  string
		parts [][]byte
	}{{live.Orders, "orders", nil}, {live.Alarms, "alarms", nil}, {live.Patrols, "patrols", nil}}
	size := 64 + len(id)
	for i, views := range [][]encodable{s.orders, s.alarms} {
		for _, v := range views {
			b, err := v.json()
			if err != nil {
				return dst, err
			}
			layers[i].parts = append(layers[i].parts, b)
			size += len(b) + 1
		}
	}
	for _, w := range s.workers {
		b := w.bytes()
		layers[2].parts = append(layers[2].parts, b)
		size += len(b) + 1
	}
	dst = slices.Grow(dst, size)
	dst = append(dst, `{"op":"snapshot","sub":"`...)
	dst = append(dst, id...)
	dst = append(dst, `","seq":`...)
	dst = strconv.AppendUint(dst, s.seq, 10)
	for _, l := range layers {
		if !s.layers.Has(l.layer) {
			continue
		}
		dst = append(dst, `,"`...)
		dst = append(dst, l.name...)
		dst = append(dst, `":[`...)
		for i, b := range l.parts {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, b...)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}
