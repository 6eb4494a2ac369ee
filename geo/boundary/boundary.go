// Package boundary imports a user's own area boundaries — streets,
// communities, compounds, grids — from GeoJSON. It converts coordinates to
// WGS-84 at the door, validates every feature (geometry, code, parent,
// containment in the parent), reports every problem it finds, and merges a
// clean import into a data directory in one atomic step.
package boundary

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/geo/crs"
)

// Defaults for the zero values of Options.
const (
	DefaultToleranceMeters = 5.0
	DefaultMaxBytes        = 512 << 20
	// DefaultMaxFeatures allows a whole city's micro grids or buildings
	// in one file with room to spare.
	DefaultMaxFeatures = 2_000_000
)

// maxProblemsPerFeature keeps one broken feature with thousands of bad
// positions from burying the rest of the report.
const maxProblemsPerFeature = 20

// Options say what is imported and how strictly.
type Options struct {
	// Layer is the layer every feature of the file belongs to.
	Layer area.Layer
	// CRS is the datum of the file's coordinates; empty means WGS-84.
	CRS crs.CRS
	// SkipInvalid keeps the good features when some are bad; otherwise
	// one bad feature means nothing is imported.
	SkipInvalid bool
	// ToleranceMeters is how far a child may stick out of its parent,
	// to forgive boundaries digitised a little apart. Zero means
	// DefaultToleranceMeters.
	ToleranceMeters float64
	// MaxBytes bounds the input size; zero means DefaultMaxBytes.
	MaxBytes int64
	// MaxFeatures bounds the number of features; zero means
	// DefaultMaxFeatures.
	MaxFeatures int
}

// Problem is one thing wrong with one feature.
type Problem struct {
	Index  int    // the feature's index in the input, from 0
	Code   string // the feature's code, when it has one
	Field  string // where in the feature, e.g. "properties.code" or "geometry.coordinates[1][3]"
	Reason string
}

func (p Problem) String() string {
	code := p.Code
	if code == "" {
		code = "none"
	}
	return fmt.Sprintf("feature %d (code %s): %s: %s", p.Index, code, p.Field, p.Reason)
}

// Result is what Read found.
type Result struct {
	// Areas are the features to import, in input order, with WGS-84
	// geometry. Empty when any feature is bad and SkipInvalid is off.
	Areas []*area.Area
	// Problems lists every problem of every bad feature, by feature index.
	Problems []Problem
	// Features is the number of features read.
	Features int
	// Bad is the number of features with at least one problem.
	Bad int
	// Skipped is the number of bad features left out under SkipInvalid.
	Skipped int
}

// Read parses a GeoJSON FeatureCollection (or a single Feature) of layer
// opt.Layer, converts it from opt.CRS to WGS-84 and validates it against
// the areas already known in parents (the layer above opt.Layer must be
// there, except for districts). Problems with features are reported in
// the Result; the error is for input that cannot be read at all:
// malformed JSON (a *SyntaxError), a file too large, bad options.
func Read(ctx context.Context, r io.Reader, parents *area.Set, opt Options) (Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return Result{}, err
	}
	if parents == nil {
		parents = area.NewSet()
	}
	data, err := io.ReadAll(io.LimitReader(r, opt.MaxBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("read boundaries: %w", err)
	}
	if int64(len(data)) > opt.MaxBytes {
		return Result{}, fmt.Errorf("input is larger than %d bytes", opt.MaxBytes)
	}
	raws, err := splitFeatures(data)
	if err != nil {
		return Result{}, err
	}
	if len(raws) > opt.MaxFeatures {
		return Result{}, fmt.Errorf("input has %d features, at most %d are allowed in one import", len(raws), opt.MaxFeatures)
	}

	v := newValidator(parents, opt)
	feats := make([]*feature, len(raws))
	for i, raw := range raws {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
		}
		feats[i] = v.feature(i, raw)
	}
	checkDuplicateCodes(feats)
	return collect(feats, opt.SkipInvalid), nil
}

func (o Options) withDefaults() (Options, error) {
	if _, err := area.ParseLayer(string(o.Layer)); err != nil {
		return o, err
	}
	c, err := crs.Parse(string(o.CRS))
	if err != nil {
		return o, err
	}
	o.CRS = c
	switch {
	case o.ToleranceMeters < 0:
		return o, errors.New("tolerance must not be negative")
	case o.ToleranceMeters == 0:
		o.ToleranceMeters = DefaultToleranceMeters
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxFeatures <= 0 {
		o.MaxFeatures = DefaultMaxFeatures
	}
	return o, nil
}

// checkDuplicateCodes marks every feature whose code another feature of
// the file also uses. All of them are marked, not just the later ones: the
// file does not say which is right.
func checkDuplicateCodes(feats []*feature) {
	byCode := map[string][]int{}
	for i, f := range feats {
		if f.code != "" {
			byCode[f.code] = append(byCode[f.code], i)
		}
	}
	for _, f := range feats {
		idx := byCode[f.code]
		if len(idx) < 2 {
			continue
		}
		others := make([]int, 0, len(idx)-1)
		for _, j := range idx {
			if j != f.index {
				others = append(others, j)
			}
		}
		f.add("properties.code", "code is also used by "+featureList(others))
	}
}

// collect gathers the problems and, when allowed, the good areas.
func collect(feats []*feature, skipInvalid bool) Result {
	res := Result{Features: len(feats)}
	var good []*area.Area
	for _, f := range feats {
		if f.bad() {
			res.Bad++
			res.Problems = append(res.Problems, f.report()...)
			continue
		}
		good = append(good, f.area)
	}
	if res.Bad == 0 || skipInvalid {
		res.Areas = good
		if skipInvalid {
			res.Skipped = res.Bad
		}
	}
	return res
}

// featureList names features by index: "feature 3", "features 3, 7".
func featureList(idx []int) string {
	var b strings.Builder
	b.WriteString("feature")
	if len(idx) > 1 {
		b.WriteString("s")
	}
	for i, x := range idx {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %d", x)
	}
	return b.String()
}
