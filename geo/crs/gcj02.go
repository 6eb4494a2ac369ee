package crs

import "math"

// GCJ-02 is WGS-84 plus an offset computed on the Krasovsky 1940 ellipsoid
// from a fixed polynomial-and-sine function of the position; the function
// is public knowledge. Outside China the offset is not applied.
const (
	krasovskyA  = 6378245.0              // semi-major axis, metres
	krasovskyEE = 0.00669342162296594323 // first eccentricity squared
)

// InChina reports whether GCJ-02 shifts the point, using the rough
// rectangle around China that the datum's implementations use. It also
// holds parts of neighbouring countries; a finer border would disagree
// with what Chinese map apps send there.
func InChina(lon, lat float64) bool {
	return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271
}

// WGS84ToGCJ02 converts a WGS-84 point to GCJ-02.
func WGS84ToGCJ02(lon, lat float64) (float64, float64) {
	if !InChina(lon, lat) {
		return lon, lat
	}
	dLon, dLat := gcjOffset(lon, lat)
	return lon + dLon, lat + dLat
}

// GCJ02ToWGS84 converts a GCJ-02 point to WGS-84. The datum has no closed
// inverse, so it iterates: the one-step inverse (subtract the offset
// computed at the GCJ-02 point) is off by up to a couple of metres, while
// the iteration converges to well under a millimetre.
func GCJ02ToWGS84(lon, lat float64) (float64, float64) {
	if !InChina(lon, lat) {
		return lon, lat
	}
	return invert(WGS84ToGCJ02, lon, lat, lon, lat)
}

// gcjOffset is the GCJ-02 shift, in degrees, of a WGS-84 point.
func gcjOffset(lon, lat float64) (dLon, dLat float64) {
	x, y := lon-105.0, lat-35.0
	dLat = shiftLat(x, y)
	dLon = shiftLon(x, y)

	// Turn the metre-like shifts into degrees on the Krasovsky ellipsoid:
	// divide by the meridian radius of curvature for latitude and by the
	// parallel's radius for longitude.
	radLat := lat / 180.0 * math.Pi
	s := math.Sin(radLat)
	w := 1 - krasovskyEE*s*s
	sqrtW := math.Sqrt(w)
	meridian := krasovskyA * (1 - krasovskyEE) / (w * sqrtW)
	parallel := krasovskyA / sqrtW * math.Cos(radLat)
	dLat = dLat * 180.0 / (meridian * math.Pi)
	dLon = dLon * 180.0 / (parallel * math.Pi)
	return dLon, dLat
}

// sineTerms is the periodic part both shift functions share for the
// short-wavelength terms in x.
func sineTerms(x float64) float64 {
	return (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
}

func shiftLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += sineTerms(x)
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320.0*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func shiftLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += sineTerms(x)
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// Inversion stops when the forward transform of the estimate lands within
// inverseEpsilon degrees (about 0.1 mm) of the input, or after
// maxInverseSteps steps; the shifts change so slowly with position that
// three or four steps suffice.
const (
	inverseEpsilon  = 1e-9
	maxInverseSteps = 30
)

// invert solves forward(x, y) = (lon, lat) by fixed-point iteration: from
// the estimate (x, y) it corrects the estimate by how far its forward image
// misses. It converges because the shift barely changes over the distance
// it moves a point.
func invert(forward func(lon, lat float64) (float64, float64), lon, lat, x, y float64) (float64, float64) {
	wLon, wLat := x, y
	for range maxInverseSteps {
		fLon, fLat := forward(wLon, wLat)
		eLon, eLat := fLon-lon, fLat-lat
		if math.Abs(eLon) < inverseEpsilon && math.Abs(eLat) < inverseEpsilon {
			break
		}
		wLon -= eLon
		wLat -= eLat
	}
	return wLon, wLat
}
