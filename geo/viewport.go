package geo

import (
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/area"
)

// Within returns the areas of layer l whose bounding boxes meet the
// viewport b, sorted by code, at most limit of them (limit <= 0 means no
// limit). more is true when the viewport holds more than limit areas;
// then the ones returned are a sample, and a map should zoom in or ask for
// a coarser layer. A box test is enough for drawing: a map clips anyway.
func (ix *Index) Within(l area.Layer, b orb.Bound, limit int) (areas []*area.Area, more bool) {
	ix.Search(l, b, func(a *area.Area) bool {
		if limit > 0 && len(areas) == limit {
			more = true
			return false
		}
		areas = append(areas, a)
		return true
	})
	slices.SortFunc(areas, func(x, y *area.Area) int { return strings.Compare(x.Code, y.Code) })
	return areas, more
}
