package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/boundary"
	"github.com/gridpulse/gridpulse/geo/crs"
)

func init() {
	register("import", "replace one layer of the area data with your own boundaries from GeoJSON", runImport)
}

// importRun is one import, as the flags describe it.
type importRun struct {
	file    string
	dataDir string
	opt     boundary.Options
}

func runImport(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("import", flag.ContinueOnError)
	layerName := flags.String("layer", "", "layer of every feature in the file (required): district, street, community, compound, building, grid_general, grid_micro or grid_dedicated")
	crsName := flags.String("crs", string(crs.WGS84), "datum of the file's coordinates: wgs84, gcj02 or bd09")
	skip := flags.Bool("skip-invalid", false, "import the good features and skip the bad ones (default: import nothing if any feature is bad)")
	dataDir := flags.String("data", "data", "data directory; areas are in <data>/areas")
	tolerance := flags.Float64("tolerance", boundary.DefaultToleranceMeters, "metres an area may stick out of its parent (0 means the default)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: gridpulse import --layer LAYER [--crs wgs84|gcj02|bd09] [--skip-invalid] [--data DIR] [--tolerance METRES] FILE.geojson")
		fmt.Fprintln(flags.Output(), "\nReplaces the layer with the file's features after checking every one; prints each problem as\n  feature <index> (code <code>): <field>: <reason>")
		flags.PrintDefaults()
	}
	// Flags may come before or after the file name.
	var files []string
	for {
		if err := flags.Parse(args); err != nil {
			return err
		}
		if flags.NArg() == 0 {
			break
		}
		files = append(files, flags.Arg(0))
		args = flags.Args()[1:]
	}
	if len(files) != 1 {
		flags.Usage()
		return fmt.Errorf("want one GeoJSON file, got %d", len(files))
	}
	layer, err := area.ParseLayer(*layerName)
	if err != nil {
		return fmt.Errorf("--layer: %w", err)
	}
	c, err := crs.Parse(*crsName)
	if err != nil {
		return fmt.Errorf("--crs: %w", err)
	}
	if *tolerance < 0 {
		return errors.New("--tolerance must not be negative")
	}
	run := importRun{
		file:    files[0],
		dataDir: *dataDir,
		opt:     boundary.Options{Layer: layer, CRS: c, SkipInvalid: *skip, ToleranceMeters: *tolerance},
	}
	return run.do(ctx, os.Stdout)
}

// do reads and checks the file, prints every problem and a summary to
// out, and applies the import when it is clean or bad features may be
// skipped.
func (r importRun) do(ctx context.Context, out io.Writer) error {
	dir := filepath.Join(r.dataDir, "areas")
	parents, err := boundary.ReadParents(dir, r.opt.Layer)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no area data in %s: seed the district or import the %s layer first", dir, r.opt.Layer.Parent())
	case err != nil:
		return err
	}

	f, err := os.Open(r.file)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := boundary.Read(ctx, bufio.NewReader(f), parents, r.opt)
	if err != nil {
		return fmt.Errorf("%s: %w", r.file, err)
	}

	w := bufio.NewWriter(out)
	defer w.Flush()
	for _, p := range res.Problems {
		fmt.Fprintln(w, p)
	}
	fmt.Fprintf(w, "%s: %d features, %d good, %d bad (%d problems)\n", r.file, res.Features, res.Features-res.Bad, res.Bad, len(res.Problems))
	if res.Bad > 0 && !r.opt.SkipInvalid {
		return fmt.Errorf("nothing imported: %d bad features (fix them, or pass --skip-invalid to import the %d good ones)", res.Bad, res.Features-res.Bad)
	}
	applied, err := boundary.Apply(dir, r.opt.Layer, res)
	if err != nil {
		return fmt.Errorf("nothing imported: %w", err)
	}
	fmt.Fprintf(w, "imported %d %s areas into %s (replacing %d), skipped %d bad\n", applied.Added, r.opt.Layer, dir, applied.Removed, res.Skipped)
	if applied.Orphans > 0 {
		fmt.Fprintf(w, "warning: %d areas of the layers below %s now name a parent that is gone; import them again\n", applied.Orphans, r.opt.Layer)
	}
	return nil
}
