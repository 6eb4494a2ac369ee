package area

import (
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// FacilitiesFile is the name of the facilities file in a data directory.
const FacilitiesFile = "facilities.geojson"

// Facility is a fixed point of interest in a compound: a sensor-fitted
// elevator, a security control room, a gas or smoke detector. Later
// sensor alarms name the facility they come from.
type Facility struct {
	ID       string // unique, e.g. "EL-5101160010010001-01"
	Kind     string // "elevator", "control_room", …
	Compound string // code of the compound it stands in
	Point    orb.Point
	Props    map[string]any
}

// WriteFacilities writes facilities as a GeoJSON FeatureCollection of points.
func WriteFacilities(w io.Writer, fs []*Facility) error {
	fc := geojson.NewFeatureCollection()
	for _, x := range fs {
		f := geojson.NewFeature(orb.Round(x.Point, coordinateDecimals))
		f.ID = x.ID
		for k, v := range x.Props {
			f.Properties[k] = v
		}
		f.Properties["id"] = x.ID
		f.Properties["kind"] = x.Kind
		f.Properties["compound"] = x.Compound
		fc.Append(f)
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return fmt.Errorf("encode facilities: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadFacilities reads what WriteFacilities wrote.
func ReadFacilities(r io.Reader) ([]*Facility, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read facilities: %w", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("parse facilities: %w", err)
	}
	out := make([]*Facility, 0, len(fc.Features))
	for i, f := range fc.Features {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			return nil, fmt.Errorf("facility %d: geometry is not a Point", i)
		}
		x := &Facility{Point: p, Props: map[string]any{}}
		for k, v := range f.Properties {
			switch k {
			case "id":
				x.ID = fmt.Sprint(v)
			case "kind":
				x.Kind = fmt.Sprint(v)
			case "compound":
				x.Compound = fmt.Sprint(v)
			default:
				x.Props[k] = v
			}
		}
		out = append(out, x)
	}
	return out, nil
}
