package crs

import "math"

// BD-09 is GCJ-02 turned into polar form around the origin, nudged by
// small sine and cosine terms, and shifted by a fixed offset.
const (
	bdXPi     = math.Pi * 3000.0 / 180.0
	bdLonOff  = 0.0065
	bdLatOff  = 0.006
	bdRadius  = 0.00002
	bdAngular = 0.000003
)

// GCJ02ToBD09 converts a GCJ-02 point to BD-09.
func GCJ02ToBD09(lon, lat float64) (float64, float64) {
	z := math.Hypot(lon, lat) + bdRadius*math.Sin(lat*bdXPi)
	theta := math.Atan2(lat, lon) + bdAngular*math.Cos(lon*bdXPi)
	return z*math.Cos(theta) + bdLonOff, z*math.Sin(theta) + bdLatOff
}

// BD09ToGCJ02 converts a BD-09 point to GCJ-02. The published inverse
// formula evaluates the nudges at the BD-09 point instead of the GCJ-02
// one, which is off by up to about 20 cm; refining it with the same
// fixed-point iteration as GCJ-02 makes round trips exact to well under a
// millimetre.
func BD09ToGCJ02(lon, lat float64) (float64, float64) {
	x, y := lon-bdLonOff, lat-bdLatOff
	z := math.Hypot(x, y) - bdRadius*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - bdAngular*math.Cos(x*bdXPi)
	gLon, gLat := z*math.Cos(theta), z*math.Sin(theta)
	return invert(GCJ02ToBD09, lon, lat, gLon, gLat)
}

// WGS84ToBD09 converts a WGS-84 point to BD-09. Baidu applies its own step
// on top of GCJ-02 everywhere; outside China the GCJ-02 step is the
// identity.
func WGS84ToBD09(lon, lat float64) (float64, float64) {
	return GCJ02ToBD09(WGS84ToGCJ02(lon, lat))
}

// BD09ToWGS84 converts a BD-09 point to WGS-84.
func BD09ToWGS84(lon, lat float64) (float64, float64) {
	return GCJ02ToWGS84(BD09ToGCJ02(lon, lat))
}
