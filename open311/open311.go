// Package open311 is the district's Open311 GeoReport v2 API: the list of
// services (one per work-order category) and their definitions, filing a
// service request (which becomes a work order through the same door as
// every event and appears on the map), and reading requests back, one or
// many, in JSON and XML as the specification lays them out.
//
// Requests map onto work orders: a service request's id is the order's
// id, its status is open until the order is closed, and its
// agency_responsible is the community, street, district or department
// handling the order now.
package open311

import (
	"encoding/xml"
	"fmt"
)

// Service is one kind of request the district takes: an entry of GET
// services.
type Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	// Metadata says the service has a definition with attributes.
	Metadata bool `json:"metadata" xml:"metadata"`
	// Type is realtime: a request gets its id at once.
	Type     string `json:"type" xml:"type"`
	Keywords string `json:"keywords" xml:"keywords"`
	Group    string `json:"group" xml:"group"`
}

// ServiceDefinition is the extra questions a service asks: GET
// services/{code}.
type ServiceDefinition struct {
	XMLName     xml.Name    `json:"-" xml:"service_definition"`
	ServiceCode string      `json:"service_code" xml:"service_code"`
	Attributes  []Attribute `json:"attributes" xml:"attributes>attribute"`
}

// Attribute is one question of a service definition.
type Attribute struct {
	// Variable is false for text shown to the person filing, true for a
	// question they answer.
	Variable            bool    `json:"variable" xml:"variable"`
	Code                string  `json:"code" xml:"code"`
	Datatype            string  `json:"datatype" xml:"datatype"`
	Required            bool    `json:"required" xml:"required"`
	DatatypeDescription string  `json:"datatype_description" xml:"datatype_description"`
	Order               int     `json:"order" xml:"order"`
	Description         string  `json:"description" xml:"description"`
	Values              []Value `json:"values,omitempty" xml:"values>value,omitempty"`
}

// Value is one answer of a list attribute.
type Value struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

// ServiceRequest is a request as GET requests answers it.
type ServiceRequest struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"` // open or closed
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Zipcode           string   `json:"zipcode" xml:"zipcode"`
	Lat               float64  `json:"lat" xml:"lat"`
	Long              float64  `json:"long" xml:"long"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
}

// Created is the answer to POST requests: the new request's id.
type Created struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
	AccountID        string   `json:"account_id" xml:"account_id"`
}

// Error is an Open311 error: an HTTP status and what went wrong. The API
// answers errors in this shape, not in the rest of the API's, because
// Open311 clients read this one.
type Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Description) }

// badRequest is a 400 naming the parameter at fault.
func badRequest(param, format string, args ...any) *Error {
	return &Error{Code: 400, Description: param + ": " + fmt.Sprintf(format, args...)}
}

// notFound is a 404.
func notFound(format string, args ...any) *Error {
	return &Error{Code: 404, Description: fmt.Sprintf(format, args...)}
}
