package boundary

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gridpulse/gridpulse/area"
)

// Applied tells what Apply changed.
type Applied struct {
	Removed int // areas the layer had before
	Added   int // areas it has now
	// Orphans counts areas of the layers below whose parent code is no
	// longer in the layer: they need importing again too.
	Orphans int
}

// Apply replaces layer l of the area data in dir with the areas of res.
// It refuses a Result that still holds unskipped bad features, or no
// areas at all, so that a failed import can never empty a layer. Only
// the layer's file is rewritten, through a temporary file and a rename:
// a reader sees the old layer or the new one, never a mix. Of the other
// layers only those below l are read, to count the areas the new layer
// orphans.
func Apply(dir string, l area.Layer, res Result) (Applied, error) {
	if res.Bad > res.Skipped {
		return Applied{}, fmt.Errorf("import has %d bad features; fix them or skip them", res.Bad-res.Skipped)
	}
	if len(res.Areas) == 0 {
		return Applied{}, errors.New("nothing to import")
	}
	for _, a := range res.Areas {
		if a.Layer != l {
			return Applied{}, fmt.Errorf("area %s is of layer %s, not %s", a.Code, a.Layer, l)
		}
	}
	var below []area.Layer
	for _, c := range area.Layers {
		if c.Parent() == l {
			below = append(below, c)
		}
	}
	set, err := readLayers(dir, append(below, l)...)
	if errors.Is(err, fs.ErrNotExist) {
		set, err = area.NewSet(), nil
	}
	if err != nil {
		return Applied{}, err
	}
	out := Applied{Removed: set.Count(l), Added: len(res.Areas)}
	set.ReplaceLayer(l, res.Areas)
	out.Orphans = countOrphans(set, l)

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Applied{}, fmt.Errorf("create %s: %w", dir, err)
	}
	if err := area.WriteFileAtomic(filepath.Join(dir, area.FileName(l)), func(w io.Writer) error { return area.WriteLayer(w, res.Areas) }); err != nil {
		return Applied{}, fmt.Errorf("write layer %s: %w", l, err)
	}
	return out, nil
}

// ReadParents reads from the area data in dir the layer that holds the
// parents of layer l's areas: what Read needs to check an import of l.
// A district needs no parents; a missing layer file is an empty layer.
func ReadParents(dir string, l area.Layer) (*area.Set, error) {
	if l.Parent() == "" {
		return area.NewSet(), nil
	}
	return readLayers(dir, l.Parent())
}

// readLayers reads some layers of the area data in dir; a missing file is
// an empty layer, a missing directory an error.
func readLayers(dir string, layers ...area.Layer) (*area.Set, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("area data: %w", err)
	}
	set := area.NewSet()
	for _, l := range layers {
		f, err := os.Open(filepath.Join(dir, area.FileName(l)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("open layer %s: %w", l, err)
		}
		areas, err := area.ReadLayer(bufio.NewReader(f), l)
		f.Close()
		if err != nil {
			return nil, err
		}
		for _, a := range areas {
			set.Add(a)
		}
	}
	return set, nil
}

// countOrphans counts areas of the layers whose parent layer is l and
// whose parent is missing from it.
func countOrphans(set *area.Set, l area.Layer) int {
	n := 0
	for _, child := range area.Layers {
		if child.Parent() != l {
			continue
		}
		for _, a := range set.Layer(child) {
			if _, ok := set.Get(l, a.Parent); !ok {
				n++
			}
		}
	}
	return n
}
