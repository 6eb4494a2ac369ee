package event

// Term is one entry of a catalogue: its code on the wire and its names on
// screen.
type Term struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// Catalogue is an ordered list of terms, looked up by code.
type Catalogue []Term

// Has reports whether code is in the catalogue.
func (c Catalogue) Has(code string) bool {
	_, ok := c.Find(code)
	return ok
}

// Find returns the term with this code.
func (c Catalogue) Find(code string) (Term, bool) {
	for _, t := range c {
		if t.Code == code {
			return t, true
		}
	}
	return Term{}, false
}

// Codes lists the catalogue's codes in order, for error messages.
func (c Catalogue) Codes() []string {
	out := make([]string, len(c))
	for i, t := range c {
		out[i] = t.Code
	}
	return out
}

// State is a step of the work-order life cycle, after the digital city
// management standard (数字城管).
type State string

// The life-cycle states; Returned, Extended and Escalated are side steps.
const (
	Received     State = "received"
	Filed        State = "filed"
	Dispatched   State = "dispatched"
	InProgress   State = "in_progress"
	ReportedDone State = "reported_done"
	Verified     State = "verified"
	Closed       State = "closed"
	Returned     State = "returned"
	Extended     State = "extended"
	Escalated    State = "escalated"
)

// States is the catalogue of life-cycle states.
var States = Catalogue{
	{string(Received), "受理", "received"},
	{string(Filed), "立案", "filed"},
	{string(Dispatched), "派遣", "dispatched"},
	{string(InProgress), "处置", "in progress"},
	{string(ReportedDone), "反馈", "reported done"},
	{string(Verified), "核查", "verified"},
	{string(Closed), "结案", "closed"},
	{string(Returned), "退回", "returned"},
	{string(Extended), "延期", "extended"},
	{string(Escalated), "提级督办", "escalated"},
}

// Open reports whether an order in state s still needs work.
func (s State) Open() bool { return s != Closed }

// Channel is how an appeal reached the district.
type Channel string

// Channels is the catalogue of intake channels.
var Channels = Catalogue{
	{"hotline_12345", "12345热线", "12345 hotline"},
	{"secretary_reception", "书记接待日", "secretary reception day"},
	{"door_knocking", "敲门行动", "door-knocking"},
	{"qr_code", "书记“码”上办", "QR-code report"},
	{"grid_discovery", "网格发现上报", "grid worker discovery"},
	{"sensor", "物联感知", "sensor-generated"},
	{"open311", "市民上报", "citizen report (Open311)"},
}

// Priority orders the urgency of a work order.
type Priority string

// Priorities is the catalogue of priorities.
var Priorities = Catalogue{
	{"low", "低", "low"},
	{"normal", "一般", "normal"},
	{"high", "紧急", "high"},
	{"urgent", "特急", "urgent"},
}

// Categories holds the property-domain appeals in 5 classes and 46 items,
// then the wider city-management set. A category code is
// "<class>.<item>"; ClassOf gives the class.
var Categories = Catalogue{
	// 物业服务 property service
	{"property.fee", "物业收费", "property fees"},
	{"property.service_quality", "物业服务质量", "property service quality"},
	{"property.security", "保安门禁", "guards and gates"},
	{"property.cleaning", "保洁", "cleaning"},
	{"property.repair_response", "报修响应", "repair response"},
	{"property.public_income", "公共收益", "shared-area income"},
	{"property.handover", "物业交接", "property handover"},
	{"property.owners_committee", "业委会", "owners' committee"},
	{"property.renovation", "装修管理", "renovation"},
	{"property.delivery", "快递外卖", "parcels and deliveries"},
	// 设施设备 facilities
	{"facility.elevator", "电梯", "elevators"},
	{"facility.water_supply", "供水", "water supply"},
	{"facility.power_supply", "供电", "power supply"},
	{"facility.gas_supply", "供气", "gas supply"},
	{"facility.heating", "供暖", "heating"},
	{"facility.roof_leak", "屋面渗漏", "leaking roofs"},
	{"facility.drains", "管道疏通", "drains"},
	{"facility.charging_pile", "充电桩", "charging piles"},
	{"facility.lighting", "楼道照明", "stairwell lighting"},
	{"facility.cctv", "监控设施", "CCTV"},
	// 环境秩序 environment and order
	{"environment.parking", "停车", "parking"},
	{"environment.illegal_building", "违章搭建", "illegal building"},
	{"environment.garbage", "垃圾清运", "garbage"},
	{"environment.greenery", "绿化", "greenery"},
	{"environment.noise", "噪音", "noise"},
	{"environment.pets", "宠物", "pets"},
	{"environment.encroachment", "占用公共空间", "encroachment"},
	{"environment.cooking_fumes", "油烟", "cooking fumes"},
	{"environment.group_rental", "群租", "group rentals"},
	{"environment.sanitation", "环境卫生", "sanitation"},
	// 安全隐患 safety
	{"safety.fire_lane", "消防通道", "fire lanes"},
	{"safety.ebike", "电动车", "e-bikes"},
	{"safety.thrown_objects", "高空抛物", "objects thrown from height"},
	{"safety.gas", "燃气安全", "gas safety"},
	{"safety.dangerous_building", "危房", "dangerous buildings"},
	{"safety.flooding", "积水内涝", "flooding"},
	{"safety.public_security", "治安", "public security"},
	{"safety.flying_wire", "飞线充电", "flying-wire charging"},
	// 邻里关系 neighbourhood
	{"neighbour.dispute", "邻里纠纷", "neighbour disputes"},
	{"neighbour.water_leak", "楼上漏水", "leaks between flats"},
	{"neighbour.sunlight", "采光遮挡", "blocked light"},
	{"neighbour.dogs", "养犬扰民", "dogs"},
	{"neighbour.common_space", "公共部位占用", "shared spaces"},
	{"neighbour.family", "家庭矛盾", "family matters"},
	{"neighbour.tenancy", "租赁纠纷", "tenancy"},
	{"neighbour.other", "其他", "other"},
	// 城市管理 city management
	{"city.road_damage", "道路破损", "damaged roads"},
	{"city.manhole", "井盖缺损", "manhole covers"},
	{"city.street_light", "路灯", "street lights"},
	{"city.illegal_ad", "违规广告", "illegal advertising"},
	{"city.street_vending", "占道经营", "street vending"},
	{"city.construction_noise", "施工扰民", "construction noise"},
	{"city.muck_truck", "渣土撒漏", "muck trucks"},
	{"city.public_toilet", "公厕", "public toilets"},
	{"city.trees", "行道树", "street trees"},
	{"city.shared_bikes", "共享单车乱停", "shared bikes"},
}

