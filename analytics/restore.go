package analytics

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/bus"
	"github.com/gridpulse/gridpulse/stream/live"
)

// The live state is rebuilt from the bus's orders-and-alarms stream, which
// keeps only so much; the store keeps every event. An order or alarm still
// open here, none of whose events the stream still holds, is one the live
// state can learn of only from here. "Still holds" is decided by the
// stream's first message: an event row is held when it came from that
// stream with a sequence at or after the first one and was received no
// earlier than the first was stored. The time check matters when the bus
// was set up anew (its sequences start again at 1); rows of seeded history
// (another stream name) are never held. Erring towards "not held" is
// harmless: a restored view gives way to any stream event for it.

// heldOrders and heldAlarms select the ids with an event the stream holds;
// both take the stream name, its first sequence and its first stored time.
const (
	heldOrders = "SELECT order_id FROM events WHERE type = 'order' AND stream = ? AND seq >= ? AND received >= ?"
	heldAlarms = "SELECT alarm_id FROM events WHERE type = 'alarm' AND stream = ? AND seq >= ? AND received >= ?"
)

// OpenOrders are the orders not closed whose events have all left the
// events stream, whose oldest message still held is first (the zero First
// for an empty stream), as views for live.State.Restore.
func (s *Store) OpenOrders(ctx context.Context, first bus.First) ([]*live.Order, error) {
	var rows []struct {
		OrderID     string     `ch:"order_id"`
		State       string     `ch:"state"`
		Channel     string     `ch:"channel"`
		Category    string     `ch:"category"`
		Priority    string     `ch:"priority"`
		Title       string     `ch:"title"`
		Assignee    string     `ch:"assignee"`
		Deadline    *time.Time `ch:"deadline"`
		Escalations uint8      `ch:"escalations"`
		Opened      time.Time  `ch:"opened"`
		Updated     time.Time  `ch:"updated"`
		Street      string     `ch:"street"`
		Community   string     `ch:"community"`
		Compound    string     `ch:"compound"`
		Grid        string     `ch:"grid"`
		MicroGrid   string     `ch:"micro_grid"`
		Building    string     `ch:"building"`
		Dedicated   string     `ch:"dedicated_grid"`
		Lon         float64    `ch:"lon"`
		Lat         float64    `ch:"lat"`
	}
	where, args := notHeld("order_id", heldOrders, first)
	// The inner query picks the orders never closed, or changed since they
	// were, from plain columns: folding every column of the many closed
	// orders is what would take the time. The fold keeps no building or
	// dedicated grid; those come from the same orders' latest events.
	notClosed := "SELECT order_id FROM orders GROUP BY order_id HAVING max(closed_at) IS NULL OR max(closed_at) < max(updated_at)"
	if err := s.eng.Select(ctx, &rows, "SELECT o.*, e.building AS building, e.dedicated_grid AS dedicated_grid FROM ("+
		"SELECT order_id, argMaxMerge(state) AS state, argMaxMerge(channel) AS channel, argMaxMerge(category) AS category, "+
		"argMaxMerge(priority) AS priority, argMaxMerge(title) AS title, argMaxMerge(assignee) AS assignee, "+
		"argMaxMerge(deadline) AS deadline, max(escalations) AS escalations, min(opened_at) AS opened, max(updated_at) AS updated, "+
		"argMaxMerge(street) AS street, argMaxMerge(community) AS community, argMaxMerge(compound) AS compound, "+
		"argMaxMerge(grid) AS grid, argMaxMerge(micro_grid) AS micro_grid, argMaxMerge(lon) AS lon, argMaxMerge(lat) AS lat "+
		"FROM orders WHERE order_id IN ("+notClosed+")"+where+" GROUP BY order_id) AS o "+
		"LEFT JOIN (SELECT order_id, argMax(building, (time, seq)) AS building, argMax(dedicated_grid, (time, seq)) AS dedicated_grid "+
		"FROM events WHERE type = 'order' AND order_id IN ("+notClosed+") GROUP BY order_id) AS e ON o.order_id = e.order_id "+
		"WHERE o.state != 'closed' ORDER BY o.order_id", args...); err != nil {
		return nil, fmt.Errorf("analytics: open orders to restore: %w", err)
	}
	out := make([]*live.Order, 0, len(rows))
	for _, r := range rows {
		o := &live.Order{
			OrderID: r.OrderID, State: event.State(r.State), Channel: event.Channel(r.Channel),
			Category: r.Category, Priority: event.Priority(r.Priority), Title: r.Title,
			Location: event.Position{r.Lon, r.Lat},
			Area: event.Chain{Street: r.Street, Community: r.Community, Compound: r.Compound, Building: r.Building,
				GeneralGrid: r.Grid, MicroGrid: r.MicroGrid, DedicatedGrid: r.Dedicated},
			Opened: event.Time{Time: r.Opened.UTC()}, Updated: event.Time{Time: r.Updated.UTC()},
			Escalations: int(r.Escalations), Assignee: r.Assignee,
		}
		if r.Deadline != nil {
			o.Deadline = &event.Time{Time: r.Deadline.UTC()}
		}
		out = append(out, o)
	}
	return out, nil
}

