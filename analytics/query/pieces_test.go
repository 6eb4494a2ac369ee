package query

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestPieces(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name     string
		from, to string
		want     []piece
	}{
		{"hours inside a month", "2026-03-02 05", "2026-03-09 13", []piece{{grainHour, at("2026-03-02 05"), at("2026-03-09 13")}}},
		{"across a month end, no whole month", "2026-02-20 00", "2026-03-10 00", []piece{{grainHour, at("2026-02-20 00"), at("2026-03-10 00")}}},
		{"one whole month between", "2026-01-20 07", "2026-03-02 00", []piece{
			{grainHour, at("2026-01-20 07"), at("2026-02-01 00")},
			{grainMonth, at("2026-02-01 00"), at("2026-03-01 00")},
			{grainHour, at("2026-03-01 00"), at("2026-03-02 00")},
		}},
		{"a calendar year", "2025-01-01 00", "2026-01-01 00", []piece{{grainYear, at("2025-01-01 00"), at("2026-01-01 00")}}},
		{"365 days ending mid-month", "2025-03-10 13", "2026-03-10 13", []piece{
			{grainHour, at("2025-03-10 13"), at("2025-04-01 00")},
			{grainQuarter, at("2025-04-01 00"), at("2026-01-01 00")},
			{grainMonth, at("2026-01-01 00"), at("2026-03-01 00")},
			{grainHour, at("2026-03-01 00"), at("2026-03-10 13")},
		}},
		{"400 days with a whole year inside", "2024-12-15 00", "2026-01-19 00", []piece{
			{grainHour, at("2024-12-15 00"), at("2025-01-01 00")},
			{grainYear, at("2025-01-01 00"), at("2026-01-01 00")},
			{grainHour, at("2026-01-01 00"), at("2026-01-19 00")},
		}},
		{"leap day inside", "2024-02-29 10", "2024-05-01 00", []piece{
			{grainHour, at("2024-02-29 10"), at("2024-03-01 00")},
			{grainMonth, at("2024-03-01 00"), at("2024-05-01 00")},
		}},
		{"empty", "2026-03-01 00", "2026-03-01 00", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pieces(at(tt.from), at(tt.to))
			if len(got) != len(tt.want) {
				t.Fatalf("pieces = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].grain != tt.want[i].grain || !got[i].from.Equal(tt.want[i].from) || !got[i].to.Equal(tt.want[i].to) {
					t.Errorf("piece %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// Any hour-aligned span of up to two years is covered exactly, in order,
// by pieces on their grains' boundaries.
func TestPiecesCoverSpans(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 5000 {
		from := base.Add(time.Duration(r.IntN(3*8760)) * time.Hour)
		to := from.Add(time.Duration(r.IntN(2*8760)) * time.Hour)
		next := from
		for _, p := range pieces(from, to) {
			if !p.from.Equal(next) || !p.from.Before(p.to) {
				t.Fatalf("[%s, %s): piece %v does not follow %s", from, to, p, next)
			}
			if !floorGrain(p.grain, p.from).Equal(p.from) || !floorGrain(p.grain, p.to).Equal(p.to) {
				t.Fatalf("[%s, %s): piece %v is off its grain's boundaries", from, to, p)
			}
			next = p.to
		}
		if !next.Equal(to) && from.Before(to) {
			t.Fatalf("[%s, %s): pieces end at %s", from, to, next)
		}
	}
}

func TestPiecesWhere(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The year before and the year to mid-March: the hours either side of
	// the boundary between the windows are one range.
	ps := append(pieces(at("2024-03-10 13"), at("2025-03-10 13")), pieces(at("2025-03-10 13"), at("2026-03-10 13"))...)
	where, args := piecesWhere(ps)
	want := "((grain = 'hour' AND ((bucket >= ? AND bucket < ?) OR (bucket >= ? AND bucket < ?) OR (bucket >= ? AND bucket < ?))) OR " +
		"(grain = 'month' AND ((bucket >= ? AND bucket < ?) OR (bucket >= ? AND bucket < ?))) OR " +
		"(grain = 'quarter' AND ((bucket >= ? AND bucket < ?) OR (bucket >= ? AND bucket < ?))))"
	if where != want {
		t.Errorf("where\\n %s\\nwant\\n %s", where, want)
	}
	wantArgs := []string{"2024-03-10 13", "2024-04-01 00", "2025-03-01 00", "2025-04-01 00", "2026-03-01 00", "2026-03-10 13",
		"2025-01-01 00", "2025-03-01 00", "2026-01-01 00", "2026-03-01 00",
		"2024-04-01 00", "2025-01-01 00", "2025-04-01 00", "2026-01-01 00"}
	if len(args) != len(wantArgs) {
		t.Fatalf("%d arguments, want %d", len(args), len(wantArgs))
	}
	for i, w := range wantArgs {
		if args[i] != bucketOf(at(w)) {
			t.Errorf("argument %d = %v, want %s", i, args[i], w)
		}
	}
	if where, args := piecesWhere(nil); where != "0" || len(args) != 0 {
		t.Errorf("no pieces: %q %v, want a condition that holds for no row", where, args)
	}
}
