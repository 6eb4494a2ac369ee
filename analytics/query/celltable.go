package query

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gridpulse/gridpulse/area"
)

// cellTable is one level's cells in code order, with what a heatmap needs
// of each area: made once per layer rather than on every request, which
// at micro-grid level (10,000 cells) would cost as much as the query.
type cellTable struct {
	layer      []*area.Area // the layer as the set held it, to notice a change
	codes      []string     // sorted
	names      []string     // by position in codes
	households []int
	pos        map[string]int32 // code → position
}

func newCellTable(layer []*area.Area) *cellTable {
	sorted := slices.Clone(layer)
	slices.SortFunc(sorted, func(a, b *area.Area) int { return strings.Compare(a.Code, b.Code) })
	t := &cellTable{layer: layer, codes: make([]string, len(sorted)), names: make([]string, len(sorted)),
		households: make([]int, len(sorted)), pos: make(map[string]int32, len(sorted))}
	for i, a := range sorted {
		t.codes[i], t.names[i] = a.Code, a.Name
		t.households[i] = households(a)
		t.pos[a.Code] = int32(i)
	}
	return t
}

// current reports whether t was made from this layer: area.Set changes a
// layer only by appending to it or replacing it, and either changes its
// length or the array behind it.
func (t *cellTable) current(layer []*area.Area) bool {
	return len(layer) == len(t.layer) && (len(layer) == 0 || &layer[0] == &t.layer[0])
}

// scope is the range of positions whose codes lie in the scope code (codes
// extend their parents'); the whole table for "".
func (t *cellTable) scope(code string) (lo, hi int) {
	lo = sort.SearchStrings(t.codes, code)
	hi = lo + sort.Search(len(t.codes)-lo, func(i int) bool { return !strings.HasPrefix(t.codes[lo+i], code) })
	return lo, hi
}

// cellTables keeps one cellTable per level, remade when its layer changes.
type cellTables struct {
	mu     sync.Mutex
	tables map[Level]*cellTable
}

func (c *cellTables) get(areas *area.Set, level Level) *cellTable {
	layer := areas.Layer(levels[level].layer)
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.tables[level]; ok && t.current(layer) {
		return t
	}
	t := newCellTable(layer)
	if c.tables == nil {
		c.tables = make(map[Level]*cellTable)
	}
	c.tables[level] = t
	return t
}
