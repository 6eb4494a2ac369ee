package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
)

// Format is how a resource is written: the extension of its path.
type Format string

// The formats the specification names; XML is required, JSON optional.
const (
	JSON Format = "json"
	XML  Format = "xml"
)

// SplitFormat splits "services.json" into "services" and JSON; ok is false
// when the extension is missing or not json or xml.
func SplitFormat(name string) (base string, f Format, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return name, "", false
	}
	f = Format(strings.ToLower(name[i+1:]))
	return name[:i], f, f == JSON || f == XML
}

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	if f == XML {
		return "text/xml; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// Encode writes v in format f: a list in JSON is an array, and in XML the
// list's root element holds one element per item; a single definition is
// an object or its own root. The XML starts with its declaration, as the
// specification asks.
func Encode(f Format, v any) ([]byte, error) {
	if f == JSON {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("open311: encode JSON: %w", err)
		}
		return b, nil
	}
	var root string
	switch v.(type) {
	case []Service:
		root = "services"
	case []ServiceRequest, []Created:
		root = "service_requests"
	case []Error:
		root = "errors"
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	var err error
	if root == "" {
		err = enc.Encode(v)
	} else {
		err = enc.Encode(struct {
			XMLName xml.Name
			Items   any
		}{xml.Name{Local: root}, v})
	}
	if err != nil {
		return nil, fmt.Errorf("open311: encode XML: %w", err)
	}
	return buf.Bytes(), nil
}
