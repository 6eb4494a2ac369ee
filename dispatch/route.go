package dispatch

import (
	"slices"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
)

// Level is the tier of government handling an order.
type Level string

// The levels an order climbs as it is escalated.
const (
	LevelCommunity Level = "community" // 社区
	LevelStreet    Level = "street"    // 街道
	LevelDistrict  Level = "district"  // 区
)

// levels are the tiers in the order an escalation climbs them.
var levels = []Level{LevelCommunity, LevelStreet, LevelDistrict}

// Tier is a step of neighbourhood mediation (三级调解).
type Tier string

// The mediation tiers, climbed one per escalation.
const (
	TierBuilding Tier = "building" // 楼栋调解: the building chief
	TierCompound Tier = "compound" // 院落调解: the compound's mediation committee
	TierJoint    Tier = "joint"    // 联合调解: community, street judicial office and police together
)

var tiers = []Tier{TierBuilding, TierCompound, TierJoint}

// FlagAfter is the number of escalations after which an order is flagged
// for the efficiency office (作风效能办).
const FlagAfter = 3

// majorCategories are matters for the street from the start (大事不出街道):
// hazards to life and property, and what needs the street's law
// enforcement. Every city-management item counts too.
var majorCategories = []string{
	"safety.dangerous_building", "safety.gas", "safety.flooding", "environment.illegal_building",
}

// Routing is where an order is handled now: its level and the area code of
// the unit at that level, the mediation tier for neighbourhood disputes,
// and whether it is flagged for the efficiency office.
type Routing struct {
	Level Level `json:"level"`
	// Unit is the code of the community, street or district handling it.
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name,omitempty"`
	// Major says the order started at the street: an urgent order or a
	// major category.
	Major bool `json:"major"`
	// Mediation is the tier for neighbourhood disputes (class neighbour).
	Mediation Tier `json:"mediation,omitempty"`
	// Flagged is set from the FlagAfter-th escalation on.
	Flagged bool `json:"flagged"`
}

// Major reports whether an order of this category and priority is a big
// matter that starts at the street; everything else starts in the
// community (小事不出社区).
func Major(category string, p event.Priority) bool {
	return p == "urgent" || event.ClassOf(category) == "city" || slices.Contains(majorCategories, category)
}

// Route is where an order stands after escalations escalations: a small
// matter starts in its community and a major one in its street, and each
// escalation climbs one level up to the district, where further ones stay.
// A neighbourhood dispute climbs the mediation tiers the same way, from
// the building (or, outside any building, the compound).
func Route(category string, p event.Priority, escalations int, where event.Chain) Routing {
	r := Routing{Major: Major(category, p), Flagged: escalations >= FlagAfter}
	start := 0
	if r.Major {
		start = 1
	}
	r.Level = levels[min(start+max(escalations, 0), len(levels)-1)]
	switch r.Level {
	case LevelCommunity:
		r.Unit = where.Community
	case LevelStreet:
		r.Unit = where.Street
	case LevelDistrict:
		r.Unit = area.ParentCode(area.Street, where.Street)
	}
	if event.ClassOf(category) == "neighbour" {
		first := 0
		if where.Building == "" {
			first = 1
		}
		r.Mediation = tiers[min(first+max(escalations, 0), len(tiers)-1)]
	}
	return r
}
