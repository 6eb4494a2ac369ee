package area

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Reserved GeoJSON property names; every other property lands in Area.Props.
const (
	PropCode   = "code"
	PropName   = "name"
	PropLayer  = "layer"
	PropParent = "parent"
)

// coordinateDecimals keeps about a centimetre of precision in files.
const coordinateDecimals = 1e7

// FileName is the name of layer l's file in a data directory.
func FileName(l Layer) string { return string(l) + ".geojson" }

// ToFeature turns an area into a GeoJSON feature whose id is its code.
func ToFeature(a *Area) *geojson.Feature {
	g := orb.Round(orb.Clone(a.Geometry), coordinateDecimals)
	orient(g)
	f := geojson.NewFeature(g)
	f.ID = a.Code
	for k, v := range a.Props {
		f.Properties[k] = v
	}
	f.Properties[PropCode] = a.Code
	f.Properties[PropName] = a.Name
	f.Properties[PropLayer] = string(a.Layer)
	if a.Parent != "" {
		f.Properties[PropParent] = a.Parent
	}
	return f
}

// FromFeature turns a GeoJSON feature of layer l into an area. It checks
// only what it needs to build one: a polygonal geometry and a code.
func FromFeature(l Layer, f *geojson.Feature) (*Area, error) {
	if f == nil {
		return nil, errors.New("feature is null")
	}
	var polys []orb.Polygon
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		return nil, fmt.Errorf("geometry is %s, want Polygon or MultiPolygon", geometryType(f.Geometry))
	}
	if err := checkRings(polys); err != nil {
		return nil, err
	}
	a := &Area{Layer: l, Geometry: f.Geometry, Props: map[string]any{}}
	for k, v := range f.Properties {
		switch k {
		case PropCode:
			a.Code = propString(v)
		case PropName:
			a.Name = propString(v)
		case PropParent:
			a.Parent = propString(v)
		case PropLayer:
		default:
			a.Props[k] = v
		}
	}
	if a.Code == "" {
		if id, ok := f.ID.(string); ok {
			a.Code = id
		}
	}
	if a.Code == "" {
		return nil, errors.New("feature has no code property")
	}
	return a, nil
}

// checkRings refuses the shapes no area can have, and that writing the
// area back would trip over: no polygon, a polygon without rings, a ring
// of fewer than four positions (a triangle and the closing one).
func checkRings(polys []orb.Polygon) error {
	if len(polys) == 0 {
		return errors.New("geometry has no polygons")
	}
	for pi, p := range polys {
		if len(p) == 0 {
			return fmt.Errorf("geometry polygon %d has no rings", pi)
		}
		for ri, r := range p {
			if len(r) < 4 {
				return fmt.Errorf("geometry polygon %d, ring %d has %d positions; a ring needs at least 4", pi, ri, len(r))
			}
		}
	}
	return nil
}

// propString is a reserved property as text; null is no value, not
// "<nil>".
func propString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func geometryType(g orb.Geometry) string {
	if g == nil {
		return "missing"
	}
	return g.GeoJSONType()
}

// orient makes exterior rings counter-clockwise and holes clockwise, as
// RFC 7946 asks.
func orient(g orb.Geometry) {
	switch g := g.(type) {
	case orb.Polygon:
		orientPolygon(g)
	case orb.MultiPolygon:
		for _, p := range g {
			orientPolygon(p)
		}
	}
}

func orientPolygon(p orb.Polygon) {
	for i, r := range p {
		want := orb.CCW
		if i > 0 {
			want = orb.CW
		}
		if r.Orientation() != want {
			r.Reverse()
		}
	}
}

// WriteLayer writes areas as one GeoJSON FeatureCollection, a feature at a
// time, so a city's hundred thousand micro grids never sit in memory as one
// document.
func WriteLayer(w io.Writer, areas []*Area) error {
	if _, err := io.WriteString(w, `{"type":"FeatureCollection","features":[`); err != nil {
		return err
	}
	for i, a := range areas {
		b, err := json.Marshal(ToFeature(a))
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", a.Layer, a.Code, err)
		}
		if i > 0 {
			b = append([]byte{',', '\n'}, b...)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]}\n")
	return err
}

// ReadLayer reads a GeoJSON FeatureCollection of layer l.
func ReadLayer(r io.Reader, l Layer) ([]*Area, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", l, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", l, err)
	}
	out := make([]*Area, 0, len(fc.Features))
	for i, f := range fc.Features {
		a, err := FromFeature(l, f)
		if err != nil {
			return nil, fmt.Errorf("%s feature %d: %w", l, i, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// WriteDir writes every layer of s into dir, one file per layer. Each file
// is written to a temporary name and renamed, so a reader never sees half
// a layer.
func WriteDir(dir string, s *Set) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, l := range Layers {
		if err := WriteFileAtomic(filepath.Join(dir, FileName(l)), func(w io.Writer) error {
			return WriteLayer(w, s.Layer(l))
		}); err != nil {
			return fmt.Errorf("write layer %s: %w", l, err)
		}
	}
	return nil
}

// ReadDir reads every layer file present in dir. A missing file is an
// empty layer; a missing directory is an error.
func ReadDir(dir string) (*Set, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("area data: %w", err)
	}
	s := NewSet()
	for _, l := range Layers {
		f, err := os.Open(filepath.Join(dir, FileName(l)))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("open layer %s: %w", l, err)
		}
		areas, err := ReadLayer(bufio.NewReader(f), l)
		f.Close()
		if err != nil {
			return nil, err
		}
		for _, a := range areas {
			s.Add(a)
		}
	}
	return s, nil
}

// WriteFileAtomic writes a file through a synced temporary sibling and a
// rename, so a reader sees the old file or the whole new one, even if the
// machine stops halfway.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// CreateTemp makes owner-only files; layers are public map data.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
