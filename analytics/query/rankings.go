package query

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/gridpulse/gridpulse/area"
)

// What a ranking ranks, and by what.
const (
	RankCompounds         = "compound"
	RankPropertyCompanies = "property_company"

	SortOrdersPer100 = "orders_per_100_households"
	SortClosureRate  = "closure_rate"
	SortSatisfaction = "satisfaction"
	SortRepeats      = "repeat_complaints"

	// RepeatWindow: an order is a repeat complaint when its compound had
	// one of the same category within this time before it.
	RepeatWindow = 30 * 24 * time.Hour

	DefaultRankingLimit = 20
	MaxRankingLimit     = 200
)

// RankingsRequest asks for the 红黑榜: compounds or property companies
// ranked by one figure over a window.
type RankingsRequest struct {
	// Of is compound (default) or property_company.
	Of string
	WindowSpec
	// Sort is orders_per_100_households (default), closure_rate,
	// satisfaction or repeat_complaints; Order desc (default) or asc.
	// Entries whose figure is unknown come last either way.
	Sort  string
	Order string
	// Area restricts to a street or community; empty is the district.
	Area string
	// Limit is 1..200, default 20.
	Limit int
}

// Rankings is one ranked list.
type Rankings struct {
	Of      string  `json:"of"`
	Window  Span    `json:"window"`
	Sort    string  `json:"sort"`
	Order   string  `json:"order"`
	Area    string  `json:"area,omitempty"`
	Total   int     `json:"total"`
	Entries []Entry `json:"entries"`
}

// Entry is one compound or property company in a ranking. Figures are
// null without a denominator (households, orders, ratings).
type Entry struct {
	Rank             int      `json:"rank"`
	Code             string   `json:"code"`
	Name             string   `json:"name"`
	Compounds        int      `json:"compounds"`
	Households       int      `json:"households"`
	Opened           uint64   `json:"opened"`
	Closed           uint64   `json:"closed"`
	OrdersPer100     *float64 `json:"orders_per_100_households"`
	ClosureRate      *float64 `json:"closure_rate"`
	Satisfaction     *float64 `json:"satisfaction"`
	RepeatComplaints uint64   `json:"repeat_complaints"`

	rated, satisfactionSum uint64
}

type compoundRow struct {
	Code            string `ch:"code"`
	Opened          uint64 `ch:"opened"`
	Closed          uint64 `ch:"closed"`
	Rated           uint64 `ch:"rated"`
	SatisfactionSum uint64 `ch:"satisfaction_sum"`
}

type repeatRow struct {
	Code    string `ch:"code"`
	Repeats uint64 `ch:"repeats"`
}

// Rankings ranks the compounds in scope, or their property companies.
func (s *Service) Rankings(ctx context.Context, r RankingsRequest) (*Rankings, error) {
	of := r.Of
	switch of {
	case "":
		of = RankCompounds
	case RankCompounds, RankPropertyCompanies:
	default:
		return nil, fieldErr("of", "of %q is not compound or property_company", of)
	}
	span, err := r.WindowSpec.resolveDefault(s.now(), "30d")
	if err != nil {
		return nil, err
	}
	by := r.Sort
	switch by {
	case "":
		by = SortOrdersPer100
	case SortOrdersPer100, SortClosureRate, SortSatisfaction, SortRepeats:
	default:
		return nil, fieldErr("sort", "sort %q is not one of orders_per_100_households, closure_rate, satisfaction, repeat_complaints", by)
	}
	order := r.Order
	switch order {
	case "":
		order = "desc"
	case "asc", "desc":
	default:
		return nil, fieldErr("order", "order %q is not asc or desc", order)
	}
	limit, err := checkLimit(r.Limit, DefaultRankingLimit, MaxRankingLimit)
	if err != nil {
		return nil, err
	}
	var f filter
	if err := s.scope(&f, r.Area); err != nil {
		return nil, err
	}
	f.add("compound != ''")

	counts := f.with("hour >= ? AND hour < ?", span.From, span.To)
	var rows []compoundRow
	if err := s.eng.Select(ctx, &rows, "SELECT compound AS code, sum(opened) AS opened, sum(closed) AS closed, "+
		"sum(rated) AS rated, sum(satisfaction_sum) AS satisfaction_sum FROM orders_hourly"+counts.where()+
		" GROUP BY code", counts.args...); err != nil {
		return nil, fmt.Errorf("rankings: %w", err)
	}
	// Repeats: each opening whose compound and category had one in the
	// 30 days before; the history reaches back 30 days before the window,
	// in the hourly buckets of new orders, a row per category of each.
	history := f.with("grain = 'hour' AND bucket >= ? AND bucket < ?", span.From.Add(-RepeatWindow), span.To)
	var repeats []repeatRow
	if err := s.eng.Select(ctx, &repeats, "SELECT code, toUInt64(sum(n - 1 + if(prev > toDateTime(0, 'UTC') AND hour - prev <= ?, 1, 0))) AS repeats FROM ("+
		"SELECT code, hour, n, lagInFrame(hour, 1, toDateTime(0, 'UTC')) OVER (PARTITION BY code, category ORDER BY hour "+
		"ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS prev FROM ("+
		"SELECT compound AS code, category, bucket AS hour, sum(opened_in) AS n FROM orders_opened "+
		"ARRAY JOIN mapKeys(categories) AS category, mapValues(categories) AS opened_in"+history.where()+
		" GROUP BY code, category, hour HAVING n > 0)) WHERE hour >= ? GROUP BY code",
		append(append([]any{uint64(RepeatWindow / time.Second)}, history.args...), span.From)...); err != nil {
		return nil, fmt.Errorf("repeat complaints: %w", err)
	}

	entries := s.compoundEntries(rows, repeats, r.Area)
	if of == RankPropertyCompanies {
		entries = s.companyEntries(entries)
	}
	for i := range entries {
		entries[i].derive()
	}
	sortEntries(entries, by, order == "desc")
	out := &Rankings{Of: of, Window: span, Sort: by, Order: order, Area: r.Area, Total: len(entries), Entries: entries}
	if len(entries) > limit {
		out.Entries = entries[:limit]
	}
	if out.Entries == nil {
		out.Entries = []Entry{}
	}
	return out, nil
}

