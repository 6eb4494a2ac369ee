package loadtest

import (
	"strconv"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// The send time of orders and alarms travels inside the event, in the
// order's title or the alarm's message, as "LT" and the Unix time in
// nanoseconds: the delta a client gets carries the view, and the view
// carries the title or message, so a client reads the send time from the
// delta itself without any shared table. The event's own time field has
// only milliseconds. The marker adds about 20 bytes to a view of several
// hundred and is text the server stores and forwards like any title.
const stampMarker = "LT"

// appendEvent writes one event as JSON, stamped with the time it is sent.
// Event ids are the run's prefix, "E" and the event number.
func appendEvent(dst []byte, p *planned, prefix string, sent time.Time) []byte {
	dst = append(dst, `{"id":"`...)
	dst = append(dst, prefix...)
	dst = append(dst, 'E')
	dst = strconv.AppendUint(dst, p.n, 10)
	dst = append(dst, `","type":"`...)
	dst = append(dst, kindNames[p.kind]...)
	dst = append(dst, `","time":"`...)
	dst = sent.UTC().AppendFormat(dst, event.TimeLayout)
	dst = append(dst, `","location":[`...)
	dst = strconv.AppendFloat(dst, p.pos[0], 'f', -1, 64)
	dst = append(dst, ',')
	dst = strconv.AppendFloat(dst, p.pos[1], 'f', -1, 64)
	dst = append(dst, "],"...)
	switch p.kind {
	case kindPatrol:
		dst = append(dst, `"patrol":{"worker_id":`...)
		dst = appendString(dst, p.w.id)
		dst = append(dst, `,"role":`...)
		dst = appendString(dst, string(p.w.role))
		dst = append(dst, `,"on_duty":true,"heading":`...)
		dst = strconv.AppendFloat(dst, p.head, 'f', -1, 64)
		dst = append(dst, `,"speed":`...)
		dst = strconv.AppendFloat(dst, p.speed, 'f', -1, 64)
	case kindOrder:
		o := p.ord
		dst = append(dst, `"order":{"order_id":`...)
		dst = appendString(dst, o.id)
		dst = append(dst, `,"state":`...)
		dst = appendString(dst, string(p.state))
		if p.state == event.Received {
			dst = append(dst, `,"channel":`...)
			dst = appendString(dst, string(o.channel))
			dst = append(dst, `,"category":`...)
			dst = appendString(dst, o.category.Code)
			dst = append(dst, `,"priority":`...)
			dst = appendString(dst, string(o.priority))
		}
		dst = append(dst, `,"title":`...)
		dst = appendString(dst, stampText(sent, o.category.ZH))
	case kindAlarm:
		a := p.al
		dst = append(dst, `"alarm":{"alarm_id":`...)
		dst = appendString(dst, a.id)
		dst = append(dst, `,"device_id":`...)
		dst = appendString(dst, a.device)
		dst = append(dst, `,"device_type":`...)
		dst = appendString(dst, string(a.devType))
		dst = append(dst, `,"kind":`...)
		dst = appendString(dst, a.kind.Code)
		dst = append(dst, `,"severity":`...)
		dst = appendString(dst, string(a.severity))
		dst = append(dst, `,"action":`...)
		dst = appendString(dst, string(p.act))
		dst = append(dst, `,"message":`...)
		dst = appendString(dst, stampText(sent, a.kind.ZH))
	}
	return append(dst, "}}"...)
}

// stampText is a title or message carrying the send time.
func stampText(sent time.Time, text string) string {
	return stampMarker + strconv.FormatInt(sent.UnixNano(), 10) + " " + text
}

// appendString writes s as a JSON string. The generator's strings are
// ids, codes and catalogue names; quotes, backslashes and control
// characters are escaped all the same.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
