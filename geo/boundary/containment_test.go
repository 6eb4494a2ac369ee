package boundary

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// TestContainment places buildings in compounds of awkward shapes. The
// compounds are 0.01 degrees (about 1 km) across, with lengths given as
// offsets from 103.92 E, 30.57 N; 0.001 degrees is about 96 m east-west
// and 111 m north-south.
func TestContainment(t *testing.T) {
	at := func(pts ...[2]float64) orb.Ring {
		r := make(orb.Ring, len(pts))
		for i, p := range pts {
			r[i] = orb.Point{103.92 + p[0], 30.57 + p[1]}
		}
		return r
	}
	box := func(x0, y0, x1, y1 float64) orb.Ring {
		return at([2]float64{x0, y0}, [2]float64{x1, y0}, [2]float64{x1, y1}, [2]float64{x0, y1}, [2]float64{x0, y0})
	}
	parents := testParents()
	addCompound := func(seq int, g orb.Geometry) string {
		code := area.CompoundCode("510116001001", seq)
		parents.Add(&area.Area{Code: code, Layer: area.Compound, Parent: "510116001001", Geometry: g})
		return code
	}
	square := addCompound(1, orb.Polygon{box(0, 0, 0.01, 0.01)})
	// A U: a notch 0.002 wide cut down from the top to 0.002 above the bottom.
	notched := addCompound(2, orb.Polygon{at([2]float64{0, 0}, [2]float64{0.01, 0}, [2]float64{0.01, 0.01}, [2]float64{0.006, 0.01},
		[2]float64{0.006, 0.002}, [2]float64{0.004, 0.002}, [2]float64{0.004, 0.01}, [2]float64{0, 0.01}, [2]float64{0, 0})})
	holed := addCompound(3, orb.Polygon{box(0, 0, 0.01, 0.01), box(0.004, 0.004, 0.006, 0.006), box(0.001, 0.001, 0.00102, 0.00102)})
	split := addCompound(4, orb.MultiPolygon{{box(0, 0, 0.004, 0.01)}, {box(0.006, 0, 0.01, 0.01)}})

	tests := []struct {
		name   string
		parent string
		child  orb.Ring
		want   string // part of the reason; empty when the building fits
	}{
		{"well inside", square, box(0.002, 0.002, 0.003, 0.003), ""},
		{"sharing the parent's edges", square, box(0, 0, 0.01, 0.002), ""},
		{"the whole parent", square, box(0, 0, 0.01, 0.01), ""},
		{"4 m out", square, box(0.005, 0.005, 0.01004, 0.006), ""},
		{"10 m out", square, box(0.005, 0.005, 0.0101, 0.006), "by 9.6 m"},
		{"entirely elsewhere", square, box(0.02, 0.02, 0.021, 0.021), "sticks out"},
		{"in one arm of the U", notched, box(0.001, 0.003, 0.003, 0.009), ""},
		{"spanning the notch, corners inside", notched, box(0.002, 0.003, 0.008, 0.004), "sticks out"},
		{"over the big hole", holed, box(0.003, 0.003, 0.007, 0.007), "sticks out"},
		{"over the 2 m hole", holed, box(0.0005, 0.0005, 0.0015, 0.0015), ""},
		{"beside the hole", holed, box(0.0065, 0.0065, 0.008, 0.008), ""},
		{"in one part", split, box(0.007, 0.001, 0.009, 0.009), ""},
		{"bridging the gap", split, box(0.003, 0.004, 0.007, 0.005), "sticks out"},
	}
	for seq, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := area.BuildingCode(tt.parent, seq+1)
			g, err := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ringCoords(tt.child)}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := Read(context.Background(), strings.NewReader(oneFeature(`{"code":"`+code+`"}`, string(g))), parents, Options{Layer: area.Building})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == "" && len(res.Problems) > 0:
				t.Errorf("unexpected problem: %s", res.Problems[0])
			case tt.want != "" && (len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Reason, tt.want)):
				t.Errorf("problems %v, want one with %q", res.Problems, tt.want)
			}
		})
	}
}

func ringCoords(r orb.Ring) [][2]float64 {
	out := make([][2]float64, len(r))
	for i, p := range r {
		out[i] = p
	}
	return out
}
