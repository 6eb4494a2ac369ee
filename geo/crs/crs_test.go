package crs

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    CRS
		wantErr bool
	}{
		{"", WGS84, false},
		{"wgs84", WGS84, false},
		{"WGS84", WGS84, false},
		{"wgs-84", WGS84, false},
		{" WGS-84 ", WGS84, false},
		{"gcj02", GCJ02, false},
		{"GCJ-02", GCJ02, false},
		{"Gcj02", GCJ02, false},
		{"bd09", BD09, false},
		{"BD-09", BD09, false},
		{"bd09ll", "", true},
		{"epsg:4326", "", true},
		{"mars", "", true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Parse(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestKnownPairs checks the forward transforms against published sample
// points, which agree to the last digits whatever implementation made them.
func TestKnownPairs(t *testing.T) {
	tests := []struct {
		name               string
		conv               func(lon, lat float64) (float64, float64)
		lon, lat           float64
		wantLon, wantLat   float64
		toleranceInDegrees float64
	}{
		{"wgs84->gcj02 Beijing", WGS84ToGCJ02, 116.404, 39.915, 116.41024449916938, 39.91640428150164, 1e-9},
		{"wgs84->gcj02 Tiananmen", WGS84ToGCJ02, 116.39089, 39.90734, 116.39713094, 39.90874107, 1e-8},
		{"gcj02->bd09 Beijing", GCJ02ToBD09, 116.404, 39.915, 116.41036949371029, 39.92133699351021, 1e-9},
		{"gcj02->bd09 123E 45N", GCJ02ToBD09, 123, 45, 123.00636499, 45.00636899, 1e-8},
		// Published inverses are the one-step approximations, a few
		// metres (GCJ-02) or centimetres (BD-09) from the exact inverse.
		{"gcj02->wgs84 123E 45N", GCJ02ToWGS84, 123, 45, 122.99395597, 44.99804071, 1e-5},
		{"gcj02->wgs84 Beijing", GCJ02ToWGS84, 116.404, 39.915, 116.39775550083061, 39.91359571849836, 5e-5},
		{"bd09->gcj02 Beijing", BD09ToGCJ02, 116.404, 39.915, 116.39762729119315, 39.90865673957631, 3e-6},
		{"outside China", WGS84ToGCJ02, 2.2945, 48.8584, 2.2945, 48.8584, 0},
	}
	for _, tt := range tests {
		lon, lat := tt.conv(tt.lon, tt.lat)
		if math.Abs(lon-tt.wantLon) > tt.toleranceInDegrees || math.Abs(lat-tt.wantLat) > tt.toleranceInDegrees {
			t.Errorf("%s: got (%.12f, %.12f), want (%.12f, %.12f) ± %g", tt.name, lon, lat, tt.wantLon, tt.wantLat, tt.toleranceInDegrees)
		}
	}
}

// TestChengduOffset checks the size of the GCJ-02 shift around the seeded
// district: a few hundred metres, mostly to the east and south.
func TestChengduOffset(t *testing.T) {
	for _, p := range []orb.Point{{103.92, 30.57}, {104.06, 30.66}, {103.85, 30.45}} {
		lon, lat := WGS84ToGCJ02(p[0], p[1])
		d := geo.DistanceHaversine(p, orb.Point{lon, lat})
		if d < 200 || d > 800 {
			t.Errorf("GCJ-02 offset at %v is %.1f m, want a few hundred metres", p, d)
		}
		if lon <= p[0] || lat >= p[1] {
			t.Errorf("GCJ-02 offset at %v points to (%+.6f, %+.6f), want east and south", p, lon-p[0], lat-p[1])
		}
	}
}

// randomChinaPoints draws n points uniformly from the rectangle InChina
// uses, shrunk a little so that shifted points stay inside it.
func randomChinaPoints(n int) []orb.Point {
	r := rand.New(rand.NewPCG(510116, 2260))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{73 + r.Float64()*(136.5-73), 1 + r.Float64()*(55-1)}
	}
	return pts
}

func TestRoundTripsUnderOneMetre(t *testing.T) {
	tests := []struct {
		name          string
		forward, back func(lon, lat float64) (float64, float64)
	}{
		{"wgs84->gcj02->wgs84", WGS84ToGCJ02, GCJ02ToWGS84},
		{"gcj02->wgs84->gcj02", GCJ02ToWGS84, WGS84ToGCJ02},
		{"gcj02->bd09->gcj02", GCJ02ToBD09, BD09ToGCJ02},
		{"wgs84->bd09->wgs84", WGS84ToBD09, BD09ToWGS84},
		{"bd09->wgs84->bd09", BD09ToWGS84, WGS84ToBD09},
		{"ToWGS84(FromWGS84(gcj02))", func(lon, lat float64) (float64, float64) { return FromWGS84(GCJ02, lon, lat) },
			func(lon, lat float64) (float64, float64) { return ToWGS84(GCJ02, lon, lat) }},
		{"ToWGS84(FromWGS84(bd09))", func(lon, lat float64) (float64, float64) { return FromWGS84(BD09, lon, lat) },
			func(lon, lat float64) (float64, float64) { return ToWGS84(BD09, lon, lat) }},
	}
	pts := randomChinaPoints(5000)
	for _, tt := range tests {
		worst := 0.0
		for _, p := range pts {
			lon, lat := tt.back(tt.forward(p[0], p[1]))
			if d := geo.DistanceHaversine(p, orb.Point{lon, lat}); d > worst {
				worst = d
			}
		}
		// The iteration stops at 1e-9 degrees, about 0.1 mm.
		if worst > 0.001 {
			t.Errorf("%s: worst round trip error %.6f m over %d points, want under 1 mm", tt.name, worst, len(pts))
		}
	}
}

// TestInverseBeatsOneStep makes sure the iterative inverse is in use: the
// one-step inverse misses by metres somewhere in China.
func TestInverseBeatsOneStep(t *testing.T) {
	worstOneStep := 0.0
	for _, p := range randomChinaPoints(2000) {
		gLon, gLat := WGS84ToGCJ02(p[0], p[1])
		dLon, dLat := gcjOffset(gLon, gLat)
		if d := geo.DistanceHaversine(p, orb.Point{gLon - dLon, gLat - dLat}); d > worstOneStep {
			worstOneStep = d
		}
	}
	if worstOneStep < 1 {
		t.Fatalf("one-step inverse worst error %.3f m; expected metres, so the sample misses the distorted regions", worstOneStep)
	}
}

func TestOutsideChinaPassesThrough(t *testing.T) {
	pts := []orb.Point{{2.2945, 48.8584}, {-74.0445, 40.6892}, {151.2153, -33.8568}, {139.7, 56.5}, {70, 30}, {180, 90}, {-180, -90}}
	for _, p := range pts {
		if InChina(p[0], p[1]) {
			t.Errorf("InChina(%v) = true", p)
		}
		for _, c := range All {
			if lon, lat := ToWGS84(c, p[0], p[1]); c != BD09 && (lon != p[0] || lat != p[1]) {
				t.Errorf("ToWGS84(%s, %v) = (%v, %v), want unchanged", c, p, lon, lat)
			}
			if lon, lat := FromWGS84(c, p[0], p[1]); c != BD09 && (lon != p[0] || lat != p[1]) {
				t.Errorf("FromWGS84(%s, %v) = (%v, %v), want unchanged", c, p, lon, lat)
			}
		}
	}
	for _, p := range []orb.Point{{103.92, 30.57}, {116.404, 39.915}, {121.47, 31.23}} {
		if !InChina(p[0], p[1]) {
			t.Errorf("InChina(%v) = false", p)
		}
	}
}

func TestWGS84IsIdentity(t *testing.T) {
	for _, p := range randomChinaPoints(100) {
		if lon, lat := ToWGS84(WGS84, p[0], p[1]); lon != p[0] || lat != p[1] {
			t.Fatalf("ToWGS84(WGS84, %v) = (%v, %v)", p, lon, lat)
		}
		if lon, lat := FromWGS84(WGS84, p[0], p[1]); lon != p[0] || lat != p[1] {
			t.Fatalf("FromWGS84(WGS84, %v) = (%v, %v)", p, lon, lat)
		}
	}
}

var sinkLon, sinkLat float64

func benchmarkConv(b *testing.B, conv func(lon, lat float64) (float64, float64)) {
	pts := randomChinaPoints(1024)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pts[i&1023]
		sinkLon, sinkLat = conv(p[0], p[1])
	}
}

func BenchmarkWGS84ToGCJ02(b *testing.B) { benchmarkConv(b, WGS84ToGCJ02) }
func BenchmarkGCJ02ToWGS84(b *testing.B) { benchmarkConv(b, GCJ02ToWGS84) }
func BenchmarkGCJ02ToBD09(b *testing.B)  { benchmarkConv(b, GCJ02ToBD09) }
func BenchmarkBD09ToGCJ02(b *testing.B)  { benchmarkConv(b, BD09ToGCJ02) }
func BenchmarkWGS84ToBD09(b *testing.B)  { benchmarkConv(b, WGS84ToBD09) }
func BenchmarkBD09ToWGS84(b *testing.B)  { benchmarkConv(b, BD09ToWGS84) }
