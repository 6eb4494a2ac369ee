package tile

import "strings"

// A scope is the code of the one area a viewer may see, "" for everything.
// Area codes are hierarchical (a community's code begins with its
// street's), so what a viewer sees follows from the codes alone.

// sight is how much of an area a viewer with some scope is shown.
type sight int

const (
	// hidden areas are left out of the tile: a neighbouring street, its
	// communities, compounds, buildings and grids.
	hidden sight = iota
	// outline areas are the scope's ancestors (the district around a
	// street, the street around a community): drawn as context, with
	// their code and name and nothing else.
	outline
	// full areas lie inside the scope, the scope itself included.
	full
)

// sightOf is how a viewer limited to scope sees the area with code.
func sightOf(scope, code string) sight {
	switch {
	case strings.HasPrefix(code, scope):
		return full
	case strings.HasPrefix(scope, code):
		return outline
	}
	return hidden
}

// Shows tells whether tiles drawn for a viewer limited to scope carry the
// area with code at all, in full or as an outline; the layers document
// counts what a viewer's tiles hold with it.
func Shows(scope, code string) bool { return sightOf(scope, code) != hidden }
