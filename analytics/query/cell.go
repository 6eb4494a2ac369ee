package query

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
)

// ErrNoCell is a cell code of the right form that names no area.
var ErrNoCell = errors.New("no such cell")

// Cell profile bounds.
const (
	// ProfileDays is the district days a profile's trend and figures
	// cover: today so far and the whole days before it.
	ProfileDays = 30
	// MaxProfileOrders bounds the open orders a profile lists, oldest first.
	MaxProfileOrders = 50
)

// CellRequest asks for one cell's profile (小区体检).
type CellRequest struct {
	// Code is a street, community, compound, general grid or micro grid.
	Code string
	// Area, when set (by the server for a scoped user), must contain the
	// cell.
	Area string
}

// Profile is one cell's health check over the district's last 30 days,
// today so far included.
type Profile struct {
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	Level      Level          `json:"level"`
	Households int            `json:"households"`
	Window     Span           `json:"window"`
	Totals     Counts         `json:"totals"`
	Trend      []Bucket       `json:"trend"`
	Open       OpenOrders     `json:"open_orders"`
	Alarms     AlarmSummary   `json:"alarms"`
	Patrol     *Coverage      `json:"patrol"`
	Facilities map[string]int `json:"facilities"`
}

// OpenOrders are the cell's orders not closed now: how many, how many past
// their deadline, and the oldest of them.
type OpenOrders struct {
	Open    uint64      `json:"open"`
	Overdue uint64      `json:"overdue"`
	Orders  []OpenOrder `json:"orders"`
}

// OpenOrder is one open order of a profile.
type OpenOrder struct {
	OrderID  string      `json:"order_id" ch:"order_id"`
	Title    string      `json:"title" ch:"title"`
	State    string      `json:"state" ch:"state"`
	Category string      `json:"category" ch:"category"`
	Priority string      `json:"priority" ch:"priority"`
	Opened   event.Time  `json:"opened_at" ch:"-"`
	Deadline *event.Time `json:"deadline" ch:"-"`
	Overdue  bool        `json:"overdue" ch:"-"`
}

// AlarmSummary is the cell's alarm actions in the window, per kind, and
// the alarms raised and not cleared now.
type AlarmSummary struct {
	Raised       uint64      `json:"raised"`
	Acknowledged uint64      `json:"acknowledged"`
	Cleared      uint64      `json:"cleared"`
	Active       uint64      `json:"active"`
	ByKind       []KindCount `json:"by_kind"`
}

// KindCount is the alarms of one kind raised in the window.
type KindCount struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Raised uint64 `json:"raised"`
}

// Coverage is the patrols in the cell over the window: worker-minutes
// spent in it (on duty and in all), distinct workers, and the hours with
// any patrol against the window's hours.
type Coverage struct {
	WorkerMinutes   uint64  `json:"worker_minutes" ch:"minutes"`
	OnDutyMinutes   uint64  `json:"on_duty_minutes" ch:"on_duty_minutes"`
	Workers         uint64  `json:"workers" ch:"workers"`
	HoursCovered    uint64  `json:"hours_covered" ch:"hours"`
	Hours           uint64  `json:"hours" ch:"-"`
	CoveredFraction float64 `json:"covered_fraction" ch:"-"`
}

