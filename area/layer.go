// Package area holds the areas Gridpulse draws and locates — district,
// streets, communities, compounds, buildings and the three kinds of grid —
// with their codes and their GeoJSON form on disk. It is a leaf package:
// it knows geometry and files, not indexes, tiles or events.
package area

import "fmt"

// Layer names one kind of area. The string is its file name on disk, its
// vector-tile layer name and its name in the API.
type Layer string

// The layers, from the largest to the smallest.
const (
	District      Layer = "district"
	Street        Layer = "street"
	Community     Layer = "community"
	Compound      Layer = "compound"
	Building      Layer = "building"
	GeneralGrid   Layer = "grid_general"
	MicroGrid     Layer = "grid_micro"
	DedicatedGrid Layer = "grid_dedicated"
)

// Layers lists every layer with each parent before its children.
var Layers = []Layer{District, Street, Community, Compound, Building, GeneralGrid, MicroGrid, DedicatedGrid}

// Parent is the layer that contains areas of layer l; District has none.
func (l Layer) Parent() Layer {
	switch l {
	case Street:
		return District
	case Community:
		return Street
	case Compound, GeneralGrid, DedicatedGrid:
		return Community
	case Building:
		return Compound
	case MicroGrid:
		return GeneralGrid
	}
	return ""
}

// ParseLayer turns a layer name from a user or a file into a Layer.
func ParseLayer(s string) (Layer, error) {
	for _, l := range Layers {
		if string(l) == s {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown layer %q (want one of %v)", s, Layers)
}
