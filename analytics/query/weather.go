package query

import "time"

// Threshold is one weather level of the weather map: a cell whose rate of
// new orders per 1,000 households per week is below Below (and at or above
// the previous level's) gets this level. The last level has no bound.
type Threshold struct {
	Weather   string   `json:"weather"`
	WeatherEN string   `json:"weather_en"`
	Below     *float64 `json:"below_per_1000_households_per_week"`
}

func bound(v float64) *float64 { return &v }

// Thresholds are the weather levels, from calm to storm. The district
// averages about 8.5 new orders per 1,000 households a week (270,000 a
// year over 610,000 households), which lands in 小雨: a cell at twice the
// average is 中雨, at ten times 暴雨.
var Thresholds = []Threshold{
	{"晴", "sunny", bound(1)},
	{"多云", "cloudy", bound(3)},
	{"阴", "overcast", bound(6)},
	{"小雨", "light rain", bound(10)},
	{"中雨", "moderate rain", bound(20)},
	{"大雨", "heavy rain", bound(40)},
	{"暴雨", "rainstorm", nil},
}

// weekly turns a per-1,000-households rate over span into one per week,
// so a 24-hour and a year's map use the same thresholds.
func weekly(rate float64, span time.Duration) float64 {
	return rate * float64(7*24*time.Hour) / float64(span)
}

// weatherOf is the level of a weekly rate per 1,000 households.
func weatherOf(weeklyRate float64) Threshold {
	for _, t := range Thresholds {
		if t.Below == nil || weeklyRate < *t.Below {
			return t
		}
	}
	return Thresholds[len(Thresholds)-1]
}
