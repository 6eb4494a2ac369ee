package dispatch

import (
	"testing"

	"github.com/gridpulse/gridpulse/event"
)

func TestRoute(t *testing.T) {
	where := event.Chain{Street: "510116001", Community: "510116001002", Compound: "5101160010020003",
		Building: "5101160010020003004"}
	outside := event.Chain{Street: "510116001", Community: "510116001002"}
	tests := []struct {
		name        string
		category    string
		priority    event.Priority
		escalations int
		where       event.Chain
		want        Routing
	}{
		{"a small matter stays in the community", "environment.parking", "normal", 0, where,
			Routing{Level: LevelCommunity, Unit: "510116001002"}},
		{"first escalation: the street", "environment.parking", "normal", 1, where,
			Routing{Level: LevelStreet, Unit: "510116001"}},
		{"second: the district", "environment.parking", "normal", 2, where,
			Routing{Level: LevelDistrict, Unit: "510116"}},
		{"third: still the district, flagged", "environment.parking", "normal", 3, where,
			Routing{Level: LevelDistrict, Unit: "510116", Flagged: true}},
		{"an urgent order starts at the street", "environment.parking", "urgent", 0, where,
			Routing{Level: LevelStreet, Unit: "510116001", Major: true}},
		{"a dangerous building starts at the street", "safety.dangerous_building", "normal", 0, where,
			Routing{Level: LevelStreet, Unit: "510116001", Major: true}},
		{"city management starts at the street", "city.manhole", "low", 0, where,
			Routing{Level: LevelStreet, Unit: "510116001", Major: true}},
		{"a major matter climbs to the district at once", "safety.gas", "high", 1, where,
			Routing{Level: LevelDistrict, Unit: "510116", Major: true}},
		{"a dispute starts with the building chief", "neighbour.dispute", "normal", 0, where,
			Routing{Level: LevelCommunity, Unit: "510116001002", Mediation: TierBuilding}},
		{"then the compound", "neighbour.water_leak", "normal", 1, where,
			Routing{Level: LevelStreet, Unit: "510116001", Mediation: TierCompound}},
		{"then joint mediation", "neighbour.dogs", "normal", 2, where,
			Routing{Level: LevelDistrict, Unit: "510116", Mediation: TierJoint}},
		{"outside a building mediation starts in the compound", "neighbour.dispute", "normal", 0, outside,
			Routing{Level: LevelCommunity, Unit: "510116001002", Mediation: TierCompound}},
		{"and stays joint", "neighbour.dispute", "normal", 5, outside,
			Routing{Level: LevelDistrict, Unit: "510116", Mediation: TierJoint, Flagged: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Route(tt.category, tt.priority, tt.escalations, tt.where); got != tt.want {
				t.Errorf("Route = %+v, want %+v", got, tt.want)
			}
		})
	}
}
