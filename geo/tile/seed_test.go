package tile

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/seed"
)

// generated districts are made once per test binary: the full one takes
// seconds.
var (
	tinyOnce, shuangliuOnce sync.Once
	tinySet, shuangliuSet   *area.Set
	tinyErr, shuangliuErr   error
)

func generate(t testing.TB, once *sync.Once, cfg seed.Config, set **area.Set, err *error) *area.Set {
	t.Helper()
	once.Do(func() {
		var d *seed.District
		d, *err = seed.Generate(context.Background(), cfg, nil)
		if *err == nil {
			*set = d.Areas
		}
	})
	if *err != nil {
		t.Fatalf("generate district: %v", *err)
	}
	return *set
}

func tinyDistrict(t testing.TB) *area.Set {
	return generate(t, &tinyOnce, seed.Tiny(), &tinySet, &tinyErr)
}

func shuangliuDistrict(t testing.TB) *area.Set {
	return generate(t, &shuangliuOnce, seed.Shuangliu(), &shuangliuSet, &shuangliuErr)
}

func TestTileFeaturesOverTinySeed(t *testing.T) {
	set := tinyDistrict(t)
	district := set.Layer(area.District)[0].Bound()
	var sets []tileSet
	for _, z := range []maptile.Zoom{6, 10, 12, 13, 14, 15, 16} {
		sets = append(sets, tileSet{fmt.Sprintf("z%d", z), tilesOver(district, z)})
	}
	checkTileSets(t, set, sets)
}
