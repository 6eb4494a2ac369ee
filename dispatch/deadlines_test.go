package dispatch

import (
	"testing"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

func TestDeadlinePeriod(t *testing.T) {
	tests := []struct {
		category string
		priority event.Priority
		want     time.Duration
	}{
		{"environment.parking", "normal", 72 * time.Hour},
		{"environment.parking", "urgent", 2 * time.Hour},
		{"environment.parking", "low", 7 * 24 * time.Hour},
		{"environment.parking", "", 72 * time.Hour},
		{"safety.fire_lane", "normal", 24 * time.Hour},               // the class row beats the priority row
		{"safety.fire_lane", "urgent", time.Hour},                    // class and priority
		{"facility.elevator", "normal", 24 * time.Hour},              // the item row
		{"facility.elevator", "high", 24 * time.Hour},                // no item row for high: the priority row
		{"facility.elevator", "urgent", 2 * time.Hour},               // nor for urgent
		{"neighbour.dispute", "normal", 5 * 24 * time.Hour},          // mediation takes longer
		{"environment.illegal_building", "low", 14 * 24 * time.Hour}, // an item beats its class
		{"city.manhole", "normal", 48 * time.Hour},
		{"city.manhole", "high", 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := DefaultDeadlines.Period(tt.category, tt.priority); got != tt.want {
			t.Errorf("Period(%s, %s) = %s, want %s", tt.category, tt.priority, got, tt.want)
		}
	}
}

func TestDeadlineTableValidate(t *testing.T) {
	if err := DefaultDeadlines.Validate(); err != nil {
		t.Fatalf("the default table: %v", err)
	}
	tests := []struct {
		name  string
		table DeadlineTable
	}{
		{"no catch-all row", DeadlineTable{{"safety", "", time.Hour}}},
		{"unknown category", DeadlineTable{{"", "", time.Hour}, {"safety.lions", "", time.Hour}}},
		{"unknown priority", DeadlineTable{{"", "", time.Hour}, {"", "whenever", time.Hour}}},
		{"zero period", DeadlineTable{{"", "", 0}}},
	}
	for _, tt := range tests {
		if err := tt.table.Validate(); err == nil {
			t.Errorf("%s: Validate passed", tt.name)
		}
	}
}

func TestDeadlineRuleJSON(t *testing.T) {
	b, err := DeadlineRule{"safety", "urgent", 90 * time.Minute}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"category":"safety","priority":"urgent","period":"1h30m0s","hours":1.5}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}
