package query

import (
	"strings"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
)

// Level is the kind of cell a heatmap or ranking groups by.
type Level string

// The levels, and the rollup column and area layer of each.
const (
	LevelStreet    Level = "street"
	LevelCommunity Level = "community"
	LevelCompound  Level = "compound"
	LevelGrid      Level = "grid"
	LevelMicroGrid Level = "micro_grid"
)

// DefaultLevel is the level a request without one gets.
const DefaultLevel = LevelCommunity

// levels maps each level to its column in the rollups, which is also the
// only text of a request that selects an identifier.
var levels = map[Level]struct {
	column string
	layer  area.Layer
}{
	LevelStreet:    {"street", area.Street},
	LevelCommunity: {"community", area.Community},
	LevelCompound:  {"compound", area.Compound},
	LevelGrid:      {"grid", area.GeneralGrid},
	LevelMicroGrid: {"micro_grid", area.MicroGrid},
}

func parseLevel(s string) (Level, error) {
	if s == "" {
		return DefaultLevel, nil
	}
	if _, ok := levels[Level(s)]; !ok {
		return "", fieldErr("level", "level %q is not one of street, community, compound, grid, micro_grid", s)
	}
	return Level(s), nil
}

// filter is the WHERE clause shared by the rollup queries: fixed SQL text
// with ? for every value that came from a request.
type filter struct {
	conds []string
	args  []any
}

func (f *filter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

// with is a copy of f with one more condition.
func (f filter) with(cond string, args ...any) filter {
	g := filter{conds: append([]string(nil), f.conds...), args: append([]any(nil), f.args...)}
	g.add(cond, args...)
	return g
}

// where is " WHERE a AND b …", or "" without conditions.
func (f *filter) where() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// scope restricts f to a district (a city holds several), street or
// community; none restricts nothing. The server may force the scope of a
// user's token by setting the request's Area before validation.
func (s *Service) scope(f *filter, code string) error {
	switch len(code) {
	case 0:
		return nil
	case area.DistrictCodeLen:
		if _, ok := s.areas.Get(area.District, code); ok {
			f.add("startsWith(street, ?)", code)
			return nil
		}
	case area.StreetCodeLen:
		if _, ok := s.areas.Get(area.Street, code); ok {
			f.add("street = ?", code)
			return nil
		}
	case area.CommunityCodeLen:
		if _, ok := s.areas.Get(area.Community, code); ok {
			f.add("street = ? AND community = ?", code[:area.StreetCodeLen], code)
			return nil
		}
	}
	return fieldErr("area", "area %q is not a district, street or community of these areas", code)
}

// category restricts f to a class ("property") or one item
// ("property.fee"); empty restricts nothing.
func category(f *filter, code string) error {
	switch {
	case code == "":
	case event.Categories.Has(code):
		f.add("category = ?", code)
	case event.Classes.Has(code):
		f.add("startsWith(category, ?)", code+".")
	default:
		return fieldErr("category", "category %q is neither a category class nor a category code", code)
	}
	return nil
}

// inScope reports whether an area of the set lies in the scope code: codes
// extend their parents'.
func inScope(a *area.Area, code string) bool {
	return strings.HasPrefix(a.Code, code)
}
