package open311

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// beijing is the district's time zone, for notices people read.
var beijing = time.FixedZone("CST", 8*3600)

// maxIDs bounds the ids one GET requests may name.
const maxIDs = 100

// getParams are the parameters GET requests takes.
var getParams = []string{"api_key", "jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date", "status"}

// order is a work order as a request is made from it, read from the live
// state or from ClickHouse.
type order struct {
	OrderID     string     `ch:"order_id"`
	State       string     `ch:"state"`
	Category    string     `ch:"category"`
	Priority    string     `ch:"priority"`
	Title       string     `ch:"title"`
	Assignee    string     `ch:"assignee"`
	Street      string     `ch:"street"`
	Community   string     `ch:"community"`
	Compound    string     `ch:"compound"`
	Opened      time.Time  `ch:"opened"`
	Updated     time.Time  `ch:"updated"`
	Deadline    *time.Time `ch:"deadline"`
	Lon         float64    `ch:"lon"`
	Lat         float64    `ch:"lat"`
	Escalations uint8      `ch:"escalations"`
}

func fromLive(o *live.Order) order {
	r := order{OrderID: o.OrderID, State: string(o.State), Category: o.Category, Priority: string(o.Priority),
		Title: o.Title, Assignee: o.Assignee, Street: o.Area.Street, Community: o.Area.Community,
		Compound: o.Area.Compound, Opened: o.Opened.Time, Updated: o.Updated.Time,
		Lon: o.Location.Lon(), Lat: o.Location.Lat(), Escalations: uint8(min(o.Escalations, 255))}
	if o.Deadline != nil {
		d := o.Deadline.Time
		r.Deadline = &d
	}
	return r
}

// ordersSQL folds the orders table into one row per order.
const ordersSQL = "SELECT order_id, min(opened_at) AS opened, max(updated_at) AS updated, " +
	"argMaxMerge(state) AS state, argMaxMerge(category) AS category, argMaxMerge(priority) AS priority, " +
	"argMaxMerge(title) AS title, argMaxMerge(assignee) AS assignee, argMaxMerge(deadline) AS deadline, " +
	"argMaxMerge(street) AS street, argMaxMerge(community) AS community, argMaxMerge(compound) AS compound, " +
	"argMaxMerge(lon) AS lon, argMaxMerge(lat) AS lat, max(escalations) AS escalations FROM orders "

// Request is the request with this id: GET requests/{id}. scope is the
// caller's area code (a district, street or community; "" for
// everywhere): a request outside it is not found, like one that does not
// exist.
func (a *API) Request(ctx context.Context, scope, id string, q url.Values) ([]ServiceRequest, error) {
	if err := checkParams(q, false, "api_key", "jurisdiction_id"); err != nil {
		return nil, err
	}
	jur, perr := a.jurisdiction(q)
	if perr != nil {
		return nil, perr
	}
	if err := checkID("service_request_id", id); err != nil {
		return nil, err
	}
	found, err := a.byID(ctx, []string{id}, jur, scope)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, notFound("service_request_id %q is not a request here", id)
	}
	return found, nil
}

