package simulate

import (
	"math"
	"math/rand/v2"
	"time"
)

// beijing is the district's clock (UTC+8, no daylight saving): daily
// rhythms — office hours, shifts, the evening e-bike charging — follow it.
var beijing = time.FixedZone("CST", 8*60*60)

// curve is a relative rate for each hour of the day in Beijing time,
// scaled to average 1 over the day, so a daily total times curve.at(t)/24
// is the hourly rate at t.
type curve [24]float64

// newCurve scales hourly weights to average 1.
func newCurve(w [24]float64) curve {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	var c curve
	for i, x := range w {
		c[i] = x * 24 / sum
	}
	return c
}

// at is the relative rate at t.
func (c curve) at(t time.Time) float64 { return c[t.In(beijing).Hour()] }

// The daily rhythms. Appeals peak at 9–11 h and 14–17 h and all but stop
// at night; each channel has its own hours.
var (
	// hotlineCurve is residents calling 12345: office hours with two
	// peaks, some calls in the evening, a few at night.
	hotlineCurve = newCurve([24]float64{
		0.15, 0.08, 0.06, 0.05, 0.06, 0.12, 0.3, 0.7, 1.4, 2.1, 2.2, 1.7,
		0.9, 1.0, 1.8, 2.0, 1.9, 1.4, 0.9, 0.8, 0.7, 0.5, 0.35, 0.22})
	// qrCurve is residents scanning the secretary's QR code: the same
	// office peaks but more in the evening, after work.
	qrCurve = newCurve([24]float64{
		0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.3, 1.8, 1.9, 1.5,
		1.0, 1.0, 1.6, 1.8, 1.7, 1.4, 1.2, 1.3, 1.3, 1.0, 0.6, 0.35})
	// patrolHoursCurve is what grid workers find on their rounds: day
	// shift hours, a little at night.
	patrolHoursCurve = newCurve([24]float64{
		0.05, 0.05, 0.03, 0.03, 0.03, 0.05, 0.1, 0.3, 1.6, 2.6, 2.6, 1.8,
		0.8, 1.0, 2.2, 2.5, 2.3, 1.4, 0.3, 0.2, 0.15, 0.1, 0.05, 0.05})
	// doorKnockCurve is the door-knocking visits: mornings, afternoons
	// and the evening when people are home.
	doorKnockCurve = newCurve([24]float64{
		0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1.8, 1.9, 1.0,
		0, 0.3, 1.6, 1.9, 1.7, 0.8, 0.6, 1.2, 1.0, 0.3, 0, 0})
	// receptionCurve is the secretary's reception hours.
	receptionCurve = newCurve([24]float64{
		0, 0, 0, 0, 0, 0, 0, 0, 0, 2.5, 3.0, 2.0,
		0, 0, 1.5, 2.5, 2.0, 0.5, 0, 0, 0, 0, 0, 0})
	// flatCurve is the same at every hour: machines and weather.
	flatCurve = newCurve([24]float64{
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	// usageCurve is how busy elevators and gates are: commuting peaks and
	// a quiet night.
	usageCurve = newCurve([24]float64{
		0.15, 0.1, 0.08, 0.08, 0.1, 0.3, 0.9, 1.8, 1.8, 1.2, 1.0, 1.2,
		1.4, 1.1, 1.0, 1.0, 1.2, 1.7, 2.0, 1.7, 1.3, 0.9, 0.5, 0.3})
	// mealsCurve is kitchens in use: gas and smoke alarms.
	mealsCurve = newCurve([24]float64{
		0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1.0, 1.4, 0.8, 0.6, 1.0, 2.4,
		2.2, 0.8, 0.5, 0.5, 0.8, 2.2, 2.6, 1.6, 0.8, 0.6, 0.4, 0.3})
	// eveningCurve is residents home from work: e-bikes charged indoors,
	// cars parked in fire lanes.
	eveningCurve = newCurve([24]float64{
		0.8, 0.5, 0.3, 0.2, 0.15, 0.15, 0.3, 0.5, 0.5, 0.4, 0.4, 0.5,
		0.7, 0.6, 0.5, 0.5, 0.7, 1.2, 2.2, 2.8, 3.0, 2.8, 2.0, 1.3})
	// daylightCurve is things that happen while people are up and about:
	// objects thrown from windows.
	daylightCurve = newCurve([24]float64{
		0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.4, 0.9, 1.2, 1.4, 1.5, 1.6,
		1.5, 1.4, 1.5, 1.6, 1.7, 1.8, 1.8, 1.6, 1.3, 0.9, 0.5, 0.2})
)

// process is a non-homogeneous Poisson process whose rate is a sum of
// streams, each a daily total on a daily curve. next draws the next
// arrival by thinning: candidates come at the peak rate and each is kept
// with the rate at its time over the peak rate.
type process struct {
	streams []stream
	peak    float64 // events per hour, the most all streams together reach
}

// stream is one part of a process: perDay events a day on its curve.
type stream struct {
	perDay float64
	curve  curve
}

func newProcess(streams []stream) *process {
	p := &process{streams: streams}
	// Curves are hourly steps, so the peak of the sum is at some hour.
	for h := range 24 {
		sum := 0.0
		for _, s := range streams {
			sum += s.perDay * s.curve[h] / 24
		}
		p.peak = math.Max(p.peak, sum)
	}
	return p
}

// rates returns the hourly rate of each stream at t and their sum.
func (p *process) rates(t time.Time, out []float64) ([]float64, float64) {
	out = out[:0]
	sum := 0.0
	for _, s := range p.streams {
		x := s.perDay * s.curve.at(t) / 24
		out = append(out, x)
		sum += x
	}
	return out, sum
}

// next returns the time of the first arrival after t and the stream it
// belongs to; ok is false when every rate is zero.
func (p *process) next(r *rand.Rand, t time.Time) (at time.Time, streamIdx int, ok bool) {
	if p.peak <= 0 {
		return time.Time{}, 0, false
	}
	var buf [16]float64
	for {
		t = t.Add(time.Duration(r.ExpFloat64() / p.peak * float64(time.Hour)))
		rates, sum := p.rates(t, buf[:0])
		if r.Float64()*p.peak >= sum {
			continue
		}
		return t, newWeights(rates).pick(r), true
	}
}
