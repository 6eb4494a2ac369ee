package simulate

import (
	"math/rand/v2"
	"time"

	"github.com/gridpulse/gridpulse/event"
)

// appealKind is one category of appeal as the simulator draws it: how
// often it comes from a compound and from the street, what a resident
// says, and whether it tends to be urgent.
type appealKind struct {
	category string
	compound float64 // relative weight among appeals from compounds
	street   float64 // relative weight among appeals from the street
	sensed   float64 // relative weight among orders the IoT platform opens by itself
	serious  bool    // gas, elevators, flooding…: more often high or urgent
	phrase   string  // the title's complaint
}

// appealKinds is every category with its weights. The compound weights
// are those of an average compound; typeFactor bends them by compound
// type. Parking, garbage, noise, leaks, drains and e-bikes lead, as in the
// district's own appeal statistics.
var appealKinds = []appealKind{
	{"property.fee", 4, 0, 0, false, "物业费收取标准有异议"},
	{"property.service_quality", 4, 0, 0, false, "物业服务不到位"},
	{"property.security", 2, 0, 0, false, "门禁损坏，外来人员随意进出"},
	{"property.cleaning", 2, 0, 0, false, "楼道长期无人打扫"},
	{"property.repair_response", 3, 0, 0, false, "报修多日无人处理"},
	{"property.public_income", 1, 0, 0, false, "公共收益去向不明"},
	{"property.handover", 0.5, 0, 0, false, "新旧物业交接不畅"},
	{"property.owners_committee", 0.8, 0, 0, false, "业委会换届选举有争议"},
	{"property.renovation", 1.5, 0, 0, false, "装修噪音及建渣乱堆"},
	{"property.delivery", 1, 0, 0, false, "快递外卖车辆乱停乱放"},
	{"facility.elevator", 3, 0, 0, true, "电梯频繁故障停运"},
	{"facility.water_supply", 2.5, 0, 3, true, "停水、水压低"},
	{"facility.power_supply", 1.5, 0, 0, true, "楼栋频繁停电"},
	{"facility.gas_supply", 1, 0, 0, true, "天然气供气不稳定"},
	{"facility.heating", 0.3, 0, 0, false, "冬季取暖设施故障"},
	{"facility.roof_leak", 3, 0, 0, false, "顶楼屋面漏雨"},
	{"facility.drains", 4, 0, 4, false, "下水道堵塞，污水外溢"},
	{"facility.charging_pile", 2.5, 0, 1.5, false, "电动车充电桩不足或损坏"},
	{"facility.lighting", 1.5, 0, 2, false, "楼道灯不亮"},
	{"facility.cctv", 0.6, 0, 1, false, "监控摄像头损坏"},
	{"environment.parking", 9, 5, 0, false, "车辆乱停，占用通道"},
	{"environment.illegal_building", 2.5, 0, 0, false, "私搭乱建"},
	{"environment.garbage", 7, 3, 6, false, "垃圾未及时清运"},
	{"environment.greenery", 1.5, 0, 0, false, "绿化带被毁种菜"},
	{"environment.noise", 6, 2, 0, false, "夜间噪音扰民"},
	{"environment.pets", 2, 0, 0, false, "宠物粪便无人清理"},
	{"environment.encroachment", 2.5, 2, 0, false, "杂物堆放占用公共空间"},
	{"environment.cooking_fumes", 1.5, 2, 0, false, "餐饮油烟扰民"},
	{"environment.group_rental", 1, 0, 0, false, "群租房安全隐患"},
	{"environment.sanitation", 2.5, 2, 0, false, "环境卫生脏乱差"},
	{"safety.fire_lane", 2.5, 0, 0, true, "消防通道被占用"},
	{"safety.ebike", 4, 0, 0, false, "电动车楼道停放充电"},
	{"safety.thrown_objects", 1, 0, 0, true, "高空抛物"},
	{"safety.gas", 0.6, 0, 0, true, "闻到燃气异味"},
	{"safety.dangerous_building", 0.5, 0, 0, true, "房屋墙体开裂"},
	{"safety.flooding", 1.5, 1, 2, true, "雨后积水严重"},
	{"safety.public_security", 1.5, 1, 0, false, "可疑人员出入"},
	{"safety.flying_wire", 2, 0, 0, false, "私拉电线飞线充电"},
	{"neighbour.dispute", 2.5, 0, 0, false, "邻里纠纷请求调解"},
	{"neighbour.water_leak", 3.5, 0, 0, false, "楼上渗水"},
	{"neighbour.sunlight", 0.4, 0, 0, false, "违建遮挡采光"},
	{"neighbour.dogs", 2, 0, 0, false, "犬只吠叫扰民"},
	{"neighbour.common_space", 1.5, 0, 0, false, "楼道公共部位被占用"},
	{"neighbour.family", 0.7, 0, 0, false, "家庭矛盾求助"},
	{"neighbour.tenancy", 0.8, 0, 0, false, "租赁合同纠纷"},
	{"neighbour.other", 1.5, 0, 0, false, "其他诉求"},
	{"city.road_damage", 0, 4, 0, false, "道路破损坑洼"},
	{"city.manhole", 0, 2, 3, true, "井盖缺失破损"},
	{"city.street_light", 0, 3, 4, false, "路灯不亮"},
	{"city.illegal_ad", 0, 1.5, 0, false, "违规张贴小广告"},
	{"city.street_vending", 0, 4, 0, false, "占道经营"},
	{"city.construction_noise", 0, 4, 0, false, "工地夜间施工扰民"},
	{"city.muck_truck", 0, 2, 0, false, "渣土车撒漏"},
	{"city.public_toilet", 0, 1, 0, false, "公厕卫生差"},
	{"city.trees", 0, 1.5, 0, false, "行道树倒伏遮挡"},
	{"city.shared_bikes", 0, 3, 0, false, "共享单车乱停放"},
}

