// Package frontend holds the Gridpulse dashboard (TypeScript, Vite, MapLibre
// GL JS, ECharts) and embeds its production build in the binary. The build in dist/
// is made by `npm run build` (the Makefile does it before any Go build);
// without it this package does not compile.
package frontend

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built web app, rooted at the directory that holds index.html.
func Dist() (fs.FS, error) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, fmt.Errorf("frontend build: %w", err)
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil, fmt.Errorf("frontend build has no index.html (run npm run build in frontend/): %w", err)
	}
	return sub, nil
}
