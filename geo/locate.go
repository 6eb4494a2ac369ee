package geo

import "github.com/gridpulse/gridpulse/area"

// Chain is every area that holds one point, one per layer, nil where no
// area of that layer holds it. Streets, communities, general and micro
// grids tile the district, so inside it only Compound, Building and
// DedicatedGrid are often nil.
type Chain struct {
	Street, Community, Compound, Building, GeneralGrid, MicroGrid, DedicatedGrid *area.Area
}

// chainLayers are the layers of a Chain, in its field order.
var chainLayers = [...]area.Layer{
	area.Street, area.Community, area.Compound, area.Building,
	area.GeneralGrid, area.MicroGrid, area.DedicatedGrid,
}

const chainLen = len(chainLayers)

// Locate finds the whole chain of areas holding the WGS-84 point (lon,
// lat). Each layer is answered on its own, so the chain is right even
// where a child area pokes out of its parent; where areas of one layer
// overlap, the first in the set's order wins. It does not allocate.
func (ix *Index) Locate(lon, lat float64) Chain {
	var found [chainLen]*area.Area
	if e := ix.mosaic.at(lon, lat); e != nil {
		for i, li := range ix.chain {
			found[i] = li.resolve(e[i], lon, lat)
		}
	} else {
		for i, li := range ix.chain {
			found[i] = li.locate(lon, lat)
		}
	}
	return Chain{
		Street: found[0], Community: found[1], Compound: found[2], Building: found[3],
		GeneralGrid: found[4], MicroGrid: found[5], DedicatedGrid: found[6],
	}
}
