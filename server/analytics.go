package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/gridpulse/gridpulse/analytics/query"
)

// Analytics is the history the server answers the analytics routes from
// (/api/v1/heatmap, …). Until the server has it, those routes answer 503.
type Analytics struct {
	Query *query.Service
}

// SetAnalytics hands the server its analytics queries.
func (s *Server) SetAnalytics(a Analytics) { s.analytics.Store(&a) }

// analyticsReady is the analytics once set, or the 503 to answer meanwhile.
func (s *Server) analyticsReady() (*Analytics, error) {
	a := s.analytics.Load()
	if a == nil || a.Query == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: "the analytics store is starting"}
	}
	return a, nil
}

// routeAnalytics adds the analytics routes to e.
func (s *Server) routeAnalytics(e *echo.Echo, methods []string) {
	e.Match(methods, "/api/v1/heatmap", s.getHeatmap)
	e.Match(methods, "/api/v1/trends", s.getTrends)
	e.Match(methods, "/api/v1/rankings", s.getRankings)
	e.Match(methods, "/api/v1/cells/:code", s.getCell)
}

// getHeatmap answers GET /api/v1/heatmap: new orders per cell with their
// weather level (民情气象图).
//
//	level     street | community (default) | compound | grid | micro_grid
//	window    24h | 7d (default) | 30d | 90d | 365d, or
//	from, to  RFC 3339, at most 400 days apart
//	metric    count (default) | per_1000_households | change
//	category  a class (property) or an item (property.fee); default all
//	area      a street or community code inside the caller's area; default the caller's area
//	limit     cells, 1..50000, default 20000
func (s *Server) getHeatmap(c echo.Context) error {
	q, err := queryParams(c, "level", "window", "from", "to", "metric", "category", "area", "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	scope, err := scopedArea(principal(c), "area", q.Get("area"))
	if err != nil {
		return err
	}
	a, err := s.analyticsReady()
	if err != nil {
		return err
	}
	h, err := a.Query.Heatmap(c.Request().Context(), query.HeatmapRequest{
		Level:      q.Get("level"),
		WindowSpec: query.WindowSpec{Window: q.Get("window"), From: q.Get("from"), To: q.Get("to")},
		Metric:     q.Get("metric"), Category: q.Get("category"), Area: scope, Limit: limit,
	})
	if err != nil {
		return queryError(err)
	}
	return c.JSON(http.StatusOK, h)
}

// getTrends answers GET /api/v1/trends: counts per hour or day, per
// category and per channel, closure rate, response and closing times,
// open and overdue orders, escalations and satisfaction.
//
//	window    24h | 7d (default) | 30d | 90d | 365d, or
//	from, to  RFC 3339, at most 400 days apart
//	interval  hour (default up to 48 h) | day (default beyond); hour up to 31 days
//	category  a class or an item; default all
//	channel   one intake channel; default all
//	area      a street or community code inside the caller's area; default the caller's area
func (s *Server) getTrends(c echo.Context) error {
	q, err := queryParams(c, "window", "from", "to", "interval", "category", "channel", "area")
	if err != nil {
		return err
	}
	scope, err := scopedArea(principal(c), "area", q.Get("area"))
	if err != nil {
		return err
	}
	a, err := s.analyticsReady()
	if err != nil {
		return err
	}
	t, err := a.Query.Trends(c.Request().Context(), query.TrendsRequest{
		WindowSpec: query.WindowSpec{Window: q.Get("window"), From: q.Get("from"), To: q.Get("to")},
		Interval:   q.Get("interval"), Category: q.Get("category"), Channel: q.Get("channel"), Area: scope,
	})
	if err != nil {
		return queryError(err)
	}
	return c.JSON(http.StatusOK, t)
}

// getRankings answers GET /api/v1/rankings: the 红黑榜 of compounds or
// property companies: the compounds inside the area, and the property
// companies ranked on those compounds alone.
//
//	of        compound (default) | property_company
//	window    24h | 7d | 30d (default) | 90d | 365d, or
//	from, to  RFC 3339, at most 400 days apart
//	sort      orders_per_100_households (default) | closure_rate | satisfaction | repeat_complaints
//	order     desc (default) | asc
//	area      a street or community code inside the caller's area; default the caller's area
//	limit     entries, 1..200, default 20
func (s *Server) getRankings(c echo.Context) error {
	q, err := queryParams(c, "of", "window", "from", "to", "sort", "order", "area", "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	scope, err := scopedArea(principal(c), "area", q.Get("area"))
	if err != nil {
		return err
	}
	a, err := s.analyticsReady()
	if err != nil {
		return err
	}
	r, err := a.Query.Rankings(c.Request().Context(), query.RankingsRequest{
		Of:         q.Get("of"),
		WindowSpec: query.WindowSpec{Window: q.Get("window"), From: q.Get("from"), To: q.Get("to")},
		Sort:       q.Get("sort"), Order: q.Get("order"), Area: scope, Limit: limit,
	})
	if err != nil {
		return queryError(err)
	}
	return c.JSON(http.StatusOK, r)
}

// getCell answers GET /api/v1/cells/{code}: one cell's profile (小区体检)
// over the last 30 days — daily trend, open orders (the oldest 50),
// alarms, patrol coverage, facilities. The code is a street, community,
// compound, general grid or micro grid inside the caller's area; a cell
// outside it is not found, as if it did not exist. It takes no query
// parameters.
func (s *Server) getCell(c echo.Context) error {
	if _, err := queryParams(c); err != nil {
		return err
	}
	a, err := s.analyticsReady()
	if err != nil {
		return err
	}
	code, scope := c.Param("code"), principal(c).Area
	p, err := a.Query.Cell(c.Request().Context(), query.CellRequest{Code: code, Area: scope})
	if errors.Is(err, query.ErrNoCell) {
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Field: "code", Message: notFoundIn(scope, "no cell has the code %s", code)}
	}
	if err != nil {
		return queryError(err)
	}
	return c.JSON(http.StatusOK, p)
}

// queryParams is the request's query, refused when it names a parameter
// the route does not take or gives one twice.
func queryParams(c echo.Context, allowed ...string) (url.Values, error) {
	q := c.QueryParams()
	for name, vs := range q {
		known := false
		for _, a := range allowed {
			known = known || a == name
		}
		if !known {
			return nil, invalidField(name, "%s is not a parameter of %s", name, c.Path())
		}
		if len(vs) > 1 {
			return nil, invalidField(name, "%s is given %d times", name, len(vs))
		}
	}
	return q, nil
}

// intParam reads an optional integer parameter; absent is 0, the query's
// default.
func intParam(q url.Values, name string) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, invalidField(name, "%s %q is not an integer", name, v)
	}
	return n, nil
}

// queryError turns a query's refusal of a request field into a 400; any
// other error is the server's.
func queryError(err error) error {
	var fe *query.FieldError
	if errors.As(err, &fe) {
		return invalidField(fe.Field, "%s", fe.Message)
	}
	return err
}
