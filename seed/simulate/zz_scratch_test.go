package simulate

import (
	"context"
	"testing"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/seed"
	"github.com/paulmach/orb"
)

func TestScratch(t *testing.T) {
	d, err := seed.Generate(context.Background(), seed.Tiny(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range area.Layers {
		as := d.Areas.Layer(l)
		if len(as) == 0 {
			continue
		}
		a := as[0]
		_, isP := a.Geometry.(orb.Polygon)
		t.Logf("%s n=%d code=%s name=%s parent=%s poly=%v props=%v", l, len(as), a.Code, a.Name, a.Parent, isP, a.Props)
	}
	t.Logf("fac %d %+v", len(d.Facilities), *d.Facilities[0])
	t.Logf("fac %+v", *d.Facilities[len(d.Facilities)-1])
}