// ActiveAlarms are the alarms not cleared whose events have all left the
// events stream, as views for live.State.Restore; see OpenOrders.
func (s *Store) ActiveAlarms(ctx context.Context, first bus.First) ([]*live.Alarm, error) {
	var rows []struct {
		AlarmID    string    `ch:"alarm_id"`
		Action     string    `ch:"action"`
		Severity   string    `ch:"severity"`
		DeviceID   string    `ch:"device_id"`
		DeviceType string    `ch:"device_type"`
		Kind       string    `ch:"kind"`
		Message    string    `ch:"message"`
		Raised     time.Time `ch:"raised"`
		Updated    time.Time `ch:"updated"`
		Street     string    `ch:"street"`
		Community  string    `ch:"community"`
		Compound   string    `ch:"compound"`
		Building   string    `ch:"building"`
		Grid       string    `ch:"grid"`
		MicroGrid  string    `ch:"micro_grid"`
		Dedicated  string    `ch:"dedicated_grid"`
		Lon        float64   `ch:"lon"`
		Lat        float64   `ch:"lat"`
	}
	where, args := notHeld("alarm_id", heldAlarms, first)
	// As for orders: the fold keeps no general or dedicated grid.
	notCleared := "SELECT alarm_id FROM alarms GROUP BY alarm_id HAVING max(cleared_at) IS NULL OR max(cleared_at) < max(updated_at)"
	if err := s.eng.Select(ctx, &rows, "SELECT a.*, e.grid AS grid, e.dedicated_grid AS dedicated_grid FROM ("+
		"SELECT alarm_id, argMaxMerge(action) AS action, argMaxMerge(severity) AS severity, argMaxMerge(device_id) AS device_id, "+
		"argMaxMerge(device_type) AS device_type, argMaxMerge(kind) AS kind, argMaxMerge(message) AS message, "+
		"min(raised_at) AS raised, max(updated_at) AS updated, "+
		"argMaxMerge(street) AS street, argMaxMerge(community) AS community, argMaxMerge(compound) AS compound, "+
		"argMaxMerge(building) AS building, argMaxMerge(micro_grid) AS micro_grid, argMaxMerge(lon) AS lon, argMaxMerge(lat) AS lat "+
		"FROM alarms WHERE alarm_id IN ("+notCleared+")"+where+" GROUP BY alarm_id) AS a "+
		"LEFT JOIN (SELECT alarm_id, argMax(grid, (time, seq)) AS grid, argMax(dedicated_grid, (time, seq)) AS dedicated_grid "+
		"FROM events WHERE type = 'alarm' AND alarm_id IN ("+notCleared+") GROUP BY alarm_id) AS e ON a.alarm_id = e.alarm_id "+
		"WHERE a.action != ? ORDER BY a.alarm_id", append(args, string(event.Clear))...); err != nil {
		return nil, fmt.Errorf("analytics: active alarms to restore: %w", err)
	}
	out := make([]*live.Alarm, 0, len(rows))
	for _, r := range rows {
		a := &live.Alarm{
			AlarmID: r.AlarmID, DeviceID: r.DeviceID, DeviceType: event.DeviceType(r.DeviceType),
			Kind: event.AlarmKind(r.Kind), Severity: event.Severity(r.Severity), Status: live.AlarmRaised,
			Message: r.Message, Raised: event.Time{Time: r.Raised.UTC()}, Updated: event.Time{Time: r.Updated.UTC()},
			Location: event.Position{r.Lon, r.Lat},
			Area: event.Chain{Street: r.Street, Community: r.Community, Compound: r.Compound,
				Building: r.Building, GeneralGrid: r.Grid, MicroGrid: r.MicroGrid, DedicatedGrid: r.Dedicated},
		}
		if event.Action(r.Action) == event.Acknowledge {
			a.Status = live.AlarmAcknowledged
		}
		out = append(out, a)
	}
	return out, nil
}

// notHeld is the condition (to follow a WHERE) leaving out the ids
// (column idCol) with an event the stream holds, and its arguments;
// nothing when the stream is empty.
func notHeld(idCol, held string, first bus.First) (string, []any) {
	if first.Seq == 0 {
		return "", nil
	}
	return " AND " + idCol + " NOT IN (" + held + ")", []any{bus.EventsStream, first.Seq, first.Stored}
}

// RestoreLive gives state the open orders and active alarms that only the
// store still knows, those whose events have left b's events stream. Call
// it before state.Run.
func (s *Store) RestoreLive(ctx context.Context, b *bus.Bus, state *live.State) error {
	first, err := b.First(ctx, bus.EventsStream)
	if err != nil {
		return fmt.Errorf("analytics: restore live state: %w", err)
	}
	orders, err := s.OpenOrders(ctx, first)
	if err != nil {
		return err
	}
	alarms, err := s.ActiveAlarms(ctx, first)
	if err != nil {
		return err
	}
	o, a := state.Restore(orders, alarms)
	slog.Info("analytics: live state restored from history", "orders", o, "alarms", a,
		"stream_first_seq", first.Seq, "stream_first_stored", first.Stored)
	return nil
}
