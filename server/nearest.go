package server

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/gridpulse/gridpulse/event"
	"github.com/gridpulse/gridpulse/stream/live"
)

// Bounds of GET /api/v1/live/nearest's k.
const (
	defaultNearestK = 5
	maxNearestK     = 50
)

// getNearest answers GET /api/v1/live/nearest?lon=&lat=&k=: the k on-duty
// workers inside the caller's area nearest to a point, nearest first, for
// a dispatcher choosing whom to send. Off-line workers are never listed.
//
//	lon, lat  WGS-84, required
//	k         1..50, default 5
func (s *Server) getNearest(c echo.Context) error {
	q, err := queryParams(c, "lon", "lat", "k")
	if err != nil {
		return err
	}
	lon, err := floatParam(q.Get("lon"), "lon", -180, 180)
	if err != nil {
		return err
	}
	lat, err := floatParam(q.Get("lat"), "lat", -90, 90)
	if err != nil {
		return err
	}
	k := defaultNearestK
	if v := q.Get("k"); v != "" {
		k, err = strconv.Atoi(v)
		if err != nil || k < 1 || k > maxNearestK {
			return invalidField("k", "k %q is not an integer in 1..%d", v, maxNearestK)
		}
	}
	l, err := s.liveReady()
	if err != nil {
		return err
	}
	workers := l.State.NearestWorkers(orb.Point{lon, lat}, k, true, principal(c).Area)
	if workers == nil {
		workers = []live.Nearby{}
	}
	return uncachedJSON(c, struct {
		At      event.Time    `json:"at"`
		Workers []live.Nearby `json:"workers"`
	}{event.Time{Time: time.Now()}, workers})
}

// floatParam reads a required number in [lo, hi].
func floatParam(v, name string, lo, hi float64) (float64, error) {
	if v == "" {
		return 0, &Error{Status: http.StatusBadRequest, Code: CodeInvalidField, Field: name, Message: name + " is required"}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, invalidField(name, "%s %q is not a number", name, v)
	}
	if math.IsNaN(f) || f < lo || f > hi {
		return 0, invalidField(name, "%s %v is out of range %v..%v", name, f, lo, hi)
	}
	return f, nil
}
