package seed

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gridpulse/gridpulse/area"
)

// PropertyCompaniesFile is the name of the property companies file in a
// data directory.
const PropertyCompaniesFile = "property_companies.json"

// District is what Generate makes: the areas of a district (or of a city of
// districts), the facilities in its compounds, and its property companies.
type District struct {
	Areas *area.Set
	// Facilities are sensor-fitted elevators and security control rooms,
	// each inside its compound.
	Facilities []*area.Facility
	// PropertyCompanies run the compounds; each compound's
	// property_company property names one by code.
	PropertyCompanies []PropertyCompany
}

// WriteDir writes the district into dir: one GeoJSON file per layer (see
// area.WriteDir), facilities.geojson and property_companies.json. Each
// file is replaced whole, never left half-written.
func (d *District) WriteDir(dir string) error {
	if err := area.WriteDir(dir, d.Areas); err != nil {
		return fmt.Errorf("write areas: %w", err)
	}
	if err := area.WriteFileAtomic(filepath.Join(dir, area.FacilitiesFile), func(w io.Writer) error {
		return area.WriteFacilities(w, d.Facilities)
	}); err != nil {
		return fmt.Errorf("write facilities: %w", err)
	}
	if err := area.WriteFileAtomic(filepath.Join(dir, PropertyCompaniesFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(d.PropertyCompanies)
	}); err != nil {
		return fmt.Errorf("write property companies: %w", err)
	}
	return nil
}

// ReadPropertyCompanies reads the property companies WriteDir wrote to dir.
func ReadPropertyCompanies(dir string) ([]PropertyCompany, error) {
	data, err := os.ReadFile(filepath.Join(dir, PropertyCompaniesFile))
	if err != nil {
		return nil, fmt.Errorf("read property companies: %w", err)
	}
	var out []PropertyCompany
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("parse %s: %w", PropertyCompaniesFile, err)
	}
	return out, nil
}
