// Package crs converts coordinates between the datums Chinese devices and
// web maps send — GCJ-02 ("Mars coordinates", used by AMap, Tencent and
// Apple Maps in China) and BD-09 (Baidu) — and WGS-84, the only datum
// Gridpulse stores and streams. Conversion happens once, at the door.
package crs

import (
	"fmt"
	"strings"
)

// CRS names a coordinate reference system a sender may use.
type CRS string

// The coordinate reference systems Gridpulse accepts.
const (
	WGS84 CRS = "wgs84"
	GCJ02 CRS = "gcj02"
	BD09  CRS = "bd09"
)

// All lists the accepted systems, WGS-84 first.
var All = []CRS{WGS84, GCJ02, BD09}

// Parse reads a CRS name as a user or an API client writes it: any case,
// with or without the hyphen ("GCJ-02"). The empty string means WGS-84.
func Parse(s string) (CRS, error) {
	norm := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "")
	if norm == "" {
		return WGS84, nil
	}
	for _, c := range All {
		if string(c) == norm {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown coordinate system %q (want one of wgs84, gcj02, bd09)", s)
}

// ToWGS84 converts a point given in c to WGS-84. An unknown c is treated as
// WGS-84: callers validate names with Parse.
func ToWGS84(c CRS, lon, lat float64) (float64, float64) {
	switch c {
	case GCJ02:
		return GCJ02ToWGS84(lon, lat)
	case BD09:
		return BD09ToWGS84(lon, lat)
	}
	return lon, lat
}

// FromWGS84 converts a WGS-84 point to c, for answering a sender in its
// own datum. An unknown c is treated as WGS-84.
func FromWGS84(c CRS, lon, lat float64) (float64, float64) {
	switch c {
	case GCJ02:
		return WGS84ToGCJ02(lon, lat)
	case BD09:
		return WGS84ToBD09(lon, lat)
	}
	return lon, lat
}
