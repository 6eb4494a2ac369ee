package dispatch

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// DeadlineRule is one row of the deadline table: how long an order of a
// category and priority may take from receipt to being reported done.
type DeadlineRule struct {
	// Category is an item ("facility.elevator"), a class ("safety"), or
	// empty for any category.
	Category string
	// Priority is one priority, or empty for any.
	Priority event.Priority
	// Period is the time allowed.
	Period time.Duration
}

// MarshalJSON writes the period both as a Go duration and in hours.
func (r DeadlineRule) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Category string         `json:"category,omitempty"`
		Priority event.Priority `json:"priority,omitempty"`
		Period   string         `json:"period"`
		Hours    float64        `json:"hours"`
	}{r.Category, r.Priority, r.Period.String(), r.Period.Hours()})
}

// DeadlineTable is the configuration table of deadlines. For an order the
// most specific matching row wins: an item before its class before any
// category, and, within those, a priority before any priority; rows equally
// specific are taken in table order. A table needs a row for any category
// and any priority, so every order finds one.
type DeadlineTable []DeadlineRule

// DefaultDeadlines is the district's deadline table. By priority alone:
// urgent 2 hours, high a day, normal 3 days, low a week. Safety hazards
// and outages of elevators and utilities are shorter, neighbour mediation
// (which takes meetings) and illegal building (an enforcement procedure)
// longer.
var DefaultDeadlines = DeadlineTable{
	{"", "", 72 * time.Hour},
	{"", "urgent", 2 * time.Hour},
	{"", "high", 24 * time.Hour},
	{"", "normal", 72 * time.Hour},
	{"", "low", 7 * 24 * time.Hour},
	{"safety", "urgent", time.Hour},
	{"safety", "high", 12 * time.Hour},
	{"safety", "normal", 24 * time.Hour},
	{"safety", "low", 72 * time.Hour},
	{"facility.elevator", "normal", 24 * time.Hour},
	{"facility.elevator", "low", 48 * time.Hour},
	{"facility.water_supply", "normal", 24 * time.Hour},
	{"facility.power_supply", "normal", 24 * time.Hour},
	{"facility.gas_supply", "normal", 24 * time.Hour},
	{"facility.heating", "normal", 24 * time.Hour},
	{"neighbour", "normal", 5 * 24 * time.Hour},
	{"neighbour", "low", 10 * 24 * time.Hour},
	{"environment.illegal_building", "normal", 7 * 24 * time.Hour},
	{"environment.illegal_building", "low", 14 * 24 * time.Hour},
	{"city", "normal", 48 * time.Hour},
}

// Period is the time the table allows an order of this category and
// priority.
func (t DeadlineTable) Period(category string, p event.Priority) time.Duration {
	best, bestScore := time.Duration(0), -1
	class := event.ClassOf(category)
	for _, r := range t {
		score := 0
		switch r.Category {
		case "":
		case category:
			score += 4
		case class:
			score += 2
		default:
			continue
		}
		switch r.Priority {
		case "":
		case p:
			score++
		default:
			continue
		}
		if score > bestScore {
			best, bestScore = r.Period, score
		}
	}
	return best
}

// Validate checks that every row names a known category or class and
// priority with a positive period, and that a row for any category and
// priority is there.
func (t DeadlineTable) Validate() error {
	catchAll := false
	for i, r := range t {
		if r.Category != "" && !event.Categories.Has(r.Category) && !event.Classes.Has(r.Category) {
			return fmt.Errorf("deadline rule %d: %q is neither a category nor a class", i, r.Category)
		}
		if r.Priority != "" && !event.Priorities.Has(string(r.Priority)) {
			return fmt.Errorf("deadline rule %d: %q is not a priority", i, r.Priority)
		}
		if r.Period <= 0 {
			return fmt.Errorf("deadline rule %d: period %s is not positive", i, r.Period)
		}
		if r.Category == "" && r.Priority == "" {
			catchAll = true
		}
	}
	if !catchAll {
		return fmt.Errorf("the deadline table has no row for any category and any priority")
	}
	return nil
}
