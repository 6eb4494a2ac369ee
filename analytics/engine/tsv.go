package engine

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// appendTSV writes the block's rows in ClickHouse's TabSeparated format:
// the embedded engine takes inserts as text in the query, and TSV is the
// cheapest text for it to parse. It also escapes NUL, as the query travels
// as a C string.
func appendTSV(buf []byte, b *Block) ([]byte, error) {
	cols := make([]func([]byte, int) []byte, len(b.Columns))
	for i, c := range b.Columns {
		if cols[i] = tsvWriter(c.Values); cols[i] == nil {
			return buf, fmt.Errorf("engine: %s.%s holds %T, which is not a supported column type", b.Table, c.Name, c.Values)
		}
	}
	rows := b.Len()
	for r := range rows {
		for i, w := range cols {
			if i > 0 {
				buf = append(buf, '\t')
			}
			buf = w(buf, r)
		}
		buf = append(buf, '\n')
	}
	return buf, nil
}

// tsvWriter returns the function writing row r of a column, or nil for a
// type it does not know.
func tsvWriter(values any) func([]byte, int) []byte {
	switch v := values.(type) {
	case []string:
		return func(buf []byte, r int) []byte { return appendEscaped(buf, v[r]) }
	case []bool:
		return func(buf []byte, r int) []byte { return strconv.AppendBool(buf, v[r]) }
	case []uint8:
		return func(buf []byte, r int) []byte { return strconv.AppendUint(buf, uint64(v[r]), 10) }
	case []uint64:
		return func(buf []byte, r int) []byte { return strconv.AppendUint(buf, v[r], 10) }
	case []float32:
		return func(buf []byte, r int) []byte { return appendFloat(buf, float64(v[r]), 32) }
	case []float64:
		return func(buf []byte, r int) []byte { return appendFloat(buf, v[r], 64) }
	case []time.Time:
		return func(buf []byte, r int) []byte { return v[r].UTC().AppendFormat(buf, timeLayout) }
	case []*time.Time:
		return func(buf []byte, r int) []byte {
			if v[r] == nil {
				return append(buf, `\N`...)
			}
			return v[r].UTC().AppendFormat(buf, timeLayout)
		}
	}
	return nil
}

func appendFloat(buf []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "nan"...)
	case math.IsInf(f, 1):
		return append(buf, "inf"...)
	case math.IsInf(f, -1):
		return append(buf, "-inf"...)
	}
	return strconv.AppendFloat(buf, f, 'g', -1, bits)
}

// appendEscaped writes s with TabSeparated's escapes for the bytes that
// would end a field, a row or the C string.
func appendEscaped(buf []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\\':
			esc = '\\'
		case '\t':
			esc = 't'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case 0:
			esc = '0'
		default:
			continue
		}
		buf = append(buf, s[start:i]...)
		buf = append(buf, '\\', esc)
		start = i + 1
	}
	return append(buf, s[start:]...)
}