// Requests answers GET requests: the requests named by service_request_id,
// or those filed between start_date and end_date, both included (default
// the last 90 days, at most 90 days apart) of the service codes and statuses asked
// for, newest first, at most MaxRequests; only those inside scope, the
// caller's area code ("" for everywhere).
func (a *API) Requests(ctx context.Context, scope string, q url.Values) ([]ServiceRequest, error) {
	if err := checkParams(q, false, getParams...); err != nil {
		return nil, err
	}
	jur, perr := a.jurisdiction(q)
	if perr != nil {
		return nil, perr
	}
	if v := q.Get("service_request_id"); v != "" {
		ids := strings.Split(v, ",")
		if len(ids) > maxIDs {
			return nil, badRequest("service_request_id", "%d ids; at most %d", len(ids), maxIDs)
		}
		for _, id := range ids {
			if err := checkID("service_request_id", id); err != nil {
				return nil, err
			}
		}
		return a.byID(ctx, ids, jur, scope)
	}
	f, perr := a.filter(q, jur)
	if perr != nil {
		return nil, perr
	}
	rows := map[string]order{}
	if a.deps.History != nil {
		var stored []order
		sql := ordersSQL + "WHERE order_id IN (SELECT order_id FROM events WHERE type = 'order' AND time >= ? AND time <= ?) " +
			"GROUP BY order_id HAVING opened >= ? AND opened <= ? AND startsWith(street, ?) AND " + scopeSQL
		args := []any{f.from, f.to, f.from, f.to, jur, scope, scope}
		if len(f.codes) > 0 {
			sql += " AND category IN ?"
			args = append(args, f.codes)
		}
		switch f.status {
		case "open":
			sql += " AND state != 'closed'"
		case "closed":
			sql += " AND state = 'closed'"
		}
		sql += " ORDER BY opened DESC, order_id LIMIT ?"
		args = append(args, a.cfg.MaxRequests)
		if err := a.deps.History.Select(ctx, &stored, sql, args...); err != nil {
			return nil, fmt.Errorf("open311: requests: %w", err)
		}
		for _, r := range stored {
			rows[r.OrderID] = r
		}
	}
	// The live state knows the newest orders before ClickHouse does, and
	// their latest steps.
	for _, o := range a.deps.State.Snapshot(live.Query{Layers: live.LayersOf(live.Orders), Area: jur, Scope: scope}).Orders {
		if f.match(o) {
			rows[o.OrderID] = fromLive(o)
		}
	}
	return a.answer(rows), nil
}

// scopeSQL keeps the orders inside a scope, given twice as its two
// arguments: a district's or street's code prefixes its streets' codes, a
// community's only its own community's.
const scopeSQL = "(startsWith(street, ?) OR startsWith(community, ?))"

// inScope is scopeSQL for an order already read.
func inScope(r order, scope string) bool {
	return strings.HasPrefix(r.Street, scope) || strings.HasPrefix(r.Community, scope)
}

// byID looks the ids up in the live state, then in ClickHouse, and keeps
// those in the jurisdiction and the scope.
func (a *API) byID(ctx context.Context, ids []string, jur, scope string) ([]ServiceRequest, error) {
	rows := map[string]order{}
	var rest []string
	for _, id := range ids {
		if o, ok := a.deps.State.Order(id); ok {
			rows[id] = fromLive(o)
		} else {
			rest = append(rest, id)
		}
	}
	if len(rest) > 0 && a.deps.History != nil {
		var stored []order
		if err := a.deps.History.Select(ctx, &stored, ordersSQL+"WHERE order_id IN ? GROUP BY order_id", rest); err != nil {
			return nil, fmt.Errorf("open311: requests by id: %w", err)
		}
		for _, r := range stored {
			rows[r.OrderID] = r
		}
	}
	for id, r := range rows {
		if !strings.HasPrefix(r.Street, jur) || !inScope(r, scope) {
			delete(rows, id)
		}
	}
	return a.answer(rows), nil
}

// answer turns orders into requests, newest first, at most MaxRequests.
func (a *API) answer(rows map[string]order) []ServiceRequest {
	list := make([]order, 0, len(rows))
	for _, r := range rows {
		list = append(list, r)
	}
	slices.SortFunc(list, func(x, y order) int {
		return cmp.Or(y.Opened.Compare(x.Opened), cmp.Compare(x.OrderID, y.OrderID))
	})
	list = list[:min(len(list), a.cfg.MaxRequests)]
	out := make([]ServiceRequest, len(list))
	for i, r := range list {
		out[i] = a.request(r)
	}
	return out
}

// listFilter is what GET requests selects by.
type listFilter struct {
	from, to time.Time
	codes    []string
	status   string // "", open or closed
	jur      string
}

