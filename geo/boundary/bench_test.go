package boundary

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/crs"
)

// tilingCollection is n×n compounds tiling the test community exactly,
// each side split into perSide segments, converted to datum c.
func tilingCollection(n, perSide int, c crs.CRS) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	const x0, y0, size = 103.91, 30.56, 0.02
	step := size / float64(n)
	for i := range n {
		for j := range n {
			if i+j > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, `{"type":"Feature","properties":{"code":"%s"},"geometry":{"type":"Polygon","coordinates":[[`,
				area.CompoundCode("510116001001", i*n+j+1))
			cx, cy := x0+float64(i)*step, y0+float64(j)*step
			corners := [][2]float64{{cx, cy}, {cx + step, cy}, {cx + step, cy + step}, {cx, cy + step}, {cx, cy}}
			for k := range 4 {
				a, z := corners[k], corners[k+1]
				for s := range perSide {
					t := float64(s) / float64(perSide)
					lon, lat := crs.FromWGS84(c, a[0]+(z[0]-a[0])*t, a[1]+(z[1]-a[1])*t)
					fmt.Fprintf(&b, "[%.9f,%.9f],", lon, lat)
				}
			}
			lon, lat := crs.FromWGS84(c, cx, cy)
			fmt.Fprintf(&b, "[%.9f,%.9f]]]}}", lon, lat)
		}
	}
	b.WriteString("]}")
	return b.Bytes()
}

func benchmarkRead(b *testing.B, c crs.CRS) {
	const n = 30 // 900 compounds, 20 vertices each
	data := tilingCollection(n, 5, c)
	parents := testParents()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := Read(context.Background(), bytes.NewReader(data), parents, Options{Layer: area.Compound, CRS: c})
		if err != nil || len(res.Areas) != n*n {
			b.Fatalf("Read: %v, %d areas, problems %v", err, len(res.Areas), res.Problems[:min(3, len(res.Problems))])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*n)/1e3, "µs/feature")
}

func BenchmarkReadWGS84(b *testing.B) { benchmarkRead(b, crs.WGS84) }
func BenchmarkReadGCJ02(b *testing.B) { benchmarkRead(b, crs.GCJ02) }
