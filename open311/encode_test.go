package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The fixtures in testdata are documents in the shapes of the
// specification's examples — the same elements, nesting and order — with
// the district's own content, each in XML and in JSON.

// xmlList is the root of a list document.
type xmlList[T any] struct {
	XMLName xml.Name
	Items   []T `xml:",any"`
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tokens is an XML document as its tokens, whitespace between elements
// dropped, so two documents compare by content and order.
func tokens(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			out = append(out, "<"+tok.Name.Local+">")
		case xml.EndElement:
			out = append(out, "</"+tok.Name.Local+">")
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				out = append(out, s)
			}
		case xml.ProcInst:
			out = append(out, "<?"+tok.Target+" "+string(tok.Inst)+"?>")
		}
	}
}

// sameJSON compares two JSON documents by value.
func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs\n got %s\nwant %s", got, want)
	}
}

// roundTrip reads a list fixture in both formats, checks they hold the same
// values, writes them back and compares with the fixtures.
func roundTrip[T any](t *testing.T, name, root string) []T {
	t.Helper()
	xmlDoc, jsonDoc := readFixture(t, name+".xml"), readFixture(t, name+".json")
	var fromXML xmlList[T]
	if err := xml.Unmarshal(xmlDoc, &fromXML); err != nil {
		t.Fatal(err)
	}
	if fromXML.XMLName.Local != root {
		t.Fatalf("%s.xml: root %s, want %s", name, fromXML.XMLName.Local, root)
	}
	var fromJSON []T
	dec := json.NewDecoder(bytes.NewReader(jsonDoc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fromJSON); err != nil {
		t.Fatal(err)
	}
	if len(fromJSON) == 0 || !reflect.DeepEqual(clearNames(fromXML.Items), clearNames(fromJSON)) {
		t.Fatalf("%s: XML and JSON fixtures differ:\n%+v\n%+v", name, fromXML.Items, fromJSON)
	}
	gotXML, err := Encode(XML, fromJSON)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tokens(t, gotXML), tokens(t, xmlDoc); !slices.Equal(got, want) {
		t.Errorf("%s.xml written back differs\n got %v\nwant %v", name, got, want)
	}
	gotJSON, err := Encode(JSON, fromJSON)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, gotJSON, jsonDoc)
	return fromJSON
}

// clearNames zeroes the XMLName fields decoding fills in.
func clearNames[T any](items []T) []T {
	out := slices.Clone(items)
	for i := range out {
		v := reflect.ValueOf(&out[i]).Elem()
		if f := v.FieldByName("XMLName"); f.IsValid() {
			f.Set(reflect.Zero(f.Type()))
		}
	}
	return out
}

func TestServicesFixture(t *testing.T) {
	fixture := roundTrip[Service](t, "services", "services")
	all := Services()
	for _, want := range fixture {
		i := slices.IndexFunc(all, func(s Service) bool { return s.ServiceCode == want.ServiceCode })
		if i < 0 || all[i] != want {
			t.Errorf("service %s: got %+v, want the fixture's %+v", want.ServiceCode, all[i], want)
		}
	}
	if len(all) != 56 {
		t.Errorf("%d services, want one per category (56)", len(all))
	}
}

func TestServiceDefinitionFixture(t *testing.T) {
	def, err := Definition("facility.elevator")
	if err != nil {
		t.Fatal(err)
	}
	gotXML, err := Encode(XML, def)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tokens(t, gotXML), tokens(t, readFixture(t, "service_definition.xml")); !slices.Equal(got, want) {
		t.Errorf("definition XML\n got %v\nwant %v", got, want)
	}
	gotJSON, err := Encode(JSON, def)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, gotJSON, readFixture(t, "service_definition.json"))

	var e *Error
	if _, err := Definition("facility.teleporter"); !errors.As(err, &e) || e.Code != 404 {
		t.Errorf("an unknown service: %v", err)
	}
}

func TestRequestsFixture(t *testing.T) { roundTrip[ServiceRequest](t, "requests", "service_requests") }

func TestPostResponseFixture(t *testing.T) {
	roundTrip[Created](t, "post_response", "service_requests")
}

func TestErrorsFixture(t *testing.T) {
	errs := roundTrip[Error](t, "errors", "errors")
	if errs[0] != *badRequest("service_code", "required") {
		t.Errorf("error %+v", errs[0])
	}
}

func TestSplitFormat(t *testing.T) {
	tests := []struct {
		name, base string
		f          Format
		ok         bool
	}{
		{"services.json", "services", JSON, true},
		{"services.XML", "services", XML, true},
		{"facility.elevator.xml", "facility.elevator", XML, true},
		{"OR-1.csv", "OR-1", "csv", false},
		{"services", "services", "", false},
		{".json", ".json", "", false},
	}
	for _, tt := range tests {
		base, f, ok := SplitFormat(tt.name)
		if base != tt.base || f != tt.f || ok != tt.ok {
			t.Errorf("SplitFormat(%q) = %q, %q, %v", tt.name, base, f, ok)
		}
	}
}
