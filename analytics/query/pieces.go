package query

import (
	"slices"
	"strings"
	"time"
)

// The grains of orders_opened, finest first: each new order is counted in
// its hour, month, quarter and year (UTC).
const (
	grainHour    = "hour"
	grainMonth   = "month"
	grainQuarter = "quarter"
	grainYear    = "year"
)

var grains = []string{grainHour, grainMonth, grainQuarter, grainYear}

// piece is a part of a window read at one grain: the buckets of that grain
// starting in [from, to), both bounds on the grain's boundaries.
type piece struct {
	grain    string
	from, to time.Time
}

// pieces cuts the hour-aligned span [from, to) into pieces at the
// coarsest grain that fits: whole years in the middle, then whole quarters
// and months towards the ends, and hours at the ragged ends. A year's
// window so reads a handful of buckets per cell instead of one row per
// hour with orders. The pieces do not overlap and cover the span exactly.
func pieces(from, to time.Time) []piece {
	return cut(from.UTC(), to.UTC(), 0)
}

// cut splits [from, to), aligned to grains[level], into pieces of that
// grain at both ends and whatever coarser grains fit between them.
func cut(from, to time.Time, level int) []piece {
	if !from.Before(to) {
		return nil
	}
	if level == len(grains)-1 {
		return []piece{{grains[level], from, to}}
	}
	inner := grains[level+1]
	lo, hi := ceilGrain(inner, from), floorGrain(inner, to)
	if !lo.Before(hi) {
		return []piece{{grains[level], from, to}}
	}
	var out []piece
	if from.Before(lo) {
		out = append(out, piece{grains[level], from, lo})
	}
	out = append(out, cut(lo, hi, level+1)...)
	if hi.Before(to) {
		out = append(out, piece{grains[level], hi, to})
	}
	return out
}

// floorGrain is the start of the grain's bucket holding t (UTC).
func floorGrain(grain string, t time.Time) time.Time {
	switch grain {
	case grainMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	case grainQuarter:
		return time.Date(t.Year(), (t.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	case grainYear:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Truncate(time.Hour)
}

// ceilGrain is the first start of a bucket of the grain at or after t.
func ceilGrain(grain string, t time.Time) time.Time {
	f := floorGrain(grain, t)
	if f.Equal(t) {
		return f
	}
	switch grain {
	case grainMonth:
		return f.AddDate(0, 1, 0)
	case grainQuarter:
		return f.AddDate(0, 3, 0)
	case grainYear:
		return f.AddDate(1, 0, 0)
	}
	return f.Add(time.Hour)
}

// piecesWhere is the condition selecting the rows of orders_opened that
// the pieces cover, with its arguments: per grain, its ranges of buckets,
// adjacent ones joined (the previous window's last hours and the current
// one's first are one range).
func piecesWhere(ps []piece) (string, []any) {
	var conds []string
	var args []any
	for _, g := range grains {
		var same []piece
		for _, p := range ps {
			if p.grain == g {
				same = append(same, p)
			}
		}
		slices.SortFunc(same, func(a, b piece) int { return a.from.Compare(b.from) })
		var ranges []string
		for i := 0; i < len(same); i++ {
			from, to := same[i].from, same[i].to
			for i+1 < len(same) && same[i+1].from.Equal(to) {
				i++
				to = same[i].to
			}
			ranges = append(ranges, "(bucket >= ? AND bucket < ?)")
			args = append(args, bucketOf(from), bucketOf(to))
		}
		if len(ranges) > 0 {
			conds = append(conds, "(grain = '"+g+"' AND ("+strings.Join(ranges, " OR ")+"))")
		}
	}
	if len(conds) == 0 {
		return "0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// bucketOf is t as the bucket column's value, Unix seconds: compared with
// a DateTime column as a plain number, it spares ClickHouse converting a
// DateTime64 literal for every comparison.
func bucketOf(t time.Time) uint32 { return uint32(t.Unix()) }
