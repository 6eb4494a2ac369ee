package query

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gridpulse/gridpulse/area"
)

// Heatmap metrics: what a cell's Value holds and the cells are sorted by.
const (
	MetricCount   = "count"
	MetricPer1000 = "per_1000_households"
	MetricChange  = "change"
)

// Heatmap limits on the number of cells: a whole district's micro grids
// (about 10,000) fit the default.
const (
	DefaultHeatmapLimit = 20000
	MaxHeatmapLimit     = 50000
)

// HeatmapRequest asks for new orders per cell of one level over a window.
type HeatmapRequest struct {
	// Level of the cells; default community.
	Level string
	WindowSpec
	// Metric is count (default), per_1000_households or change.
	Metric string
	// Category is a class ("property") or an item ("property.fee"); empty
	// counts every category.
	Category string
	// Area restricts the map to a street or community (a code); empty, or
	// the district's code, is the whole district.
	Area string
	// Limit caps the cells, highest Value first; 0 is the default 20,000,
	// at most 50,000.
	Limit int
}

// Heatmap is the weather map: one entry per cell of the level in scope,
// cells without orders included (as 晴), highest Value first.
type Heatmap struct {
	Level      Level       `json:"level"`
	Window     Span        `json:"window"`
	Metric     string      `json:"metric"`
	Category   string      `json:"category,omitempty"`
	Area       string      `json:"area,omitempty"`
	Total      int         `json:"total"`
	Truncated  bool        `json:"truncated"`
	Cells      []Cell      `json:"cells"`
	Thresholds []Threshold `json:"thresholds"`
}

// Cell is one cell of a heatmap. Per1000 and the weather are absent when
// the cell's households are unknown or zero.
type Cell struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Value      float64  `json:"value"`
	Count      uint64   `json:"count"`
	Previous   uint64   `json:"previous"`
	Change     int64    `json:"change"`
	Households int      `json:"households"`
	Per1000    *float64 `json:"per_1000_households"`
	Weather    string   `json:"weather,omitempty"`
	WeatherEN  string   `json:"weather_en,omitempty"`

	rank float64 // Value, or -Inf where the metric is unknown: sorts last
}

// heatmapCounts is the heatmap's counts as one row of parallel arrays,
// one entry per cell: ten thousand cells come back as one row, which the
// embedded engine's result decodes many times faster than as rows.
type heatmapCounts struct {
	Codes    []string `ch:"codes"`
	Count    []uint64 `ch:"counts"`
	Previous []uint64 `ch:"previous"`
}

type heatmapRow struct {
	count, previous uint64
}

// Heatmap counts new orders (received) per cell in the window and in the
// window before it, from orders_hourly.
func (s *Service) Heatmap(ctx context.Context, r HeatmapRequest) (*Heatmap, error) {
	level, err := parseLevel(r.Level)
	if err != nil {
		return nil, err
	}
	span, err := r.WindowSpec.resolve(s.now())
	if err != nil {
		return nil, err
	}
	metric := r.Metric
	switch metric {
	case "":
		metric = MetricCount
	case MetricCount, MetricPer1000, MetricChange:
	default:
		return nil, fieldErr("metric", "metric %q is not one of count, per_1000_households, change", metric)
	}
	limit, err := checkLimit(r.Limit, DefaultHeatmapLimit, MaxHeatmapLimit)
	if err != nil {
		return nil, err
	}
	var f filter
	if err := s.scope(&f, r.Area); err != nil {
		return nil, err
	}
	if err := category(&f, r.Category); err != nil {
		return nil, err
	}
	prev := span.Previous()
	col := levels[level].column
	f.add("hour >= ? AND hour < ?", prev.From, span.To)
	f.add(col + " != ''")
	var rows []heatmapCounts
	q := "SELECT groupArray(code) AS codes, groupArray(count) AS counts, groupArray(previous) AS previous FROM (" +
		"SELECT " + col + " AS code, sumIf(opened, hour >= ?) AS count, sumIf(opened, hour < ?) AS previous" +
		" FROM orders_opened_hourly" + f.where() + " GROUP BY code)"
	if err := s.eng.Select(ctx, &rows, q, append([]any{span.From, span.From}, f.args...)...); err != nil {
		return nil, fmt.Errorf("heatmap: %w", err)
	}
	byCode := make(map[string]heatmapRow)
	for _, r := range rows {
		if len(r.Count) != len(r.Codes) || len(r.Previous) != len(r.Codes) {
			return nil, fmt.Errorf("heatmap: %d codes, %d counts and %d previous counts", len(r.Codes), len(r.Count), len(r.Previous))
		}
		for i, code := range r.Codes {
			byCode[code] = heatmapRow{r.Count[i], r.Previous[i]}
		}
	}
	layer := s.areas.Layer(levels[level].layer)
	cells := make([]Cell, 0, len(layer)+len(byCode))
	for _, a := range layer {
		if inScope(a, r.Area) {
			cells = append(cells, heatCell(a, a.Code, byCode[a.Code], span, metric))
			delete(byCode, a.Code)
		}
	}
	// Cells the history knows and the areas do not (areas re-imported
	// since) still count.
	for code, row := range byCode {
		cells = append(cells, heatCell(nil, code, row, span, metric))
	}
	slices.SortFunc(cells, func(a, b Cell) int {
		if c := cmp.Compare(b.rank, a.rank); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	h := &Heatmap{Level: level, Window: span, Metric: metric, Category: r.Category, Area: r.Area,
		Total: len(cells), Cells: cells, Thresholds: Thresholds}
	if len(cells) > limit {
		h.Cells, h.Truncated = cells[:limit], true
	}
	return h, nil
}

// heatCell builds one heatmap cell; a is its area, nil when the areas do
// not know the code.
func heatCell(a *area.Area, code string, row heatmapRow, span Span, metric string) Cell {
	c := Cell{Code: code, Count: row.count, Previous: row.previous, Change: int64(row.count) - int64(row.previous)}
	if a != nil {
		c.Name = a.Name
		c.Households = households(a)
	}
	if c.Households > 0 {
		rate := float64(row.count) * 1000 / float64(c.Households)
		c.Per1000 = &rate
		w := weatherOf(weekly(rate, span.Duration()))
		c.Weather, c.WeatherEN = w.Weather, w.WeatherEN
	}
	switch metric {
	case MetricCount:
		c.Value = float64(c.Count)
	case MetricChange:
		c.Value = float64(c.Change)
	case MetricPer1000:
		if c.Per1000 != nil {
			c.Value = *c.Per1000
		}
	}
	c.rank = c.Value
	if metric == MetricPer1000 && c.Per1000 == nil {
		c.rank = math.Inf(-1)
	}
	return c
}

// households reads an area's households property, a number in GeoJSON.
func households(a *area.Area) int {
	switch v := a.Props["households"].(type) {
	case float64:
		return int(v)
	case int:
		return v
	}
	return 0
}

// checkLimit applies a limit's default (for 0) and maximum.
func checkLimit(limit, def, max int) (int, error) {
	switch {
	case limit == 0:
		return def, nil
	case limit < 0 || limit > max:
		return 0, fieldErr("limit", "limit %d is out of range 1..%d", limit, max)
	}
	return limit, nil
}
