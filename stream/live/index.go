package live

import (
	"strings"

	"github.com/tidwall/rtree"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/event"
)

// spatialIndex finds the ids of one layer's things by bounding box
// (tidwall/rtree) and by street and community code. It is guarded by the
// state's lock.
type spatialIndex struct {
	tree      rtree.RTreeG[string]
	street    map[string]map[string]struct{}
	community map[string]map[string]struct{}
}

func newSpatialIndex() *spatialIndex {
	return &spatialIndex{street: map[string]map[string]struct{}{}, community: map[string]map[string]struct{}{}}
}

func (ix *spatialIndex) add(id string, pos event.Position, c *event.Chain) {
	ix.tree.Insert(pos, pos, id)
	addTo(ix.street, c.Street, id)
	addTo(ix.community, c.Community, id)
}

func (ix *spatialIndex) remove(id string, pos event.Position, c *event.Chain) {
	ix.tree.Delete(pos, pos, id)
	removeFrom(ix.street, c.Street, id)
	removeFrom(ix.community, c.Community, id)
}

// move re-indexes a thing whose place changed; it costs nothing when the
// place is the same.
func (ix *spatialIndex) move(id string, oldPos event.Position, oldC *event.Chain, pos event.Position, c *event.Chain) {
	if oldPos != pos {
		ix.tree.Delete(oldPos, oldPos, id)
		ix.tree.Insert(pos, pos, id)
	}
	if oldC.Street != c.Street {
		removeFrom(ix.street, oldC.Street, id)
		addTo(ix.street, c.Street, id)
	}
	if oldC.Community != c.Community {
		removeFrom(ix.community, oldC.Community, id)
		addTo(ix.community, c.Community, id)
	}
}

func addTo(m map[string]map[string]struct{}, code, id string) {
	if code == "" {
		return
	}
	set := m[code]
	if set == nil {
		set = map[string]struct{}{}
		m[code] = set
	}
	set[id] = struct{}{}
}

func removeFrom(m map[string]map[string]struct{}, code, id string) {
	if set := m[code]; set != nil {
		delete(set, id)
		if len(set) == 0 {
			delete(m, code)
		}
	}
}

// candidates calls fn with the ids that may match q's box and area, drawn
// from the narrowest index that applies, until fn returns false. all lists
// every id when neither narrows. Callers still check each view with
// Query.Match.
func (ix *spatialIndex) candidates(q *Query, all func(fn func(id string) bool), fn func(id string) bool) {
	if q.BBox != nil {
		ix.tree.Search([2]float64(q.BBox.Min), [2]float64(q.BBox.Max), func(_, _ [2]float64, id string) bool {
			return fn(id)
		})
		return
	}
	code := narrowest(q.Area, q.Scope)
	switch {
	case code == "":
		all(fn)
	case len(code) == area.DistrictCodeLen:
		for street, set := range ix.street {
			if strings.HasPrefix(street, code) && !eachID(set, fn) {
				return
			}
		}
	case len(code) == area.StreetCodeLen:
		eachID(ix.street[code], fn)
	default:
		// Every longer code starts with its community's.
		eachID(ix.community[code[:area.CommunityCodeLen]], fn)
	}
}

// narrowest is the longer of two area codes (the area and the scope), the
// one with the fewer things in it when one holds the other.
func narrowest(a, b string) string {
	if len(b) > len(a) {
		return b
	}
	return a
}

func eachID(set map[string]struct{}, fn func(id string) bool) bool {
	for id := range set {
		if !fn(id) {
			return false
		}
	}
	return true
}