// typeFactor bends the compound weights by compound type: old compounds
// leak, clog and pile up garbage and often have no property company;
// commercial ones argue about parking, fees and elevators; resettlement
// compounds see group rentals, encroachment and handovers.
var typeFactor = map[string]map[string]float64{
	typeOld: {
		"facility.roof_leak": 2.5, "facility.drains": 2.5, "environment.garbage": 1.5,
		"safety.dangerous_building": 3, "safety.flying_wire": 2, "safety.ebike": 1.5,
		"neighbour.water_leak": 1.5, "facility.gas_supply": 1.5, "environment.illegal_building": 1.5,
		"property.fee": 0.4, "property.service_quality": 0.6, "property.owners_committee": 0.3,
		"facility.elevator": 0.2, "environment.parking": 0.7, "facility.charging_pile": 0.8,
	},
	typeCommercial: {
		"environment.parking": 1.6, "property.fee": 2.5, "property.service_quality": 2,
		"facility.elevator": 2.5, "property.owners_committee": 2, "property.public_income": 2,
		"property.renovation": 1.6, "property.delivery": 1.5, "facility.charging_pile": 1.5,
		"environment.noise": 1.2, "facility.roof_leak": 0.5, "facility.drains": 0.6,
		"safety.dangerous_building": 0.1, "safety.flying_wire": 0.5,
	},
	typeResettlement: {
		"environment.group_rental": 2, "environment.encroachment": 1.8, "environment.illegal_building": 2,
		"environment.garbage": 1.3, "environment.sanitation": 1.5, "facility.elevator": 1.3,
		"property.handover": 3, "property.fee": 1.2, "environment.greenery": 1.5,
	},
}

// categoryPicker draws categories for one kind of place.
type categoryPicker struct {
	kinds []*appealKind
	w     weights
}

func newCategoryPicker(weight func(k *appealKind) float64) categoryPicker {
	var p categoryPicker
	var ws []float64
	for i := range appealKinds {
		k := &appealKinds[i]
		if w := weight(k); w > 0 {
			p.kinds = append(p.kinds, k)
			ws = append(ws, w)
		}
	}
	p.w = newWeights(ws)
	return p
}

func (p categoryPicker) pick(r *rand.Rand) *appealKind { return p.kinds[p.w.pick(r)] }

// categoryPickers draw categories by place: one per compound type, one for
// the street, and the sensed ones inside and outside compounds.
type categoryPickers struct {
	byType         map[string]categoryPicker
	street         categoryPicker
	sensedCompound categoryPicker
	sensedStreet   categoryPicker
}

func newCategoryPickers() categoryPickers {
	c := categoryPickers{byType: map[string]categoryPicker{}}
	for _, typ := range []string{typeOld, typeCommercial, typeResettlement} {
		f := typeFactor[typ]
		c.byType[typ] = newCategoryPicker(func(k *appealKind) float64 {
			if m, ok := f[k.category]; ok {
				return k.compound * m
			}
			return k.compound
		})
	}
	c.street = newCategoryPicker(func(k *appealKind) float64 { return k.street })
	c.sensedCompound = newCategoryPicker(func(k *appealKind) float64 {
		if k.compound > 0 {
			return k.sensed
		}
		return 0
	})
	c.sensedStreet = newCategoryPicker(func(k *appealKind) float64 {
		if k.street > 0 || event.ClassOf(k.category) == "city" {
			return k.sensed
		}
		return 0
	})
	return c
}

// Priorities and how long orders take. An order's deadline comes from the
// server's deadline table (dispatch.DefaultDeadlines), by category and
// priority.
var (
	priorities = []event.Priority{"low", "normal", "high", "urgent"}
	// ordinaryPriority and seriousPriority weigh priorities in the order
	// of priorities.
	ordinaryPriority = newWeights([]float64{0.15, 0.72, 0.11, 0.02})
	seriousPriority  = newWeights([]float64{0, 0.35, 0.5, 0.15})

	// handlingShare is the median time from receipt to reported done as a
	// share of the order's period; spread is lognormal with handlingSigma,
	// so some orders miss their deadline. Urgent orders use more of their
	// short period, high and normal ones less than a third.
	handlingShare = map[event.Priority]float64{
		"urgent": 0.42,
		"high":   0.29,
		"normal": 0.31,
		"low":    0.36,
	}
)

// handlingTime is the median handling time of an order of priority p with
// the given period.
func handlingTime(period time.Duration, p event.Priority) time.Duration {
	return time.Duration(handlingShare[p] * float64(period))
}

const handlingSigma = 0.75

func pickPriority(r *rand.Rand, serious bool) event.Priority {
	if serious {
		return priorities[seriousPriority.pick(r)]
	}
	return priorities[ordinaryPriority.pick(r)]
}
