package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Made-up Chinese names are built from short character lists, in the way
// Sichuan place and estate names are: two characters and a suffix.
var (
	placeFirst  = []rune("金银玉锦华新永福瑞祥兴和平安康宁东南西北清青花桂柳桃竹松龙凤白红黄双三五九万长古文太岷光明正")
	placeSecond = []rune("华江河桥湾林园山坝堰塘井田泉源溪湖港坪岗庙寺营街城洲阳峰亭苑场坡沟家庄")

	estateFirst  = []rune("锦华蓝光金碧桂万保利恒中海龙湖融创雅居乐天府紫荆翡翠麓岸")
	estateSecond = []rune("城府苑庭园湾都邸悦景韵澜庭轩岭墅")

	commercialSuffixes   = []string{"苑", "花园", "家园", "华庭", "名都", "公馆", "雅居", "国际", "半岛", "壹号", "小区", "新城"}
	resettlementSuffixes = []string{"安置小区", "新居", "农民集中居住区", "还建房", "安置房"}
	oldSuffixes          = []string{"院落", "宿舍", "小区", "大院", "住宅区"}

	surnames   = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢钟姜崔谭廖范汪陆金石戴贾韦夏付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵万武钱严")
	givenNames = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力林云鹏斌宇浩凯俊帆琳婷雪梅莉燕春志国兵庆蓉川蜀")

	propertyPatterns = []string{"四川%s物业服务有限公司", "成都%s物业管理有限公司", "%s物业服务集团有限公司", "成都%s物业服务有限公司", "四川%s物业管理有限公司"}
)

// dedicatedSuffixes name a dedicated grid by its kind.
var dedicatedSuffixes = map[string][]string{
	kindSchool:   {"小学", "中学", "幼儿园", "实验学校", "职业技术学校"},
	kindHospital: {"社区卫生服务中心", "卫生院", "医院", "中医医院", "门诊部"},
	kindMarket:   {"农贸市场", "菜市场", "综合市场", "批发市场"},
	kindPark:     {"产业园", "工业园", "科技园", "物流园", "创新园"},
}

// namer hands out names no other area of the district has, drawing from
// its own random stream.
type namer struct {
	r    *rand.Rand
	used map[string]bool
}

func newNamer(r *rand.Rand) *namer { return &namer{r: r, used: map[string]bool{}} }

// unique calls gen until it returns a name not yet handed out. After many
// clashes it numbers the name instead, so it always ends.
func (n *namer) unique(gen func() string) string {
	for i := 0; i < 200; i++ {
		if s := gen(); !n.used[s] {
			n.used[s] = true
			return s
		}
	}
	base := gen()
	for k := 2; ; k++ {
		s := fmt.Sprintf("%s%d", strings.TrimSpace(base), k)
		if !n.used[s] {
			n.used[s] = true
			return s
		}
	}
}

// two is a two-character stem from two lists, the characters different.
func (n *namer) two(first, second []rune) string {
	for {
		a, b := pick(n.r, first), pick(n.r, second)
		if a != b {
			return string([]rune{a, b})
		}
	}
}

// place names a street (街道/镇) or community (社区/村) with suffix.
func (n *namer) place(suffix string) string {
	return n.unique(func() string { return n.two(placeFirst, placeSecond) + suffix })
}

// compound names a compound after its type.
func (n *namer) compound(typ string) string {
	return n.unique(func() string {
		switch typ {
		case typeCommercial:
			return n.two(estateFirst, estateSecond) + pick(n.r, commercialSuffixes)
		case typeResettlement:
			return n.two(placeFirst, placeSecond) + pick(n.r, resettlementSuffixes)
		}
		return n.two(placeFirst, placeSecond) + pick(n.r, oldSuffixes)
	})
}

// dedicated names a school, hospital, market or park.
func (n *namer) dedicated(kind string) string {
	return n.unique(func() string { return n.two(placeFirst, placeSecond) + pick(n.r, dedicatedSuffixes[kind]) })
}

// company names a property company.
func (n *namer) company() string {
	return n.unique(func() string { return fmt.Sprintf(pick(n.r, propertyPatterns), n.two(estateFirst, estateSecond)) })
}

// person makes up a person's name; people's names need not be unique.
func person(r *rand.Rand) string {
	name := []rune{pick(r, surnames), pick(r, givenNames)}
	if r.IntN(3) > 0 {
		name = append(name, pick(r, givenNames))
	}
	return string(name)
}
