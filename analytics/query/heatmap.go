package query

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
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
}

// heatmapCount is one cell's new orders in the window and the one before.
type heatmapCount struct {
	Code     string `ch:"code"`
	Count    uint64 `ch:"count"`
	Previous uint64 `ch:"previous"`
}

// Heatmap counts new orders (received) per cell in the window and in the
// window before it, from orders_opened: both windows are cut into pieces
// read at the coarsest grain that fits (see pieces), and neither window's
// pieces straddle the boundary between them.
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
	if len(r.Area) > area.CodeLen(levels[level].layer) {
		// A community's streets would be one cell counting the community's
		// orders under the street's code: say so rather than mislead.
		return nil, fieldErr("level", "level %s is coarser than area %s; ask for a level within it", level, r.Area)
	}
	measure, measureArgs, err := openedOf(&f, r.Category)
	if err != nil {
		return nil, err
	}
	prev := span.Previous()
	col := levels[level].column
	where, whereArgs := piecesWhere(append(pieces(prev.From, prev.To), pieces(span.From, span.To)...))
	f.add(where, whereArgs...)
	var rows []heatmapCount
	q := "SELECT " + col + " AS code, sumIf(" + measure + ", bucket >= ?) AS count, sumIf(" + measure + ", bucket < ?) AS previous" +
		" FROM orders_opened" + f.where() + " GROUP BY code"
	args := slices.Concat(measureArgs, []any{bucketOf(span.From)}, measureArgs, []any{bucketOf(span.From)}, f.args)
	if err := s.eng.Select(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("heatmap: %w", err)
	}
	return s.heatmapCells(level, span, metric, r, limit, rows), nil
}

// openedOf is the expression counting new orders of a category in a row
// of orders_opened, with its arguments, and restricts f to the rows
// holding any; a class ("property") counts its items, "" counts all.
func openedOf(f *filter, code string) (string, []any, error) {
	switch {
	case code == "":
		return "opened", nil, nil
	case event.Categories.Has(code):
		f.add("mapContains(categories, ?)", code)
		return "categories[?]", []any{code}, nil
	case event.Classes.Has(code):
		f.add("arrayExists(k -> startsWith(k, ?), mapKeys(categories))", code+".")
		return "arraySum(mapValues(mapFilter((k, v) -> startsWith(k, ?), categories)))", []any{code + "."}, nil
	}
	return "", nil, fieldErr("category", "category %q is neither a category class nor a category code", code)
}

// heatmapCells merges the counts with the level's cells in scope (zeros
// included), sorts them by value, highest first, then by code, and makes
// the first limit of them.
func (s *Service) heatmapCells(level Level, span Span, metric string, r HeatmapRequest, limit int, rows []heatmapCount) *Heatmap {
	t := s.cells.get(s.areas, level)
	lo, hi := t.scope(r.Area)
	n := hi - lo
	counts := make([]heatmapCount, n, n+8)
	// Cells the history knows and the areas do not (areas re-imported
	// since) still count; they follow the known ones, in code order.
	var unknown []heatmapCount
	for _, row := range rows {
		if p, ok := t.pos[row.Code]; ok && int(p) >= lo && int(p) < hi {
			counts[int(p)-lo] = row
		} else if row.Code != "" {
			// Orders outside every cell of the level (no micro grid where
			// they were) are left out here rather than in the query, where
			// the condition cost more than the rows it saves.
			unknown = append(unknown, row)
		}
	}
	slices.SortFunc(unknown, func(a, b heatmapCount) int { return strings.Compare(a.Code, b.Code) })
	counts = append(counts, unknown...)
	// Sort keys: the rank made an unsigned integer that orders like it,
	// highest first, beside the position, which is in code order among
	// known cells and among unknown ones.
	keys := make([]sortKey, len(counts))
	for i, c := range counts {
		households := 0
		if i < n {
			households = t.households[lo+i]
		}
		keys[i] = sortKey{descending(rankOf(metric, c.Count, c.Previous, households)), int32(i)}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if a.rank != b.rank {
			return cmp.Compare(a.rank, b.rank)
		}
		if (int(a.pos) < n) == (int(b.pos) < n) {
			return cmp.Compare(a.pos, b.pos)
		}
		// Only a tie between a known and an unknown cell needs the codes.
		return strings.Compare(t.codeAt(lo, n, counts, a.pos), t.codeAt(lo, n, counts, b.pos))
	})
	h := &Heatmap{Level: level, Window: span, Metric: metric, Category: r.Category, Area: r.Area,
		Total: len(counts), Thresholds: Thresholds}
	if len(keys) > limit {
		keys, h.Truncated = keys[:limit], true
	}
	h.Cells = make([]Cell, len(keys))
	rates := make([]float64, len(keys)) // the cells' Per1000 point here
	perWeek := weekly(1, span.Duration())
	for k, key := range keys {
		i := int(key.pos)
		c := &h.Cells[k]
		row := counts[i]
		c.Code, c.Count, c.Previous, c.Change = row.Code, row.Count, row.Previous, int64(row.Count)-int64(row.Previous)
		if i < n {
			c.Code, c.Name, c.Households = t.codes[lo+i], t.names[lo+i], t.households[lo+i]
		}
		if c.Households > 0 {
			rates[k] = float64(c.Count) * 1000 / float64(c.Households)
			c.Per1000 = &rates[k]
			w := weatherOf(rates[k] * perWeek)
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
	}
	return h
}

// sortKey orders a heatmap's cells: by rank (see descending), then by
// position.
type sortKey struct {
	rank uint64
	pos  int32
}

// descending maps a rank to an unsigned integer that sorts in the
// opposite order: the highest rank first, -Inf last.
func descending(r float64) uint64 {
	b := math.Float64bits(r)
	if b>>63 == 0 {
		b |= 1 << 63 // non-negative: above every negative
	} else {
		b = ^b // negative: the more negative, the lower
	}
	return ^b
}

// codeAt is the code of position i of a heatmap's counts: a known cell's
// from the table (its count row may be empty), an unknown one's from its
// row.
func (t *cellTable) codeAt(lo, n int, counts []heatmapCount, i int32) string {
	if int(i) < n {
		return t.codes[lo+int(i)]
	}
	return counts[i].Code
}

// rankOf is what a cell sorts by: its value under the metric, or -Inf
// where the metric is unknown (no households), which sorts last.
func rankOf(metric string, count, previous uint64, households int) float64 {
	switch metric {
	case MetricChange:
		return float64(int64(count) - int64(previous))
	case MetricPer1000:
		if households <= 0 {
			return math.Inf(-1)
		}
		return float64(count) * 1000 / float64(households)
	}
	return float64(count)
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
