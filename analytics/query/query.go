// Package query answers the analytics API from ClickHouse: the
// public-sentiment weather map (民情气象图) per cell, from the hourly
// rollups. Each request is a typed struct that Validate checks and
// normalises; every value from a request reaches SQL as a bound ? argument,
// and identifiers (the column a level groups by) come from fixed tables
// here, never from request text.
package query

import (
	"fmt"
	"time"

	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/area"
)

// Service runs analytics queries on one ClickHouse, with the district's
// areas for names, households and scopes. It is safe for concurrent use.
type Service struct {
	eng        engine.Engine
	areas      *area.Set
	facilities []*area.Facility
	now        func() time.Time
	cells      cellTables
}

// New is a Service on eng (analytics.Store.Engine()) that names cells and
// divides by households from areas, and counts facilities (elevators,
// control rooms…) in cell profiles.
func New(eng engine.Engine, areas *area.Set, facilities []*area.Facility) *Service {
	return &Service{eng: eng, areas: areas, facilities: facilities, now: time.Now}
}

// FieldError is a request field with a value the API does not accept; the
// server answers it with 400 naming Field.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}
