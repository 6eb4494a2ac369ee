package engine

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// appendRowBinary writes the block's rows in ClickHouse's RowBinary
// format, each column encoded as the table's type for it (types[i] for
// column i): what the embedded engine reads back with file(). A binary
// format spares the engine turning text into numbers and times, which was
// most of its cost of an insert.
func appendRowBinary(buf []byte, b *Block, types []string) ([]byte, error) {
	cols := make([]func([]byte, int) []byte, len(b.Columns))
	for i, c := range b.Columns {
		w, err := rowBinaryWriter(c.Values, types[i])
		if err != nil {
			return buf, fmt.Errorf("engine: %s.%s: %w", b.Table, c.Name, err)
		}
		cols[i] = w
	}
	for r := range b.Len() {
		for _, w := range cols {
			buf = w(buf, r)
		}
	}
	return buf, nil
}

// rowBinaryWriter returns the function writing row r of a column of Go
// values as the ClickHouse type chType.
func rowBinaryWriter(values any, chType string) (func([]byte, int) []byte, error) {
	inner, nullable := unwrap(chType, "Nullable(")
	inner, _ = unwrap(inner, "LowCardinality(")
	mismatch := fmt.Errorf("%T cannot be written as %s", values, chType)
	if v, ok := values.([]*time.Time); ok {
		if !nullable {
			return nil, mismatch
		}
		enc, err := timeEncoder(inner)
		if err != nil {
			return nil, err
		}
		return func(buf []byte, r int) []byte {
			if v[r] == nil {
				return append(buf, 1)
			}
			return enc(append(buf, 0), *v[r])
		}, nil
	}
	if nullable {
		return nil, mismatch
	}
	switch v := values.(type) {
	case []string:
		if inner != "String" {
			return nil, mismatch
		}
		return func(buf []byte, r int) []byte {
			buf = binary.AppendUvarint(buf, uint64(len(v[r])))
			return append(buf, v[r]...)
		}, nil
	case []bool:
		if inner != "Bool" && inner != "UInt8" {
			return nil, mismatch
		}
		return func(buf []byte, r int) []byte {
			if v[r] {
				return append(buf, 1)
			}
			return append(buf, 0)
		}, nil
	case []uint8:
		if inner != "UInt8" {
			return nil, mismatch
		}
		return func(buf []byte, r int) []byte { return append(buf, v[r]) }, nil
	case []uint64:
		if inner != "UInt64" {
			return nil, mismatch
		}
		return func(buf []byte, r int) []byte { return binary.LittleEndian.AppendUint64(buf, v[r]) }, nil
	case []float32:
		if inner != "Float32" {
			return nil, mismatch
		}
		return func(buf []byte, r int) []byte {
			return binary.LittleEndian.AppendUint32(buf, math.Float32bits(v[r]))
		}, nil
	case []float64:
		if inner != "Float64" {
			return nil, mismatch
		}
		return func(buf []byte, r int) []byte {
			return binary.LittleEndian.AppendUint64(buf, math.Float64bits(v[r]))
		}, nil
	case []time.Time:
		enc, err := timeEncoder(inner)
		if err != nil {
			return nil, err
		}
		return func(buf []byte, r int) []byte { return enc(buf, v[r]) }, nil
	}
	return nil, mismatch
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
