package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Bind replaces each ? placeholder of query that stands outside quotes and
// comments with the SQL literal of the next argument, so both engines get
// exactly the same text. Arguments may be string, []string, bool, int,
// int64, uint8, uint32, uint64, []uint64, float64 and time.Time (bound as
// a UTC DateTime64(3)).
func Bind(query string, args ...any) (string, error) {
	if len(args) == 0 && !strings.Contains(query, "?") {
		return query, nil
	}
	var b strings.Builder
	b.Grow(len(query) + 16*len(args))
	next := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			end := quotedEnd(query, i)
			b.WriteString(query[i:end])
			i = end - 1
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i
			}
			b.WriteString(query[i : i+end])
			i += end - 1
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				return "", fmt.Errorf("engine: unterminated comment in query")
			}
			b.WriteString(query[i : i+2+end+2])
			i += 2 + end + 1
		case c == '?':
			if next >= len(args) {
				return "", fmt.Errorf("engine: query has more placeholders than the %d arguments", len(args))
			}
			lit, err := literal(args[next])
			if err != nil {
				return "", fmt.Errorf("engine: argument %d: %w", next+1, err)
			}
			b.WriteString(lit)
			next++
		default:
			b.WriteByte(c)
		}
	}
	if next != len(args) {
		return "", fmt.Errorf("engine: query has %d placeholders for %d arguments", next, len(args))
	}
	return b.String(), nil
}

// quotedEnd is the index just past the quoted string, identifier or
// literal starting at query[start]; a backslash escapes the next byte and a
// doubled quote stands for itself, as in ClickHouse.
func quotedEnd(query string, start int) int {
	q := query[start]
	for i := start + 1; i < len(query); i++ {
		switch query[i] {
		case '\\':
			i++
		case q:
			if i+1 < len(query) && query[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(query)
}

// literal is v as a ClickHouse SQL literal.
func literal(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return quoteString(v), nil
	case []string:
		parts := make([]string, len(v))
		for i, s := range v {
			parts[i] = quoteString(s)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case bool:
		return strconv.FormatBool(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case uint8:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint64:
		return strconv.FormatUint(v, 10), nil
	case []uint64:
		parts := make([]string, len(v))
		for i, n := range v {
			parts[i] = strconv.FormatUint(n, 10)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("%v has no SQL literal", v)
		}
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case time.Time:
		return "toDateTime64('" + v.UTC().Format(timeLayout) + "', 3, 'UTC')", nil
	}
	return "", fmt.Errorf("%T cannot be bound", v)
}

// timeLayout is how times are written to ClickHouse, always in UTC.
const timeLayout = "2006-01-02 15:04:05.000"

// quoteString is s as a single-quoted SQL string.
func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// quoteIdent is name as a back-quoted identifier.
func quoteIdent(name string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(name, `\`, `\\`), "`", "\\`") + "`"
}
