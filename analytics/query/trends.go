package query

import (
	"context"
	"fmt"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// Trend intervals: the length of a series bucket. Days are the district's
// own (China Standard Time, UTC+8, no daylight saving).
const (
	IntervalHour = "hour"
	IntervalDay  = "day"
	// MaxHourlySpan is the longest window hourly buckets may cover: 744
	// points.
	MaxHourlySpan = 31 * 24 * time.Hour
)

// districtZone is the zone whose days the daily series counts.
var districtZone = time.FixedZone("CST", 8*3600)

// bucketSQL maps each interval to the expression that buckets a rollup
// hour, so no request text reaches the SQL.
var bucketSQL = map[string]string{
	IntervalHour: "hour",
	IntervalDay:  "toDateTime(toStartOfDay(hour, 'Asia/Shanghai'), 'UTC')",
}

// TrendsRequest asks for order counts over time and the window's service
// figures.
type TrendsRequest struct {
	WindowSpec
	// Interval is hour or day; default hour for windows up to 48 hours,
	// day beyond. Hourly buckets cover at most 31 days.
	Interval string
	// Category is a class or an item; Channel one intake channel. Empty
	// is all.
	Category string
	Channel  string
	// Area restricts to a street or community; empty is the district.
	Area string
}

// Trends are the counts per bucket, per category and per channel, and the
// window's service figures.
type Trends struct {
	Window     Span        `json:"window"`
	Interval   string      `json:"interval"`
	Area       string      `json:"area,omitempty"`
	Category   string      `json:"category,omitempty"`
	Channel    string      `json:"channel,omitempty"`
	Totals     Counts      `json:"totals"`
	Series     []Bucket    `json:"series"`
	ByCategory []Breakdown `json:"by_category"`
	ByChannel  []Breakdown `json:"by_channel"`
	// ResponseHours is from receipt to dispatch (派遣), ClosingHours from
	// receipt to closing (结案), of the orders received in the window.
	ResponseHours Durations `json:"response_hours"`
	ClosingHours  Durations `json:"closing_hours"`
	// Open and Overdue are orders in scope open now, and of them those
	// past their deadline, whenever they were received.
	Open    uint64 `json:"open"`
	Overdue uint64 `json:"overdue"`
}

// Counts are the rollup's sums over some orders' steps in a window.
// ClosureRate (办结率) is closed over opened, both counted in the window;
// Satisfaction the mean rating (1–5) of the rated closings; each is null
// without a denominator.
type Counts struct {
	Opened       uint64   `json:"opened"`
	Closed       uint64   `json:"closed"`
	ClosedLate   uint64   `json:"closed_late"`
	Escalated    uint64   `json:"escalated"`
	Returned     uint64   `json:"returned"`
	Rated        uint64   `json:"rated"`
	SatisfSum    uint64   `json:"-"`
	ClosureRate  *float64 `json:"closure_rate"`
	Satisfaction *float64 `json:"satisfaction"`
}

func (c *Counts) derive() {
	if c.Opened > 0 {
		r := float64(c.Closed) / float64(c.Opened)
		c.ClosureRate = &r
	}
	if c.Rated > 0 {
		s := float64(c.SatisfSum) / float64(c.Rated)
		c.Satisfaction = &s
	}
}

// Bucket is one point of a series: its start and the counts in it.
type Bucket struct {
	T time.Time `json:"t"`
	Counts
}

// Breakdown is the counts of one category or channel.
type Breakdown struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	Counts
}

// Durations are the median and 90th percentile of some orders' times, in
// hours, null without orders.
type Durations struct {
	Orders uint64   `json:"orders" ch:"orders"`
	Median *float64 `json:"median" ch:"median"`
	P90    *float64 `json:"p90" ch:"p90"`
}

// countsRow is a row of sums, by bucket time or by code.
type countsRow struct {
	T          time.Time `ch:"t"`
	Code       string    `ch:"code"`
	Opened     uint64    `ch:"opened"`
	Closed     uint64    `ch:"closed"`
	ClosedLate uint64    `ch:"closed_late"`
	Escalated  uint64    `ch:"escalated"`
	Returned   uint64    `ch:"returned"`
	Rated      uint64    `ch:"rated"`
	SatisfSum  uint64    `ch:"satisfaction_sum"`
}

