package engine

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// appendNative writes the block as one block of ClickHouse's Native
// format, each column encoded as the table's type for it (types[i] for
// column i): what the embedded engine reads back with file(). Native is
// column by column, the engine's own layout, so reading it is a copy per
// column rather than parsing row by row, which made the engine's side of an
// insert several times cheaper than RowBinary (BenchmarkInsert). Each
// column is written in one tight loop over its Go slice; clickhouse-go's
// own column encoders would do the same through per-value interfaces and
// allocations that cost more than the insert itself.
//
// A LowCardinality column is written as its plain type: the file says so
// in its header, and the insert converts it as it would any value.
func appendNative(buf []byte, b *Block, types []string) ([]byte, error) {
	rows := b.Len()
	buf = binary.AppendUvarint(buf, uint64(len(b.Columns)))
	buf = binary.AppendUvarint(buf, uint64(rows))
	for i, c := range b.Columns {
		fileType, _ := unwrap(types[i], "LowCardinality(")
		buf = appendString(buf, c.Name)
		buf = appendString(buf, fileType)
		var err error
		if buf, err = appendColumn(buf, c.Values, fileType); err != nil {
			return buf, fmt.Errorf("engine: %s.%s: %w", b.Table, c.Name, err)
		}
	}
	return buf, nil
}

// appendColumn writes the values of one column as the ClickHouse type
// chType, in Native's layout: a Nullable column's null map first, then
// every value (a placeholder for a null).
func appendColumn(buf []byte, values any, chType string) ([]byte, error) {
	inner, nullable := unwrap(chType, "Nullable(")
	mismatch := fmt.Errorf("%T cannot be written as %s", values, chType)
	if v, ok := values.([]*time.Time); ok {
		if !nullable {
			return buf, mismatch
		}
		enc, err := timeEncoder(inner)
		if err != nil {
			return buf, err
		}
		for _, t := range v {
			buf = append(buf, boolByte(t == nil))
		}
		for _, t := range v {
			if t == nil {
				buf = enc(buf, time.Unix(0, 0))
			} else {
				buf = enc(buf, *t)
			}
		}
		return buf, nil
	}
	if nullable {
		return buf, mismatch
	}
	switch v := values.(type) {
	case []string:
		if inner != "String" {
			return buf, mismatch
		}
		for _, s := range v {
			buf = appendString(buf, s)
		}
	case []bool:
		if inner != "Bool" && inner != "UInt8" {
			return buf, mismatch
		}
		for _, x := range v {
			buf = append(buf, boolByte(x))
		}
	case []uint8:
		if inner != "UInt8" {
			return buf, mismatch
		}
		buf = append(buf, v...)
	case []uint64:
		if inner != "UInt64" {
			return buf, mismatch
		}
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint64(buf, x)
		}
	case []float32:
		if inner != "Float32" {
			return buf, mismatch
		}
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
	case []float64:
		if inner != "Float64" {
			return buf, mismatch
		}
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
		}
	case []time.Time:
		enc, err := timeEncoder(inner)
		if err != nil {
			return buf, err
		}
		for _, t := range v {
			buf = enc(buf, t)
		}
	default:
		return buf, mismatch
	}
	return buf, nil
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// timeEncoder writes a time as DateTime (seconds, UInt32) or
// DateTime64(p) (ticks of 10^-p s, Int64).
func timeEncoder(chType string) (func([]byte, time.Time) []byte, error) {
	switch {
	case chType == "DateTime" || strings.HasPrefix(chType, "DateTime("):
		return func(buf []byte, t time.Time) []byte {
			return binary.LittleEndian.AppendUint32(buf, uint32(t.Unix()))
		}, nil
	case strings.HasPrefix(chType, "DateTime64("):
		args, _ := unwrap(chType, "DateTime64(")
		p, err := strconv.Atoi(strings.TrimSpace(strings.Split(args, ",")[0]))
		if err != nil || p < 0 || p > 9 {
			return nil, fmt.Errorf("unreadable precision in %s", chType)
		}
		div := int64(math.Pow10(9 - p))
		mul := int64(math.Pow10(p))
		return func(buf []byte, t time.Time) []byte {
			return binary.LittleEndian.AppendUint64(buf, uint64(t.Unix()*mul+int64(t.Nanosecond())/div))
		}, nil
	}
	return nil, fmt.Errorf("times cannot be written as %s", chType)
}

// unwrap strips wrapper( … ) from a type name, reporting whether it was
// there.
func unwrap(chType, wrapper string) (string, bool) {
	if strings.HasPrefix(chType, wrapper) && strings.HasSuffix(chType, ")") {
		return chType[len(wrapper) : len(chType)-1], true
	}
	return chType, false
}