// Classes are the category classes, the part of a code before the dot.
var Classes = Catalogue{
	{"property", "物业服务", "property service"},
	{"facility", "设施设备", "facilities"},
	{"environment", "环境秩序", "environment and order"},
	{"safety", "安全隐患", "safety hazards"},
	{"neighbour", "邻里关系", "neighbourhood"},
	{"city", "城市管理", "city management"},
}

// ClassOf is the class part of a category code.
func ClassOf(category string) string {
	for i := 0; i < len(category); i++ {
		if category[i] == '.' {
			return category[:i]
		}
	}
	return category
}

// Role is what a person on patrol is.
type Role string

// Roles is the catalogue of patrol roles.
var Roles = Catalogue{
	{"grid_worker", "网格员", "grid worker"},
	{"micro_grid_leader", "微网格员", "micro-grid leader"},
	{"party_member", "在职党员", "in-service party member"},
	{"property_staff", "物业人员", "property staff"},
}

// DeviceType is the kind of sensor an alarm comes from.
type DeviceType string

// DeviceTypes is the catalogue of sensor kinds in compounds.
var DeviceTypes = Catalogue{
	{"elevator", "电梯", "elevator"},
	{"gas", "燃气", "gas detector"},
	{"smoke", "烟感", "smoke detector"},
	{"ebike", "电动车", "e-bike camera"},
	{"camera_height", "高空抛物", "facade camera"},
	{"fire_lane", "消防通道", "fire-lane camera"},
	{"water", "积水", "water-level sensor"},
	{"gate", "门禁", "gate"},
}

// AlarmKind is what a sensor reports.
type AlarmKind string

// AlarmKinds is the catalogue of alarm kinds and the device type raising
// each.
var AlarmKinds = Catalogue{
	{"elevator_fault", "电梯故障", "elevator fault"},
	{"trapped_person", "电梯困人", "person trapped in elevator"},
	{"gas_leak", "燃气泄漏", "gas leak"},
	{"smoke", "烟雾报警", "smoke"},
	{"ebike_in_elevator", "电动车入梯", "e-bike in elevator"},
	{"ebike_charging", "违规充电", "e-bike charging indoors"},
	{"thrown_object", "高空抛物", "object thrown from height"},
	{"fire_lane_blocked", "消防通道占用", "fire lane blocked"},
	{"flooding", "积水", "flooding"},
	{"gate_anomaly", "门禁异常", "gate anomaly"},
}

// AlarmDevice maps each alarm kind to the device type that raises it.
var AlarmDevice = map[AlarmKind]DeviceType{
	"elevator_fault":    "elevator",
	"trapped_person":    "elevator",
	"ebike_in_elevator": "elevator",
	"gas_leak":          "gas",
	"smoke":             "smoke",
	"ebike_charging":    "ebike",
	"thrown_object":     "camera_height",
	"fire_lane_blocked": "fire_lane",
	"flooding":          "water",
	"gate_anomaly":      "gate",
}

// Severity ranks alarms.
type Severity string

// Severities is the catalogue of severities, mildest first.
var Severities = Catalogue{
	{"info", "提示", "info"},
	{"minor", "一般", "minor"},
	{"major", "严重", "major"},
	{"critical", "紧急", "critical"},
}

// Action is a step of an alarm's life.
type Action string

// The alarm actions.
const (
	Raise       Action = "raise"
	Acknowledge Action = "acknowledge"
	Clear       Action = "clear"
)

// Actions is the catalogue of alarm actions.
var Actions = Catalogue{
	{string(Raise), "报警", "raise"},
	{string(Acknowledge), "确认", "acknowledge"},
	{string(Clear), "解除", "clear"},
}