func (a *API) filter(q url.Values, jur string) (listFilter, *Error) {
	f := listFilter{jur: jur}
	now := a.cfg.Clock().UTC()
	var err *Error
	if f.to, err = dateParam(q, "end_date", now); err != nil {
		return f, err
	}
	if f.from, err = dateParam(q, "start_date", f.to.Add(-a.cfg.Window)); err != nil {
		return f, err
	}
	switch {
	case !f.from.Before(f.to):
		return f, badRequest("start_date", "%s is not before end_date %s", f.from.Format(time.RFC3339), f.to.Format(time.RFC3339))
	case f.to.Sub(f.from) > a.cfg.Window:
		return f, badRequest("start_date", "start_date and end_date are more than %d days apart", int(a.cfg.Window.Hours()/24))
	}
	if v := q.Get("service_code"); v != "" {
		for _, c := range strings.Split(v, ",") {
			if !event.Categories.Has(c) {
				return f, badRequest("service_code", "%q is not a service", c)
			}
			f.codes = append(f.codes, c)
		}
	}
	if v := q.Get("status"); v != "" {
		seen := map[string]bool{}
		for _, s := range strings.Split(v, ",") {
			if s != "open" && s != "closed" {
				return f, badRequest("status", "%q is not open or closed", s)
			}
			seen[s] = true
		}
		if len(seen) == 1 {
			f.status = strings.Split(v, ",")[0]
		}
	}
	return f, nil
}

// match applies the filter to a live order.
func (f listFilter) match(o *live.Order) bool {
	if o.Opened.Before(f.from) || o.Opened.After(f.to) {
		return false
	}
	if len(f.codes) > 0 && !slices.Contains(f.codes, o.Category) {
		return false
	}
	closed := o.State == event.Closed
	return f.status == "" || (f.status == "closed") == closed
}

// dateParam reads a W3C date-time parameter (RFC 3339 with a zone).
func dateParam(q url.Values, name string, def time.Time) (time.Time, *Error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, badRequest(name, "%q is not a W3C date-time such as 2026-11-21T08:30:00+08:00", v)
	}
	return t.UTC(), nil
}

// request is the request an order answers as.
func (a *API) request(r order) ServiceRequest {
	sr := ServiceRequest{
		ServiceRequestID: r.OrderID, Status: "open", ServiceCode: r.Category, Description: r.Title,
		RequestedDatetime: formatTime(r.Opened), UpdatedDatetime: formatTime(r.Updated),
		Lat: r.Lat, Long: r.Lon, AddressID: r.Compound,
	}
	if r.State == string(event.Closed) {
		sr.Status = "closed"
	}
	if t, ok := event.States.Find(r.State); ok {
		sr.StatusNotes = t.ZH + " (" + t.EN + ")"
	}
	if r.Escalations > 0 {
		sr.StatusNotes += fmt.Sprintf("；已提级督办 %d 次 (escalated %d times)", r.Escalations, r.Escalations)
	}
	if c, ok := event.Categories.Find(r.Category); ok {
		sr.ServiceName = c.ZH
	}
	if r.Deadline != nil {
		sr.ExpectedDatetime = formatTime(*r.Deadline)
	}
	sr.Address = a.address(r)
	sr.AgencyResponsible = a.agency(r)
	return sr
}

// address names the compound, or the community and street, of an order.
func (a *API) address(r order) string {
	name := func(l area.Layer, code string) string {
		if code == "" {
			return ""
		}
		if x, ok := a.deps.Areas.Get(l, code); ok {
			return x.Name
		}
		return ""
	}
	return name(area.Street, r.Street) + name(area.Community, r.Community) + name(area.Compound, r.Compound)
}

// agency is who handles an order now: the department holding it, or the
// community, street or district it is routed to.
func (a *API) agency(r order) string {
	if d, ok := dispatch.FindDepartment(r.Assignee); ok {
		return d.ZH
	}
	rt := dispatch.Route(r.Category, event.Priority(r.Priority), int(r.Escalations),
		event.Chain{Street: r.Street, Community: r.Community, Compound: r.Compound})
	if x, ok := a.deps.Areas.Get(area.Layer(rt.Level), rt.Unit); ok {
		return x.Name
	}
	return rt.Unit
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(event.TimeLayout)
}
