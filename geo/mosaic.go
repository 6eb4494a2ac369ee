package geo

import (
	"math"
	"runtime"
	"slices"
)

// mosaic is one fine grid over the whole district that answers most of a
// Locate by itself. Each cell names an entry; an entry gives, for every
// layer of the chain, the area that holds the whole cell, or that none
// holds any of it, or that the cell is split and the layer's own search
// must test the point.
//
// Why: Locate is bound by memory latency, not arithmetic. A district's
// index is tens of megabytes, far beyond the caches, so a uniformly
// random point costs a cache miss at almost every step of a search (about
// 200 ns on a loaded 2-core cloud machine). Searching seven layers one by
// one, even through bucket grids, takes three or four dependent misses
// per layer; walking down the hierarchy is no better, as each level's
// lookup depends on the last. The mosaic needs two, the cell and then its
// entry, and neighbouring cells share entries, so a district's tens of
// thousands of entries stay small. With cells of about 20 m at
// Shuangliu's scale, three points in four need nothing more, and the rest
// search one or two layers. Giving split cells their own candidate lists
// in the entry was tried: it triples the entries and makes the common case
// slower than the searches it saves.
type mosaic struct {
	grid grid
	// The entry of each cell, row by row: small when there are few enough
	// entries for 16 bits (a district), large otherwise (a city).
	small   []uint16
	large   []uint32
	entries [][chainLen]int32
}

// What an entry says of a layer, besides the index (>= 0) of the area
// that holds the whole cell.
const (
	slotNone   int32 = -1 // no area of the layer meets the cell
	slotSearch int32 = -2 // the cell is split: search the layer
)

// noneEntry is the entry where no layer has an area, entry 0.
var noneEntry = [chainLen]int32{slotNone, slotNone, slotNone, slotNone, slotNone, slotNone, slotNone}

// mosaicCellsPerArea sets the mosaic's size from the number of areas: 64
// cells per area makes cells of about 20 m at Shuangliu's scale, 1.6 M
// cells in 3.2 MB. Halving the cells' side halves the share of points
// that need a search but quadruples the memory; 32 cells per area was
// about a tenth slower, 128 and 256 no faster within the noise of a shared
// machine.
const mosaicCellsPerArea = 64

// maxMosaicCells bounds the mosaic's memory for very large sets.
const maxMosaicCells = 1 << 24

func newMosaic(layers [chainLen]*layerIndex) mosaic {
	ext, n := emptyExtent, 0
	for _, li := range layers {
		ext = ext.add(li.shapes)
		n += len(li.shapes)
	}
	grid, ok := gridOver(ext, min(mosaicCellsPerArea*n, maxMosaicCells))
	if !ok {
		return mosaic{} // no grid: every layer is searched
	}
	m := mosaic{grid: grid}
	margin := grid.margin()

	// Layer by layer, find each cell's slot (layers in parallel), then
	// fold the slots into the cells' entries so far (in layer order, so
	// that entries are numbered the same every time). At most as many
	// layers' slots as there are workers wait to be folded.
	ncells := grid.nx * grid.ny
	entryOf := make([]uint32, ncells) // all start at noneEntry
	entries := [][chainLen]int32{noneEntry}
	var done [chainLen]chan []int32
	for L := range done {
		done[L] = make(chan []int32, 1)
	}
	workers := make(chan struct{}, runtime.GOMAXPROCS(0))
	go func() {
		for L, li := range layers {
			workers <- struct{}{}
			go func() {
				var sc scratch
				done[L] <- layerSlots(li, &m.grid, margin, &sc)
			}()
		}
	}()
	for L := range layers {
		entries = foldSlots(L, entries, entryOf, <-done[L])
		<-workers
	}
	m.entries = slices.Clip(entries)
	if len(entries) <= math.MaxUint16+1 {
		m.small = make([]uint16, ncells)
		for i, e := range entryOf {
			m.small[i] = uint16(e)
		}
	} else {
		m.large = entryOf
	}
	return m
}

// layerSlots finds each cell's slot for one layer.
func layerSlots(li *layerIndex, g *grid, margin float64, sc *scratch) []int32 {
	slot := make([]int32, g.nx*g.ny)
	for i := range slot {
		slot[i] = slotNone
	}
	coverCells(li.shapes, g, margin, sc, func(cell, k int, kind uint8) {
		// Areas earlier in the set's order win: a cell already held
		// whole, or already split, stays so.
		if slot[cell] != slotNone {
			return
		}
		slot[cell] = slotSearch
		if kind == kindInside {
			slot[cell] = int32(k)
		}
	})
	return slot
}

// foldSlots sets layer L's slot in every cell's entry, reusing entries
// that end up the same. Neighbouring cells mostly share both their old
// entry and their slot, so the last pair is checked before the map.
func foldSlots(L int, entries [][chainLen]int32, entryOf []uint32, slot []int32) [][chainLen]int32 {
	type pair struct {
		entry uint32
		slot  int32
	}
	next := [][chainLen]int32{noneEntry} // entry 0 stays the empty one
	ids := map[pair]uint32{{0, slotNone}: 0}
	last, lastID := pair{0, slotNone}, uint32(0)
	for c, e := range entryOf {
		p := pair{e, slot[c]}
		if p != last {
			id, ok := ids[p]
			if !ok {
				id = uint32(len(next))
				ent := entries[e]
				ent[L] = p.slot
				next = append(next, ent)
				ids[p] = id
			}
			last, lastID = p, id
		}
		entryOf[c] = lastID
	}
	return next
}

// at returns the entry of the cell holding (x, y): noneEntry outside the
// grid, where no area of the chain reaches, and nil when there is no grid.
func (m *mosaic) at(x, y float64) *[chainLen]int32 {
	if m.grid.nx == 0 {
		return nil
	}
	c, ok := m.grid.cell(x, y)
	if !ok {
		return &m.entries[0]
	}
	if m.small != nil {
		return &m.entries[m.small[c]]
	}
	return &m.entries[m.large[c]]
}
