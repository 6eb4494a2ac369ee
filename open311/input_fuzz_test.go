package open311

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzPost feeds POST requests arbitrary form bodies, on the real
// pipeline of newFixture (JetStream, ingest, the live state, dispatching).
// Whatever the body:
//   - nothing panics;
//   - a refusal is an Open311 error, 400 or 404, never a server error; a
//     400 starts with the parameter at fault, one the form holds or one
//     the method takes;
//   - an accepted request has an id.
//
// The seed corpus is in testdata/fuzz/FuzzPost and below; `go test` runs
// it.
func FuzzPost(f *testing.F) {
	fx := newFixture(f, nil)
	at := fx.form("environment.parking")
	for _, seed := range []string{
		at.Encode(),
		at.Encode() + "&description=%E8%BD%A6%E4%BD%8D%E8%A2%AB%E5%8D%A0&attribute%5Bdanger%5D=yes&device_id=phone-7&media_url=https%3A%2F%2Fexample.org%2Fa.jpg",
		at.Encode() + "&attribute%5Bcolour%5D=red",
		at.Encode() + "&device_id=a%00b",
		at.Encode() + "&device_id=%FF",
		at.Encode() + "&service_code=environment.noise",
		at.Encode() + "&jurisdiction_id=110101",
		"service_code=environment.parking&lat=39.9&long=116.4",
		"service_code=environment.parking&lat=NaN&long=Inf",
		"service_code=environment.parking&lat=1e999&long=103.9",
		"service_code=environment.parking&address_string=1+Main+St",
		"service_code=facility.teleporter&lat=30.5&long=103.9",
		"lat=30.5&long=103.9",
		"colour=red",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return // the server answers 400 "body" before the API sees it
		}
		created, err := fx.api.Post(context.Background(), "integrator:test", form)
		if err != nil {
			checkRefusal(t, err, form, postParams, "lat/long")
			return
		}
		if created.ServiceRequestID == "" {
			t.Fatalf("request %q accepted without an id", body)
		}
	})
}

// FuzzRequests feeds GET requests and GET requests/{id} arbitrary query
// strings and ids. Whatever they are, nothing panics, and a refusal is a
// 400 naming a parameter of the query or of the method, or a 404.
//
// The seed corpus is in testdata/fuzz/FuzzRequests and below; `go test`
// runs it.
func FuzzRequests(f *testing.F) {
	fx := newFixture(f, nil)
	for _, seed := range []struct{ query, id string }{
		{"", "OR-20261121-3f9a1c02b7e4"},
		{"service_code=environment.parking,facility.elevator&status=open,closed", ""},
		{"start_date=2026-11-01T00:00:00Z&end_date=2026-11-21T00:00:00+08:00", ""},
		{"start_date=2026-11-21T00:00:00Z&end_date=2026-11-01T00:00:00Z", ""},
		{"start_date=2025-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z", ""},
		{"start_date=yesterday", ""},
		{"service_request_id=a,b,,c", ""},
		{"service_request_id=" + strings.Repeat("x,", 101), ""},
		{"status=pending", ""},
		{"status=open&status=closed", ""},
		{"jurisdiction_id=110101", "a b"},
		{"colour=red", ""},
	} {
		f.Add(seed.query, seed.id)
	}
	f.Fuzz(func(t *testing.T, query, id string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		if _, err := fx.api.Requests(context.Background(), "", q); err != nil {
			checkRefusal(t, err, q, getParams)
		}
		if id == "" {
			return
		}
		if _, err := fx.api.Request(context.Background(), "", id, q); err != nil {
			checkRefusal(t, err, q, []string{"api_key", "jurisdiction_id", "service_request_id"})
		}
	})
}

// checkRefusal holds an error of the API to the Open311 error shape: a 400
// whose description starts with the parameter at fault, or a 404.
func checkRefusal(t *testing.T, err error, params url.Values, known []string, more ...string) {
	t.Helper()
	var oe *Error
	if !errors.As(err, &oe) {
		t.Fatalf("%v: not an Open311 error, the server would answer 500", err)
	}
	switch oe.Code {
	case 404:
		return
	case 400:
	default:
		t.Fatalf("%v: status %d for bad input", err, oe.Code)
	}
	names := slices.Concat(known, more)
	for p := range params {
		names = append(names, p)
	}
	for _, p := range names {
		if strings.HasPrefix(oe.Description, p+": ") {
			return
		}
	}
	t.Fatalf("%q names no parameter given or taken by the method", oe.Description)
}
