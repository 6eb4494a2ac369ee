package open311

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gridpulse/gridpulse/analytics/engine"
	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/dispatch"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Config bounds the API. Zero fields take the defaults of withDefaults.
type Config struct {
	// MaxRequests bounds the requests one GET requests answers. Default
	// 1,000, the specification's figure.
	MaxRequests int
	// Window is the span GET requests covers when no dates are given,
	// and the most it covers when they are. Default 90 days, the
	// specification's figure.
	Window time.Duration
	// Clock tells the time; default time.Now.
	Clock func() time.Time
}

func (c Config) withDefaults() Config {
	if c.MaxRequests <= 0 {
		c.MaxRequests = 1000
	}
	if c.Window <= 0 {
		c.Window = 90 * 24 * time.Hour
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c
}

// Deps are the parts the API works with.
type Deps struct {
	// Orders opens the work orders requests become, and routes them.
	Orders *dispatch.Service
	// State is the live state, for the orders it knows (the newest).
	State *live.State
	// Areas names streets, communities and compounds, and holds the
	// districts that are the jurisdictions.
	Areas *area.Set
	// History is ClickHouse, for every order, closed ones included; nil
	// answers lists from the live state alone.
	History engine.Engine
}

// API answers the GeoReport v2 methods. It is safe for concurrent use.
type API struct {
	cfg  Config
	deps Deps
}

// New makes the API.
func New(cfg Config, deps Deps) (*API, error) {
	if deps.Orders == nil || deps.State == nil || deps.Areas == nil {
		return nil, errors.New("open311: orders, the live state and the areas are needed")
	}
	return &API{cfg: cfg.withDefaults(), deps: deps}, nil
}

// checkParams refuses parameters a method does not take and parameters
// given twice. attribute[…] parameters pass when attributes is true.
func checkParams(q url.Values, attributes bool, allowed ...string) *Error {
	for name, vs := range q {
		known := attributes && strings.HasPrefix(name, "attribute[") && strings.HasSuffix(name, "]")
		for _, a := range allowed {
			known = known || a == name
		}
		if !known {
			return badRequest(name, "not a parameter of this method")
		}
		if len(vs) > 1 {
			return badRequest(name, "given %d times", len(vs))
		}
	}
	return nil
}

// jurisdiction checks a jurisdiction_id: a district code of the areas, or
// empty for all of them.
func (a *API) jurisdiction(q url.Values) (string, *Error) {
	id := q.Get("jurisdiction_id")
	if id == "" {
		return "", nil
	}
	if _, ok := a.deps.Areas.Get(area.District, id); !ok {
		return "", notFound("jurisdiction_id %q is not served here", id)
	}
	return id, nil
}

// checkID is an order id as a request id: 1–128 characters, no spaces.
func checkID(param, id string) *Error {
	if id == "" || len(id) > 128 || strings.ContainsAny(id, " \t\r\n") {
		return badRequest(param, "%q is not a service request id", id)
	}
	return nil
}
