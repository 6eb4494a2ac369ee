package seed

import "github.com/paulmach/orb"

// shuangliuSpec is district 510116 with its real streets and towns.
func shuangliuSpec() DistrictSpec {
	return DistrictSpec{
		Code:     "510116",
		Name:     "双流区",
		Position: orb.Point{103.92, 30.57},
		Streets: []string{
			"东升街道", "西航港街道", "九江街道", "黄甲街道", "公兴街道", "协和街道",
			"彭镇", "黄水镇", "永安镇",
		},
	}
}

// chengduSpecs are Chengdu's 20 districts and counties (GB/T 2260) with
// rough real positions, so a generated city keeps their arrangement.
func chengduSpecs() []DistrictSpec {
	return []DistrictSpec{
		{Code: "510104", Name: "锦江区", Position: orb.Point{104.11, 30.62}},
		{Code: "510105", Name: "青羊区", Position: orb.Point{104.03, 30.68}},
		{Code: "510106", Name: "金牛区", Position: orb.Point{104.05, 30.72}},
		{Code: "510107", Name: "武侯区", Position: orb.Point{104.04, 30.62}},
		{Code: "510108", Name: "成华区", Position: orb.Point{104.13, 30.69}},
		{Code: "510112", Name: "龙泉驿区", Position: orb.Point{104.27, 30.56}},
		{Code: "510113", Name: "青白江区", Position: orb.Point{104.25, 30.88}},
		{Code: "510114", Name: "新都区", Position: orb.Point{104.16, 30.82}},
		{Code: "510115", Name: "温江区", Position: orb.Point{103.84, 30.69}},
		shuangliuSpec(),
		{Code: "510117", Name: "郫都区", Position: orb.Point{103.89, 30.80}},
		{Code: "510118", Name: "新津区", Position: orb.Point{103.81, 30.41}},
		{Code: "510121", Name: "金堂县", Position: orb.Point{104.41, 30.86}},
		{Code: "510129", Name: "大邑县", Position: orb.Point{103.52, 30.59}},
		{Code: "510131", Name: "蒲江县", Position: orb.Point{103.51, 30.20}},
		{Code: "510181", Name: "都江堰市", Position: orb.Point{103.62, 31.00}},
		{Code: "510182", Name: "彭州市", Position: orb.Point{103.96, 30.99}},
		{Code: "510183", Name: "邛崃市", Position: orb.Point{103.46, 30.41}},
		{Code: "510184", Name: "崇州市", Position: orb.Point{103.67, 30.63}},
		{Code: "510185", Name: "简阳市", Position: orb.Point{104.55, 30.39}},
	}
}