// compoundEntries is one entry per compound in scope, with its counts.
func (s *Service) compoundEntries(rows []compoundRow, repeats []repeatRow, scope string) []Entry {
	byCode := make(map[string]*Entry)
	var entries []*Entry
	for _, a := range s.areas.Layer(levels[LevelCompound].layer) {
		if inScope(a, scope) {
			e := &Entry{Code: a.Code, Name: a.Name, Compounds: 1, Households: households(a)}
			byCode[a.Code] = e
			entries = append(entries, e)
		}
	}
	get := func(code string) *Entry {
		if e, ok := byCode[code]; ok {
			return e
		}
		e := &Entry{Code: code, Compounds: 1}
		byCode[code] = e
		entries = append(entries, e)
		return e
	}
	for _, r := range rows {
		e := get(r.Code)
		e.Opened, e.Closed, e.rated, e.satisfactionSum = r.Opened, r.Closed, r.Rated, r.SatisfactionSum
	}
	for _, r := range repeats {
		get(r.Code).RepeatComplaints = r.Repeats
	}
	out := make([]Entry, len(entries))
	for i, e := range entries {
		out[i] = *e
	}
	return out
}

// companyEntries sums compounds into their property companies; compounds
// without one are left out.
func (s *Service) companyEntries(compounds []Entry) []Entry {
	byCode := make(map[string]*Entry)
	var codes []string
	for _, c := range compounds {
		a, ok := s.areas.Get(area.Compound, c.Code)
		if !ok {
			continue
		}
		code, _ := a.Props["property_company"].(string)
		if code == "" {
			continue
		}
		e, ok := byCode[code]
		if !ok {
			name, _ := a.Props["property_company_name"].(string)
			e = &Entry{Code: code, Name: name}
			byCode[code] = e
			codes = append(codes, code)
		}
		e.Compounds++
		e.Households += c.Households
		e.Opened += c.Opened
		e.Closed += c.Closed
		e.rated += c.rated
		e.satisfactionSum += c.satisfactionSum
		e.RepeatComplaints += c.RepeatComplaints
	}
	out := make([]Entry, 0, len(codes))
	for _, code := range codes {
		out = append(out, *byCode[code])
	}
	return out
}

func (e *Entry) derive() {
	if e.Households > 0 {
		v := float64(e.Opened) * 100 / float64(e.Households)
		e.OrdersPer100 = &v
	}
	if e.Opened > 0 {
		v := float64(e.Closed) / float64(e.Opened)
		e.ClosureRate = &v
	}
	if e.rated > 0 {
		v := float64(e.satisfactionSum) / float64(e.rated)
		e.Satisfaction = &v
	}
}

// sortEntries ranks entries by one figure, unknown figures last, ties by
// code, and numbers them.
func sortEntries(entries []Entry, by string, desc bool) {
	key := func(e *Entry) float64 {
		var v *float64
		switch by {
		case SortOrdersPer100:
			v = e.OrdersPer100
		case SortClosureRate:
			v = e.ClosureRate
		case SortSatisfaction:
			v = e.Satisfaction
		case SortRepeats:
			r := float64(e.RepeatComplaints)
			v = &r
		}
		switch {
		case v == nil:
			return math.Inf(-1)
		case desc:
			return *v
		}
		return -*v
	}
	sort.SliceStable(entries, func(i, j int) bool {
		ki, kj := key(&entries[i]), key(&entries[j])
		if ki != kj {
			return ki > kj
		}
		return entries[i].Code < entries[j].Code
	})
	for i := range entries {
		entries[i].Rank = i + 1
	}
}
