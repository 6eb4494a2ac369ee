package dispatch

import (
	"slices"
	"strings"

	"github.com/gridpulse/gridpulse/event"
)

// Department is a functional department a street summons for matters
// beyond a grid worker ("the street blows the whistle, departments report",
// 镇街吹哨、部门报到). An order dispatched to one has the assignee
// DepartmentPrefix + Code.
type Department struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	// Handles lists the categories and classes in the department's remit.
	Handles []string `json:"handles"`
}

// DepartmentPrefix starts the assignee of an order held by a department.
const DepartmentPrefix = "dept:"

// Assignee is the assignee value of an order dispatched to d.
func (d Department) Assignee() string { return DepartmentPrefix + d.Code }

// handles reports whether category is in the department's remit.
func (d Department) handles(category string) bool {
	return slices.Contains(d.Handles, category) || slices.Contains(d.Handles, event.ClassOf(category))
}

// Departments are the district's departments that report when summoned.
var Departments = []Department{
	{"law_enforcement", "综合行政执法局", "comprehensive law enforcement",
		[]string{"city", "environment.illegal_building", "environment.encroachment", "environment.cooking_fumes", "environment.group_rental",
			"environment.parking", "environment.pets"}},
	{"housing", "住房和城乡建设局", "housing and construction",
		[]string{"property.fee", "property.repair_response", "property.delivery", "property.handover", "property.owners_committee", "property.public_income", "property.renovation", "facility.roof_leak", "safety.dangerous_building"}},
	{"market_regulation", "市场监督管理局", "market regulation (special equipment)",
		[]string{"facility.elevator", "property.service_quality"}},
	{"fire_rescue", "消防救援大队", "fire and rescue",
		[]string{"safety.fire_lane", "safety.ebike", "safety.flying_wire"}},
	{"emergency", "应急管理局", "emergency management",
		[]string{"safety.gas", "facility.gas_supply", "safety.flooding"}},
	{"water", "水务局", "water authority",
		[]string{"facility.water_supply", "facility.drains", "safety.flooding"}},
	{"power", "供电公司", "power company",
		[]string{"facility.power_supply", "facility.charging_pile", "facility.lighting"}},
	{"heating", "供热公司", "heating company",
		[]string{"facility.heating"}},
	{"police", "公安分局", "public security bureau",
		[]string{"safety.public_security", "safety.thrown_objects", "neighbour.dogs", "property.security", "facility.cctv"}},
	{"ecology", "生态环境局", "ecology and environment",
		[]string{"environment.noise", "city.construction_noise", "environment.cooking_fumes"}},
	{"greening", "公园城市局", "parks and greening",
		[]string{"environment.greenery", "city.trees"}},
	{"sanitation", "环境卫生管理所", "sanitation",
		[]string{"environment.garbage", "environment.sanitation", "property.cleaning", "city.public_toilet"}},
	{"judicial", "司法所", "judicial office (mediation)",
		[]string{"neighbour"}},
}

// DepartmentsFor lists the departments whose remit covers category, in
// catalogue order.
func DepartmentsFor(category string) []Department {
	var out []Department
	for _, d := range Departments {
		if d.handles(category) {
			out = append(out, d)
		}
	}
	return out
}

// FindDepartment is the department an assignee names, when it names one.
func FindDepartment(assignee string) (Department, bool) {
	code, ok := strings.CutPrefix(assignee, DepartmentPrefix)
	if !ok {
		return Department{}, false
	}
	for _, d := range Departments {
		if d.Code == code {
			return d, true
		}
	}
	return Department{}, false
}
