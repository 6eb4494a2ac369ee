package server

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/open311"
)

// newOpen311Server is a test server with dispatching and the Open311 API,
// without ClickHouse: requests are read from the live state.
func newOpen311Server(t *testing.T) *Server {
	t.Helper()
	s := newDispatchServer(t)
	api, err := open311.New(open311.Config{}, open311.Deps{Orders: s.dispatch.Load().Service, State: s.live.Load().State,
		Areas: s.areas.Load().index.Areas()})
	if err != nil {
		t.Fatal(err)
	}
	s.SetOpen311(api)
	return s
}

func TestOpen311OverHTTP(t *testing.T) {
	s := newOpen311Server(t)

	rec := do(t, s, http.MethodGet, "/open311/v2/services.xml", nil, nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/xml; charset=utf-8" ||
		!strings.HasPrefix(rec.Body.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Fatalf("services.xml: %d %q %.80s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var services struct {
		Services []open311.Service `xml:"service"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &services); err != nil || len(services.Services) != len(event.Categories) {
		t.Errorf("services.xml: %d services, %v", len(services.Services), err)
	}

	rec = do(t, s, http.MethodGet, "/open311/v2/services/facility.elevator.json", nil, nil)
	var def open311.ServiceDefinition
	if err := json.Unmarshal(rec.Body.Bytes(), &def); err != nil || rec.Code != http.StatusOK || def.ServiceCode != "facility.elevator" ||
		len(def.Attributes) != 1 {
		t.Errorf("service definition: %d %s", rec.Code, rec.Body)
	}

	form := url.Values{"service_code": {"environment.parking"}, "lat": {"30.572"}, "long": {"103.917"},
		"description": {"消防通道被占"}}
	rec = do(t, s, http.MethodPost, "/open311/v2/requests.json", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		strings.NewReader(form.Encode()))
	var created []open311.Created
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || rec.Code != http.StatusCreated || len(created) != 1 {
		t.Fatalf("POST requests.json: %d %s", rec.Code, rec.Body)
	}
	id := created[0].ServiceRequestID
	if o, ok := s.live.Load().State.Order(id); !ok || o.Channel != "open311" {
		t.Fatalf("the request is not a work order on the live map: %+v", o)
	}

	rec = do(t, s, http.MethodGet, "/open311/v2/requests/"+id+".xml", nil, nil)
	var one struct {
		XMLName  xml.Name
		Requests []open311.ServiceRequest `xml:"request"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &one); err != nil || rec.Code != http.StatusOK || one.XMLName.Local != "service_requests" ||
		len(one.Requests) != 1 || one.Requests[0].ServiceRequestID != id || one.Requests[0].Description != "消防通道被占" {
		t.Errorf("GET requests/%s.xml: %d %s", id, rec.Code, rec.Body)
	}
	rec = do(t, s, http.MethodGet, "/open311/v2/requests.json?status=open", nil, nil)
	var list []open311.ServiceRequest
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list) != 1 || list[0].ServiceRequestID != id {
		t.Errorf("GET requests.json: %d %s", rec.Code, rec.Body)
	}
}

func TestOpen311Errors(t *testing.T) {
	s := newOpen311Server(t)
	formHeader := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	tests := []struct {
		name, method, target string
		header               http.Header
		body                 string
		status               int
		xml                  bool
		desc                 string // the start of the description
	}{
		{"an unknown format", http.MethodGet, "/open311/v2/services.csv", nil, "", 404, false, "format"},
		{"an unknown service", http.MethodGet, "/open311/v2/services/x.y.xml", nil, "", 404, true, "service_code"},
		{"an unknown parameter", http.MethodGet, "/open311/v2/services.json?page=2", nil, "", 400, false, "page"},
		{"an unknown request", http.MethodGet, "/open311/v2/requests/OR-none.json", nil, "", 404, false, "service_request_id"},
		{"a bad date", http.MethodGet, "/open311/v2/requests.xml?start_date=monday", nil, "", 400, true, "start_date"},
		{"no service code", http.MethodPost, "/open311/v2/requests.xml", formHeader, "lat=30.572&long=103.917", 400, true, "service_code"},
		{"outside the district", http.MethodPost, "/open311/v2/requests.json", formHeader,
			"service_code=environment.parking&lat=39.9&long=116.4", 400, false, "lat/long"},
		{"a JSON body", http.MethodPost, "/open311/v2/requests.json", http.Header{"Content-Type": {"application/json"}},
			`{"service_code":"environment.parking"}`, 415, false, "Content-Type"},
		{"parameters in the query", http.MethodPost, "/open311/v2/requests.json?service_code=environment.parking", formHeader,
			"lat=30.572&long=103.917", 400, false, "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, tt.method, tt.target, tt.header, strings.NewReader(tt.body))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			var errs []open311.Error
			if tt.xml {
				var doc struct {
					XMLName xml.Name
					Errors  []open311.Error `xml:"error"`
				}
				if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.XMLName.Local != "errors" {
					t.Fatalf("not an XML error list: %s", rec.Body)
				}
				errs = doc.Errors
			} else if err := json.Unmarshal(rec.Body.Bytes(), &errs); err != nil {
				t.Fatalf("not a JSON error list: %s", rec.Body)
			}
			if len(errs) != 1 || errs[0].Code != tt.status || !strings.HasPrefix(errs[0].Description, tt.desc) {
				t.Errorf("errors %+v, want %d starting %q", errs, tt.status, tt.desc)
			}
		})
	}
}
