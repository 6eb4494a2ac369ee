package tile

import "testing"

func TestByteCacheEvictsByBytes(t *testing.T) {
	tileOf := func(n int) Tile { return Tile{Data: make([]byte, n)} }
	k := func(x uint32) tileKey { return tileKey{z: 10, x: x} }
	tests := []struct {
		name   string
		budget int64
		adds   []int    // data sizes, added under keys 0, 1, 2…
		touch  []uint32 // keys read after the first two adds
		want   []uint32 // keys left
	}{
		{"all fit", 3 * (100 + entryOverhead), []int{100, 100, 100}, nil, []uint32{0, 1, 2}},
		{"oldest goes first", 2 * (100 + entryOverhead), []int{100, 100, 100}, nil, []uint32{1, 2}},
		{"a read keeps a tile", 2 * (100 + entryOverhead), []int{100, 100, 100}, []uint32{0}, []uint32{0, 2}},
		{"a big tile evicts several", 3 * (100 + entryOverhead), []int{100, 100, 100, 250}, nil, []uint32{2, 3}},
		{"a tile over the whole budget is not cached", 1000, []int{100, 2000}, nil, []uint32{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newByteCache(tc.budget)
			for i, n := range tc.adds {
				if i == 2 {
					for _, x := range tc.touch {
						c.get(k(x))
					}
				}
				c.add(k(uint32(i)), tileOf(n))
			}
			left := map[uint32]bool{}
			var bytes int64
			for i, n := range tc.adds {
				if _, ok := c.get(k(uint32(i))); ok {
					left[uint32(i)] = true
					bytes += int64(n) + entryOverhead
				}
			}
			if len(left) != len(tc.want) {
				t.Errorf("left %v, want %v", left, tc.want)
			}
			for _, x := range tc.want {
				if !left[x] {
					t.Errorf("tile %d evicted, want it kept (left %v)", x, left)
				}
			}
			n, held := c.size()
			if n != len(left) || held != bytes || held > tc.budget {
				t.Errorf("size() = %d tiles, %d bytes; want %d tiles, %d bytes within %d", n, held, len(left), bytes, tc.budget)
			}
		})
	}
}
