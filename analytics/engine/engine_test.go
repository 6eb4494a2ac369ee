package engine_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/analytics"
	"github.com/gridpulse/gridpulse/analytics/analyticstest"
	"github.com/gridpulse/gridpulse/analytics/engine"
)

type typedRow struct {
	S     string     `ch:"s"`
	B     bool       `ch:"b"`
	U8    uint8      `ch:"u8"`
	U64   uint64     `ch:"u64"`
	F32   float32    `ch:"f32"`
	F64   float64    `ch:"f64"`
	At    time.Time  `ch:"at"`
	Maybe *time.Time `ch:"maybe"`
}

// Every column type a block may hold, with the strings that need escaping,
// goes in and comes back unchanged, on both engines.
func TestInsertAndSelectRoundTrip(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		ctx := context.Background()
		eng := analyticstest.Open(t, cfg).Engine()
		if err := eng.Exec(ctx, `CREATE TABLE round_trip (i UInt64, s String, b Bool, u8 UInt8, u64 UInt64,
			f32 Float32, f64 Float64, at DateTime64(3, 'UTC'), maybe Nullable(DateTime64(3, 'UTC')))
			ENGINE = MergeTree ORDER BY i`); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 3, 2, 1, 30, 15, 7e6, time.UTC)
		want := []typedRow{
			{S: "双流区 东升街道", B: true, U8: 255, U64: math.MaxUint64, F32: 1.5, F64: 103.9212345, At: at, Maybe: &at},
			{S: "tab\tnew\nline\rback\\slash 'quote' \"dq\" nul\x00end", At: at.Add(time.Hour)},
		}
		rows := &engine.Block{Table: "round_trip", Columns: []engine.Column{
			{Name: "i", Values: []uint64{0, 1}},
			{Name: "s", Values: []string{want[0].S, want[1].S}},
			{Name: "b", Values: []bool{want[0].B, want[1].B}},
			{Name: "u8", Values: []uint8{want[0].U8, want[1].U8}},
			{Name: "u64", Values: []uint64{want[0].U64, want[1].U64}},
			{Name: "f32", Values: []float32{want[0].F32, want[1].F32}},
			{Name: "f64", Values: []float64{want[0].F64, want[1].F64}},
			{Name: "at", Values: []time.Time{want[0].At, want[1].At}},
			{Name: "maybe", Values: []*time.Time{want[0].Maybe, want[1].Maybe}},
		}}
		if err := eng.Insert(ctx, rows); err != nil {
			t.Fatal(err)
		}
		var got []typedRow
		if err := eng.Select(ctx, &got, "SELECT s, b, u8, u64, f32, f64, at, maybe FROM round_trip WHERE at >= ? ORDER BY i", at); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d rows, want %d", len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.S != w.S || g.B != w.B || g.U8 != w.U8 || g.U64 != w.U64 || g.F32 != w.F32 || g.F64 != w.F64 ||
				!g.At.Equal(w.At) || (g.Maybe == nil) != (w.Maybe == nil) || (g.Maybe != nil && !g.Maybe.Equal(*w.Maybe)) {
				t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
			}
		}
	})
}

// A statement ClickHouse rejects comes back as an error naming it, and the
// engine stays usable.
func TestErrorsAreReturned(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		ctx := context.Background()
		eng := analyticstest.Open(t, cfg).Engine()
		if err := eng.Exec(ctx, "SELECT * FROM no_such_table"); err == nil {
			t.Fatal("a query on a missing table succeeded")
		}
		var rows []struct {
			N uint8 `ch:"n"`
		}
		if err := eng.Select(ctx, &rows, "SELECT 1 AS n"); err != nil || len(rows) != 1 || rows[0].N != 1 {
			t.Fatalf("after an error: %v %v", rows, err)
		}
	})
}

// The result types the queries read (arrays, LowCardinality, Nullable
// numbers, 32-bit integers) scan into their Go types on both engines, and
// a column whose type does not fit its field is an error, not a guess.
func TestSelectTypes(t *testing.T) {
	analyticstest.Run(t, func(t *testing.T, cfg analytics.Config) {
		ctx := context.Background()
		eng := analyticstest.Open(t, cfg).Engine()
		var got []struct {
			Codes  []string `ch:"codes"`
			Counts []uint64 `ch:"counts"`
			Name   string   `ch:"name"`
			Median *float64 `ch:"median"`
			None   *float64 `ch:"none"`
			V      uint32   `ch:"v"`
		}
		err := eng.Select(ctx, &got, "SELECT ['510116001', '510116002'] AS codes, [toUInt64(3), 0] AS counts, "+
			"toLowCardinality('东升') AS name, toNullable(1.5) AS median, CAST(NULL AS Nullable(Float64)) AS none, toUInt32(7) AS v "+
			"FROM numbers(2)")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%d rows, want 2", len(got))
		}
		g := got[1]
		if strings.Join(g.Codes, ",") != "510116001,510116002" || len(g.Counts) != 2 || g.Counts[0] != 3 || g.Name != "东升" ||
			g.Median == nil || *g.Median != 1.5 || g.None != nil || g.V != 7 {
			t.Errorf("got %+v", g)
		}
		var wrong []struct {
			N uint64 `ch:"n"`
		}
		if err := eng.Select(ctx, &wrong, "SELECT toInt64(1) - 2 AS n"); err == nil {
			t.Errorf("an Int64 column scanned into a uint64 field: %+v", wrong)
		}
	})
}
