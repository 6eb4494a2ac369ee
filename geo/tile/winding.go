package tile

import "github.com/paulmach/orb"

// orientForMVT makes polygons follow the MVT rules, in place: rings closed
// and free of repeated points, exterior rings with a positive area in
// tile coordinates (y grows downward, so they run clockwise on screen)
// and holes with a negative one. Decoders tell a MultiPolygon's parts
// from holes by this winding. Degenerate rings are dropped; the result is
// nil when no polygon is left.
//
// Projection flips the y axis, so the counter-clockwise exteriors of
// GeoJSON arrive clockwise; imported areas may have either winding, so
// each ring is checked rather than all reversed.
func orientForMVT(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		if p := orientPolygon(g); p != nil {
			return p
		}
	case orb.MultiPolygon:
		kept := g[:0]
		for _, p := range g {
			if p = orientPolygon(p); p != nil {
				kept = append(kept, p)
			}
		}
		switch len(kept) {
		case 0:
		case 1:
			return kept[0]
		default:
			return kept
		}
	}
	return nil
}

// orientPolygon orients one polygon's rings, or returns nil when its
// exterior ring is degenerate.
func orientPolygon(p orb.Polygon) orb.Polygon {
	kept := p[:0]
	for i, ring := range p {
		ring = tidyRing(ring)
		var o orb.Orientation
		if len(ring) >= 4 {
			o = ring.Orientation()
		}
		if o == 0 { // fewer than three distinct points, or no area
			if i == 0 {
				return nil
			}
			continue
		}
		want := orb.CCW // positive area: orb measures with y growing upward
		if i > 0 {
			want = orb.CW
		}
		if o != want {
			ring.Reverse()
		}
		kept = append(kept, ring)
	}
	return kept
}

// tidyRing drops repeated consecutive points, which flooring to the tile
// grid makes, and closes the ring, in place.
func tidyRing(r orb.Ring) orb.Ring {
	if len(r) == 0 {
		return r
	}
	kept := r[:1]
	for _, pt := range r[1:] {
		if pt != kept[len(kept)-1] {
			kept = append(kept, pt)
		}
	}
	if len(kept) > 1 && kept[0] != kept[len(kept)-1] {
		kept = append(kept, kept[0])
	}
	return kept
}
