package open311

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/event"
)

// Description bounds.
const (
	maxDescription = 4000 // characters, the specification's limit
	maxTitleBytes  = 500  // a work order's title
)

// postParams are the parameters POST requests takes besides attribute[…].
// The person's name, e-mail and phone are accepted and not kept: a work
// order carries no personal data.
var postParams = []string{"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
	"address_id", "email", "device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url"}

// Post files a service request: a new work order on the Open311 channel at
// lat, long (WGS-84), of the category service_code, its title the
// description, urgent when attribute[danger] is yes. It appears on the
// live map and its id is the request's.
func (a *API) Post(ctx context.Context, sender string, form url.Values) (*Created, error) {
	if err := checkParams(form, true, postParams...); err != nil {
		return nil, err
	}
	if _, err := a.jurisdiction(form); err != nil {
		return nil, err
	}
	code := form.Get("service_code")
	if code == "" {
		return nil, badRequest("service_code", "required")
	}
	service, ok := event.Categories.Find(code)
	if !ok {
		return nil, badRequest("service_code", "%q is not a service (GET services lists them)", code)
	}
	priority := event.Priority("normal")
	for name, vs := range form {
		attr, isAttr := strings.CutPrefix(name, "attribute[")
		if !isAttr {
			continue
		}
		attr = strings.TrimSuffix(attr, "]")
		if attr != dangerAttribute.Code {
			return nil, badRequest(name, "not an attribute of service %s", code)
		}
		switch vs[0] {
		case "yes":
			priority = "urgent"
		case "no", "":
		default:
			return nil, badRequest(name, "%q is not one of yes, no", vs[0])
		}
	}
	loc, err := location(form)
	if err != nil {
		return nil, err
	}
	desc := form.Get("description")
	if n := utf8.RuneCountInString(desc); n > maxDescription || !utf8.ValidString(desc) {
		return nil, badRequest("description", "%d characters or invalid UTF-8; at most %d characters", n, maxDescription)
	}
	title := firstBytes(strings.TrimSpace(desc), maxTitleBytes)
	if title == "" {
		title = service.ZH
	}
	if u := form.Get("media_url"); u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") {
			return nil, badRequest("media_url", "%q is not an http or https URL", u)
		}
	}
	actor := "open311"
	if id := form.Get("device_id"); id != "" {
		// It becomes the order's actor, which holds text only.
		if !utf8.ValidString(id) || strings.ContainsFunc(id, unicode.IsControl) {
			return nil, badRequest("device_id", "has invalid UTF-8 or control characters")
		}
		actor += ":" + firstBytes(id, 100)
	}
	o, err := a.deps.Orders.Report(ctx, dispatch.NewOrder{Channel: "open311", Category: code, Priority: priority,
		Title: title, Location: loc, Actor: actor, Sender: sender})
	var fe *event.FieldError
	switch {
	case errors.As(err, &fe):
		param := fe.Field
		if param == "location" {
			param = "lat/long"
		} else if param == "title" {
			param = "description"
		}
		return nil, badRequest(param, "%s", fe.Message)
	case errors.Is(err, dispatch.ErrUnavailable):
		return nil, &Error{Code: 503, Description: "the request was not stored; send it again"}
	case err != nil:
		return nil, err
	}
	notice := ""
	if o.Deadline != nil {
		notice = fmt.Sprintf("预计 %s 前办结 (expected by %s)", o.Deadline.In(beijing).Format("2006-01-02 15:04"),
			o.Deadline.Format(event.TimeLayout))
	}
	return &Created{ServiceRequestID: o.OrderID, ServiceNotice: notice, AccountID: form.Get("account_id")}, nil
}

// location reads lat and long. This jurisdiction does not geocode, so an
// address alone is refused.
func location(form url.Values) (event.Position, error) {
	lat, long := form.Get("lat"), form.Get("long")
	if lat == "" || long == "" {
		if form.Get("address_string") != "" || form.Get("address_id") != "" {
			return event.Position{}, badRequest("lat", "lat and long are required: addresses are not geocoded here")
		}
		return event.Position{}, badRequest("lat", "a location is required: lat and long")
	}
	y, ok := finite(lat)
	if !ok {
		return event.Position{}, badRequest("lat", "%q is not a number", lat)
	}
	x, ok := finite(long)
	if !ok {
		return event.Position{}, badRequest("long", "%q is not a number", long)
	}
	return event.Position{x, y}, nil
}

// finite reads a finite decimal number; ParseFloat also takes "NaN" and
// "Inf", which no position holds.
func finite(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// firstBytes is the longest prefix of s of at most n bytes that ends on a
// character boundary.
func firstBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
