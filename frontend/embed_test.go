package frontend

import (
	"io/fs"
	"strings"
	"testing"
)

func TestDistHoldsTheBuild(t *testing.T) {
	d, err := Dist()
	if err != nil {
		t.Fatal(err)
	}
	index, err := fs.ReadFile(d, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	// Vite rewrites the entry script to a hashed asset under /assets/.
	if !strings.Contains(string(index), `src="/assets/`) {
		t.Errorf("index.html does not load a built asset:\n%s", index)
	}
	assets, err := fs.ReadDir(d, "assets")
	if err != nil {
		t.Fatal(err)
	}
	var worker bool
	for _, a := range assets {
		if strings.HasPrefix(a.Name(), "maplibre-gl-worker") {
			worker = true
		}
	}
	if !worker {
		t.Error("the build has no MapLibre worker asset; the map would never load")
	}
}