func (r countsRow) counts() Counts {
	c := Counts{Opened: r.Opened, Closed: r.Closed, ClosedLate: r.ClosedLate, Escalated: r.Escalated,
		Returned: r.Returned, Rated: r.Rated, SatisfSum: r.SatisfSum}
	c.derive()
	return c
}

// sums is the rollup's columns summed, in the order Counts reads them.
const sums = "sum(opened) AS opened, sum(closed) AS closed, sum(closed_late) AS closed_late, sum(escalated) AS escalated, " +
	"sum(returned) AS returned, sum(rated) AS rated, sum(satisfaction_sum) AS satisfaction_sum"

// Trends answers r from orders_hourly (counts), orders (closing times,
// open and overdue) and the events of the window (response times).
func (s *Service) Trends(ctx context.Context, r TrendsRequest) (*Trends, error) {
	now := s.now()
	span, err := r.WindowSpec.resolve(now)
	if err != nil {
		return nil, err
	}
	interval := r.Interval
	switch {
	case interval == "" && span.Duration() <= 48*time.Hour:
		interval = IntervalHour
	case interval == "":
		interval = IntervalDay
	case bucketSQL[interval] == "":
		return nil, fieldErr("interval", "interval %q is not hour or day", interval)
	case interval == IntervalHour && span.Duration() > MaxHourlySpan:
		return nil, fieldErr("interval", "hourly buckets cover at most 31 days; ask for day")
	}
	var base filter
	if err := s.scope(&base, r.Area); err != nil {
		return nil, err
	}
	if err := category(&base, r.Category); err != nil {
		return nil, err
	}
	if r.Channel != "" {
		if !event.Channels.Has(r.Channel) {
			return nil, fieldErr("channel", "channel %q is not one of %v", r.Channel, event.Channels.Codes())
		}
		base.add("channel = ?", r.Channel)
	}
	t := &Trends{Window: span, Interval: interval, Area: r.Area, Category: r.Category, Channel: r.Channel}

	inWindow := base.with("hour >= ? AND hour < ?", span.From, span.To)
	var series []countsRow
	if err := s.eng.Select(ctx, &series, "SELECT "+bucketSQL[interval]+" AS t, "+sums+" FROM orders_hourly"+
		inWindow.where()+" GROUP BY t ORDER BY t", inWindow.args...); err != nil {
		return nil, fmt.Errorf("trends series: %w", err)
	}
	t.Series = fillBuckets(series, span, interval)
	for _, b := range t.Series {
		addCounts(&t.Totals, b.Counts)
	}
	t.Totals.derive()
	if t.ByCategory, err = s.breakdown(ctx, "category", inWindow, event.Categories); err != nil {
		return nil, err
	}
	if t.ByChannel, err = s.breakdown(ctx, "channel", inWindow, event.Channels); err != nil {
		return nil, err
	}
	if t.ClosingHours, err = s.closingHours(ctx, base, span); err != nil {
		return nil, err
	}
	if t.ResponseHours, err = s.responseHours(ctx, base, span); err != nil {
		return nil, err
	}
	if t.Open, t.Overdue, err = s.openOrders(ctx, base, now); err != nil {
		return nil, err
	}
	return t, nil
}

// breakdown sums the window's counts per value of column, a fixed
// identifier, named from cat.
func (s *Service) breakdown(ctx context.Context, column string, f filter, cat event.Catalogue) ([]Breakdown, error) {
	var got []countsRow
	if err := s.eng.Select(ctx, &got, "SELECT "+column+" AS code, "+sums+" FROM orders_hourly"+f.where()+
		" GROUP BY code ORDER BY opened DESC, code", f.args...); err != nil {
		return nil, fmt.Errorf("trends by %s: %w", column, err)
	}
	rows := make([]Breakdown, len(got))
	for i, g := range got {
		rows[i] = Breakdown{Code: g.Code, Counts: g.counts()}
		if term, ok := cat.Find(g.Code); ok {
			rows[i].Name, rows[i].NameEN = term.ZH, term.EN
		}
	}
	return rows, nil
}

// foldedOrders is each order's current area, category and channel and its
// first and closing times, from the orders table; the outer query filters
// on the same names as the rollups'.
const foldedOrders = "SELECT order_id, min(opened_at) AS opened, max(closed_at) AS closed, " +
	"argMaxMerge(state) AS state, argMaxMerge(deadline) AS deadline, " +
	"argMaxMerge(street) AS street, argMaxMerge(community) AS community, argMaxMerge(category) AS category, " +
	"argMaxMerge(channel) AS channel FROM orders"