// Cell profiles one cell from orders_hourly, orders, alarms_hourly,
// alarms and patrol_hourly, and the facilities standing in it.
func (s *Service) Cell(ctx context.Context, r CellRequest) (*Profile, error) {
	a, level, err := s.cellArea(r.Code)
	if err != nil {
		return nil, err
	}
	if r.Area != "" && !inScope(a, r.Area) {
		return nil, ErrNoCell // outside the caller's scope it does not exist for them
	}
	now := s.now()
	span := profileSpan(now)
	p := &Profile{Code: a.Code, Name: a.Name, Level: level, Households: households(a), Window: span,
		Facilities: s.facilitiesIn(a, level)}

	f := cellFilter(a.Code, level)
	inWindow := f.with("hour >= ? AND hour < ?", span.From, span.To)
	var trend []countsRow
	if err := s.eng.Select(ctx, &trend, "SELECT "+bucketSQL[IntervalDay]+" AS t, "+sums+" FROM orders_hourly"+
		inWindow.where()+" GROUP BY t ORDER BY t", inWindow.args...); err != nil {
		return nil, fmt.Errorf("cell trend: %w", err)
	}
	p.Trend = fillBuckets(trend, span, IntervalDay)
	for _, b := range p.Trend {
		addCounts(&p.Totals, b.Counts)
	}
	p.Totals.derive()
	if p.Open, err = s.cellOpenOrders(ctx, f, now); err != nil {
		return nil, err
	}
	if p.Alarms, err = s.cellAlarms(ctx, f, inWindow); err != nil {
		return nil, err
	}
	if level != LevelCompound { // patrols are rolled up by grid, not compound
		if p.Patrol, err = s.cellPatrol(ctx, inWindow, span); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// profileSpan is the ProfileDays district days up to the end of now's
// hour. It starts at a district midnight so that every day of the trend
// but today is whole, and the trend has ProfileDays points whatever the
// hour.
func profileSpan(now time.Time) Span {
	l := now.In(districtZone)
	today := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, districtZone)
	return Span{From: today.AddDate(0, 0, -(ProfileDays - 1)).UTC(), To: now.UTC().Truncate(time.Hour).Add(time.Hour)}
}

// cellArea is the area a cell code names, by its length.
func (s *Service) cellArea(code string) (*area.Area, Level, error) {
	for _, l := range []Level{LevelStreet, LevelCommunity, LevelCompound, LevelGrid, LevelMicroGrid} {
		if len(code) != area.CodeLen(levels[l].layer) {
			continue
		}
		for _, c := range code {
			if c < '0' || c > '9' {
				return nil, "", fieldErr("code", "cell code %q is not all digits", code)
			}
		}
		if a, ok := s.areas.Get(levels[l].layer, code); ok {
			return a, l, nil
		}
		return nil, "", ErrNoCell
	}
	return nil, "", fieldErr("code", "cell code %q is not a street (9 digits), community (12), grid (15), compound (16) or micro grid (18)", code)
}

// cellFilter selects a cell's rows: by street and community first, the
// tables' sort keys, then by the level's own column.
func cellFilter(code string, level Level) filter {
	var f filter
	f.add("street = ?", code[:area.StreetCodeLen])
	if len(code) >= area.CommunityCodeLen {
		f.add("community = ?", code[:area.CommunityCodeLen])
	}
	if level != LevelStreet && level != LevelCommunity {
		f.add(levels[level].column+" = ?", code)
	}
	return f
}

// cellOpenOrders counts the cell's open and overdue orders and lists the
// oldest.
func (s *Service) cellOpenOrders(ctx context.Context, f filter, now time.Time) (OpenOrders, error) {
	var rows []struct {
		OrderID  string     `ch:"order_id"`
		Title    string     `ch:"title"`
		State    string     `ch:"state"`
		Category string     `ch:"category"`
		Priority string     `ch:"priority"`
		Opened   time.Time  `ch:"opened"`
		Deadline *time.Time `ch:"deadline"`
		Total    uint64     `ch:"total"`
		Overdue  uint64     `ch:"overdue"`
	}
	f = f.with("state != 'closed'")
	if err := s.eng.Select(ctx, &rows, "SELECT order_id, title, state, category, priority, opened, deadline, "+
		"count() OVER () AS total, countIf(deadline IS NOT NULL AND deadline < ?) OVER () AS overdue FROM ("+
		"SELECT order_id, min(opened_at) AS opened, argMaxMerge(state) AS state, argMaxMerge(deadline) AS deadline, "+
		"argMaxMerge(title) AS title, argMaxMerge(category) AS category, argMaxMerge(priority) AS priority, "+
		"argMaxMerge(street) AS street, argMaxMerge(community) AS community, argMaxMerge(compound) AS compound, "+
		"argMaxMerge(grid) AS grid, argMaxMerge(micro_grid) AS micro_grid FROM orders GROUP BY order_id)"+
		f.where()+" ORDER BY opened, order_id LIMIT ?", append(append([]any{now}, f.args...), MaxProfileOrders)...); err != nil {
		return OpenOrders{}, fmt.Errorf("cell open orders: %w", err)
	}
	o := OpenOrders{Orders: make([]OpenOrder, 0, len(rows))}
	for _, r := range rows {
		o.Open, o.Overdue = r.Total, r.Overdue
		oo := OpenOrder{OrderID: r.OrderID, Title: r.Title, State: r.State, Category: r.Category, Priority: r.Priority,
			Opened: event.Time{Time: r.Opened.UTC()}}
		if r.Deadline != nil {
			oo.Deadline = &event.Time{Time: r.Deadline.UTC()}
			oo.Overdue = r.Deadline.Before(now)
		}
		o.Orders = append(o.Orders, oo)
	}
	return o, nil
}

// cellAlarms sums the cell's alarm actions in the window and counts the
// alarms raised and not cleared.
func (s *Service) cellAlarms(ctx context.Context, f, inWindow filter) (AlarmSummary, error) {
	var kinds []struct {
		Kind         string `ch:"kind"`
		Raised       uint64 `ch:"raised"`
		Acknowledged uint64 `ch:"acknowledged"`
		Cleared      uint64 `ch:"cleared"`
	}
	if err := s.eng.Select(ctx, &kinds, "SELECT kind, sum(raised) AS raised, sum(acknowledged) AS acknowledged, "+
		"sum(cleared) AS cleared FROM alarms_hourly"+inWindow.where()+" GROUP BY kind ORDER BY raised DESC, kind", inWindow.args...); err != nil {
		return AlarmSummary{}, fmt.Errorf("cell alarms: %w", err)
	}
	sum := AlarmSummary{ByKind: []KindCount{}}
	for _, k := range kinds {
		sum.Raised += k.Raised
		sum.Acknowledged += k.Acknowledged
		sum.Cleared += k.Cleared
		kc := KindCount{Kind: k.Kind, Raised: k.Raised}
		if t, ok := event.AlarmKinds.Find(k.Kind); ok {
			kc.Name = t.ZH
		}
		sum.ByKind = append(sum.ByKind, kc)
	}
	var active []struct {
		N uint64 `ch:"n"`
	}
	// Alarms have no general grid column: a grid's alarms are its micro
	// grids', whose codes extend it.
	g := filter{}
	for i, c := range f.conds {
		if c == "grid = ?" {
			g.add("startsWith(micro_grid, ?)", f.args[i])
			continue
		}
		g.add(c, f.args[i])
	}
	g.add("cleared_at IS NULL")
	if err := s.eng.Select(ctx, &active, "SELECT count() AS n FROM ("+
		"SELECT alarm_id, max(cleared_at) AS cleared_at, argMaxMerge(street) AS street, argMaxMerge(community) AS community, "+
		"argMaxMerge(compound) AS compound, argMaxMerge(micro_grid) AS micro_grid FROM alarms GROUP BY alarm_id)"+g.where(), g.args...); err != nil {
		return AlarmSummary{}, fmt.Errorf("cell active alarms: %w", err)
	}
	if len(active) > 0 {
		sum.Active = active[0].N
	}
	return sum, nil
}

// cellPatrol is the cell's patrol coverage over span.
func (s *Service) cellPatrol(ctx context.Context, inWindow filter, span Span) (*Coverage, error) {
	var rows []Coverage
	if err := s.eng.Select(ctx, &rows, "SELECT sum(minutes) AS minutes, sum(on_duty_minutes) AS on_duty_minutes, "+
		"uniqMerge(workers) AS workers, uniqExact(hour) AS hours FROM patrol_hourly"+inWindow.where(), inWindow.args...); err != nil {
		return nil, fmt.Errorf("cell patrol: %w", err)
	}
	c := &Coverage{}
	if len(rows) > 0 {
		c = &rows[0]
	}
	c.Hours = uint64(span.Duration() / time.Hour)
	c.CoveredFraction = float64(c.HoursCovered) / float64(c.Hours)
	return c, nil
}

// facilitiesIn counts the facilities in a cell by kind: by their compound
// for compounds and the areas above them, by position for grids.
func (s *Service) facilitiesIn(a *area.Area, level Level) map[string]int {
	out := map[string]int{}
	byPosition := level == LevelGrid || level == LevelMicroGrid
	if byPosition && a.Geometry == nil {
		return out
	}
	var bound orb.Bound
	if byPosition {
		bound = a.Bound()
	}
	for _, fc := range s.facilities {
		in := false
		switch {
		case byPosition:
			in = bound.Contains(fc.Point) && a.Contains(fc.Point)
		default:
			in = strings.HasPrefix(fc.Compound, a.Code)
		}
		if in {
			out[fc.Kind]++
		}
	}
	return out
}
