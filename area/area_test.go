package area

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestContains(t *testing.T) {
	ccw := func(x, y, d float64) orb.Ring {
		return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
	}
	holed := &Area{Geometry: orb.Polygon{ccw(0, 0, 10), ccw(4, 4, 2)}}
	multi := &Area{Geometry: orb.MultiPolygon{{ccw(0, 0, 1)}, {ccw(5, 5, 1)}}}
	tests := []struct {
		name string
		a    *Area
		p    orb.Point
		want bool
	}{
		{"inside the shell", holed, orb.Point{1, 1}, true},
		{"inside the hole", holed, orb.Point{5, 5}, false},
		{"outside the bounding box", holed, orb.Point{11, 5}, false},
		{"first part", multi, orb.Point{0.5, 0.5}, true},
		{"second part", multi, orb.Point{5.5, 5.5}, true},
		{"between the parts", multi, orb.Point{3, 3}, false},
		{"not a polygon", &Area{Geometry: orb.Point{1, 1}}, orb.Point{1, 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Contains(tt.p); got != tt.want {
				t.Fatalf("Contains(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}