// closingHours are the closing times of the orders received in span.
func (s *Service) closingHours(ctx context.Context, f filter, span Span) (Durations, error) {
	// A row of an order holds its own events' earliest time, never earlier
	// than the order's receipt, so rows from before the window can go
	// before the fold.
	args := append([]any{span.From, span.From, span.To}, f.args...)
	f.add("closed IS NOT NULL")
	var d []Durations
	if err := s.eng.Select(ctx, &d, "SELECT count() AS orders, "+
		"quantileExactInclusive(0.5)(dateDiff('second', opened, assumeNotNull(closed)) / 3600) AS median, "+
		"quantileExactInclusive(0.9)(dateDiff('second', opened, assumeNotNull(closed)) / 3600) AS p90 FROM ("+
		foldedOrders+" WHERE opened_at >= ? GROUP BY order_id HAVING opened >= ? AND opened < ?)"+f.where(),
		args...); err != nil {
		return Durations{}, fmt.Errorf("closing times: %w", err)
	}
	return nullDurations(d), nil
}

// responseHours are the times from receipt to first dispatch of the orders
// received in span and dispatched since, from their events.
func (s *Service) responseHours(ctx context.Context, f filter, span Span) (Durations, error) {
	args := append([]any{span.From, span.From, span.To}, f.args...)
	var d []Durations
	if err := s.eng.Select(ctx, &d, "SELECT count() AS orders, "+
		"quantileExactInclusive(0.5)(dateDiff('second', received, dispatched) / 3600) AS median, "+
		"quantileExactInclusive(0.9)(dateDiff('second', received, dispatched) / 3600) AS p90 FROM ("+
		"SELECT order_id, minIf(time, state = 'received') AS received, minIf(time, state = 'dispatched') AS dispatched, "+
		"any(street) AS street, any(community) AS community, anyIf(category, state = 'received') AS category, "+
		"anyIf(channel, state = 'received') AS channel FROM events "+
		"WHERE type = 'order' AND time >= ? AND state IN ('received', 'dispatched') "+
		"GROUP BY order_id HAVING countIf(state = 'received') > 0 AND countIf(state = 'dispatched') > 0 "+
		"AND received >= ? AND received < ?)"+f.where(), args...); err != nil {
		return Durations{}, fmt.Errorf("response times: %w", err)
	}
	return nullDurations(d), nil
}

// openOrders counts the orders in scope not closed now, and of them those
// past their deadline.
func (s *Service) openOrders(ctx context.Context, f filter, now time.Time) (open, overdue uint64, err error) {
	var rows []struct {
		Open    uint64 `ch:"open"`
		Overdue uint64 `ch:"overdue"`
	}
	args := append([]any{now}, f.args...)
	f.add("state != 'closed'")
	if err := s.eng.Select(ctx, &rows, "SELECT count() AS open, countIf(deadline IS NOT NULL AND deadline < ?) AS overdue FROM ("+
		foldedOrders+" GROUP BY order_id)"+f.where(), args...); err != nil {
		return 0, 0, fmt.Errorf("open orders: %w", err)
	}
	if len(rows) == 0 {
		return 0, 0, nil
	}
	return rows[0].Open, rows[0].Overdue, nil
}

// nullDurations is the single row of a durations query, with no figures
// when no order counted.
func nullDurations(d []Durations) Durations {
	if len(d) == 0 || d[0].Orders == 0 {
		return Durations{}
	}
	return d[0]
}

// fillBuckets is the series with a bucket, zero if need be, for every
// interval of span.
func fillBuckets(got []countsRow, span Span, interval string) []Bucket {
	byTime := make(map[int64]Counts, len(got))
	for _, r := range got {
		byTime[r.T.Unix()] = r.counts()
	}
	start, step := span.From, time.Hour
	if interval == IntervalDay {
		l := span.From.In(districtZone)
		start = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, districtZone).UTC()
		step = 24 * time.Hour
	}
	var out []Bucket
	for t := start; t.Before(span.To); t = t.Add(step) {
		out = append(out, Bucket{T: t.UTC(), Counts: byTime[t.Unix()]})
	}
	return out
}

func addCounts(to *Counts, c Counts) {
	to.Opened += c.Opened
	to.Closed += c.Closed
	to.ClosedLate += c.ClosedLate
	to.Escalated += c.Escalated
	to.Returned += c.Returned
	to.Rated += c.Rated
	to.SatisfSum += c.SatisfSum
}
