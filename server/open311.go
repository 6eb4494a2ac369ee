package server

import (
	"errors"
	"mime"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/gridpulse/gridpulse/open311"
)

// open311Base is where the GeoReport v2 API lives.
const open311Base = "/open311/v2"

// SetOpen311 hands the server its Open311 API; until then its routes
// answer 503.
func (s *Server) SetOpen311(a *open311.API) { s.open311.Store(a) }

// routeOpen311 adds the GeoReport v2 routes to e. Each resource ends in
// .json or .xml, which picks the format of the answer; errors are answered
// in the specification's shape ([{"code", "description"}]) and format.
func (s *Server) routeOpen311(e *echo.Echo, methods []string) {
	e.Match(methods, open311Base+"/services.:format", s.open311Handler(s.getServices))
	e.Match(methods, open311Base+"/services/:file", s.open311Handler(s.getServiceDefinition))
	e.Match(methods, open311Base+"/requests.:format", s.open311Handler(s.getRequests))
	e.POST(open311Base+"/requests.:format", s.open311Handler(s.postRequest))
	e.Match(methods, open311Base+"/requests/:file", s.open311Handler(s.getRequest))
}

// open311Handle answers one Open311 method: it returns the status and the
// value to write, or an error.
type open311Handle func(c echo.Context, api *open311.API) (int, any, error)

// open311Handler resolves the format, checks readiness, and writes the
// answer or the error in the format asked for.
func (s *Server) open311Handler(h open311Handle) echo.HandlerFunc {
	return func(c echo.Context) error {
		name := c.Param("file")
		if name == "" {
			name = "resource." + c.Param("format")
		}
		_, f, ok := open311.SplitFormat(name)
		if !ok {
			return writeOpen311(c, open311.JSON, &open311.Error{Code: http.StatusNotFound,
				Description: "format: end the resource in .json or .xml"})
		}
		if _, err := s.liveReady(); err != nil {
			return writeOpen311(c, f, &open311.Error{Code: http.StatusServiceUnavailable, Description: err.(*Error).Message})
		}
		api := s.open311.Load()
		if api == nil {
			return writeOpen311(c, f, &open311.Error{Code: http.StatusServiceUnavailable, Description: "the Open311 API is starting"})
		}
		status, v, err := h(c, api)
		var oe *open311.Error
		switch {
		case errors.As(err, &oe):
			return writeOpen311(c, f, oe)
		case err != nil:
			if c.Request().Context().Err() == nil {
				s.log.ErrorContext(c.Request().Context(), "open311 request failed", "path", c.Request().URL.Path, "err", err)
			}
			return writeOpen311(c, f, &open311.Error{Code: http.StatusInternalServerError, Description: "internal server error"})
		}
		return writeOpen311(c, f, v, status)
	}
}

// writeOpen311 writes v (or an *open311.Error as the list of one error) in
// format f with status (default 200, or the error's code).
func writeOpen311(c echo.Context, f open311.Format, v any, status ...int) error {
	code := http.StatusOK
	if len(status) > 0 {
		code = status[0]
	}
	if e, ok := v.(*open311.Error); ok {
		code, v = e.Code, []open311.Error{*e}
	}
	body, err := open311.Encode(f, v)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(code, f.ContentType(), body)
}

// getServices answers GET services.{format}: one service per work-order
// category.
func (s *Server) getServices(c echo.Context, _ *open311.API) (int, any, error) {
	if err := onlyParams(c, "jurisdiction_id", "api_key"); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, open311.Services(), nil
}

// getServiceDefinition answers GET services/{code}.{format}.
func (s *Server) getServiceDefinition(c echo.Context, _ *open311.API) (int, any, error) {
	if err := onlyParams(c, "jurisdiction_id", "api_key"); err != nil {
		return 0, nil, err
	}
	code, _, _ := open311.SplitFormat(c.Param("file"))
	code, err := url.PathUnescape(code)
	if err != nil {
		return 0, nil, &open311.Error{Code: http.StatusBadRequest, Description: "service_code: not a valid path segment"}
	}
	def, err := open311.Definition(code)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, def, nil
}

// getRequests answers GET requests.{format}: the requests inside the
// caller's area.
func (s *Server) getRequests(c echo.Context, api *open311.API) (int, any, error) {
	list, err := api.Requests(c.Request().Context(), principal(c).Area, c.QueryParams())
	return http.StatusOK, list, err
}

// getRequest answers GET requests/{id}.{format}; a request outside the
// caller's area is not found, as if it did not exist.
func (s *Server) getRequest(c echo.Context, api *open311.API) (int, any, error) {
	id, _, _ := open311.SplitFormat(c.Param("file"))
	id, err := url.PathUnescape(id)
	if err != nil {
		return 0, nil, &open311.Error{Code: http.StatusBadRequest, Description: "service_request_id: not a valid path segment"}
	}
	one, err := api.Request(c.Request().Context(), principal(c).Area, id, c.QueryParams())
	return http.StatusOK, one, err
}

// postRequest answers POST requests.{format}: a form (URL-encoded or
// multipart) filing a request; 201 with its id.
func (s *Server) postRequest(c echo.Context, api *open311.API) (int, any, error) {
	r := c.Request()
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	var form url.Values
	switch {
	case err != nil:
		return 0, nil, &open311.Error{Code: http.StatusUnsupportedMediaType,
			Description: "Content-Type: send application/x-www-form-urlencoded or multipart/form-data"}
	case mt == "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return 0, nil, &open311.Error{Code: http.StatusBadRequest, Description: "body: " + err.Error()}
		}
		form = r.PostForm
	case mt == "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return 0, nil, &open311.Error{Code: http.StatusBadRequest, Description: "body: " + err.Error()}
		}
		if len(r.MultipartForm.File) > 0 {
			return 0, nil, &open311.Error{Code: http.StatusBadRequest, Description: "media: files are not taken; give a media_url"}
		}
		form = url.Values(r.MultipartForm.Value)
	default:
		return 0, nil, &open311.Error{Code: http.StatusUnsupportedMediaType,
			Description: "Content-Type: " + mt + " is not application/x-www-form-urlencoded or multipart/form-data"}
	}
	if len(r.URL.RawQuery) > 0 {
		return 0, nil, &open311.Error{Code: http.StatusBadRequest, Description: "query: send the parameters in the body"}
	}
	if err := chargeIntegrator(c, 1); err != nil {
		e := err.(*Error)
		return 0, nil, &open311.Error{Code: e.Status, Description: "api_key: " + e.Message}
	}
	created, err := api.Post(r.Context(), principal(c).Sender(), form)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, []open311.Created{*created}, nil
}

// onlyParams refuses query parameters a method does not take.
func onlyParams(c echo.Context, allowed ...string) error {
	for name := range c.QueryParams() {
		known := false
		for _, a := range allowed {
			known = known || a == name
		}
		if !known {
			return &open311.Error{Code: http.StatusBadRequest, Description: name + ": not a parameter of this method"}
		}
	}
	return nil
}
