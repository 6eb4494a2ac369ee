package server

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/gridpulse/gridpulse/area"
)

// get sends a GET with the user's token ("" for none) to the scope
// server and returns the answer with its body read.
func (f *scopeServer) get(t *testing.T, user, path string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	// The tile is sent gzipped whatever the client asks; ask for it so
	// that the transport leaves the bytes as they are.
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// ancestors are the areas a user's tiles hold as bare outlines: the
// district around a street, and the street too around a community.
func ancestors(u scopeUser) []string {
	var out []string
	for _, n := range []int{area.DistrictCodeLen, area.StreetCodeLen} {
		if len(u.area) > n {
			out = append(out, u.area[:n])
		}
	}
	return out
}

// scopeTilePaths are the tiles the tests fetch: the whole district at z8
// and z11, and the tiles holding each place's point from z12 to z16.
func scopeTilePaths() []string {
	at := func(p orb.Point, z maptile.Zoom) string {
		t := maptile.At(p, z)
		return fmt.Sprintf("/tiles/%d/%d/%d.mvt", t.Z, t.X, t.Y)
	}
	paths := []string{at(scopePlaces[0].point, 8), at(scopePlaces[0].point, 11)}
	for _, p := range scopePlaces {
		for _, z := range []maptile.Zoom{12, 14, 16} {
			paths = append(paths, at(p.point, z))
		}
	}
	return paths
}

// Every tile a user fetches holds the areas inside their area and their
// ancestors' outlines with code and name only; over the fetched tiles
// every area inside their area is drawn somewhere. Tiles are private to
// their caller.
func TestTilesAreCutToTheCallersArea(t *testing.T) {
	f := newScopeServer(t, nil)
	set := f.areas.Index.Areas()
	for _, u := range scopeUsers {
		t.Run(u.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, path := range scopeTilePaths() {
				res, body := f.get(t, u.name, path, nil)
				if res.StatusCode == http.StatusNoContent {
					continue
				}
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET %s = %d %s", path, res.StatusCode, body)
				}
				if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private,") {
					t.Errorf("GET %s Cache-Control %q, want private", path, cc)
				}
				if !slices.Contains(res.Header.Values("Vary"), "Authorization") {
					t.Errorf("GET %s Vary %q, want Authorization", path, res.Header.Values("Vary"))
				}
				layers, err := mvt.UnmarshalGzipped(body)
				if err != nil {
					t.Fatalf("GET %s: %v", path, err)
				}
				for _, l := range layers {
					for _, ft := range l.Features {
						code, _ := ft.Properties["code"].(string)
						seen[code] = true
						switch {
						case strings.HasPrefix(code, u.area):
						case slices.Contains(ancestors(u), code):
							a, _ := set.Get(area.Layer(l.Name), code)
							want := geojson.Properties{"code": code, "name": a.Name}
							if !maps.Equal(ft.Properties, want) {
								t.Errorf("GET %s: outline %s has properties %v, want %v", path, code, ft.Properties, want)
							}
						default:
							t.Errorf("GET %s: %s %s %v is outside %s's area %s", path, l.Name, code, ft.Properties, u.name, u.area)
						}
					}
				}
			}
			for _, l := range area.Layers {
				for _, a := range set.Layer(l) {
					if strings.HasPrefix(a.Code, u.area) && !seen[a.Code] {
						t.Errorf("%s %s inside %s's area is in none of the tiles", l, a.Code, u.name)
					}
				}
			}
		})
	}
	res, body := f.get(t, "", scopeTilePaths()[0], nil)
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a tile without a token = %d %s, want 401", res.StatusCode, body)
	}
}

// A tile's ETag is its content's: two scopes that see the tile
// differently get different tags, and one's tag never earns the other a
// 304.
func TestTileETagsDifferByScope(t *testing.T) {
	f := newScopeServer(t, nil)
	path := scopeTilePaths()[1] // the whole district at z11
	tags := map[string]string{}
	for _, u := range []scopeUser{userStreetA, userStreetB, userCommunity, userCommand} {
		res, body := f.get(t, u.name, path, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s GET %s = %d %s", u.name, path, res.StatusCode, body)
		}
		tag := res.Header.Get("ETag")
		for other, otherTag := range tags {
			if tag == otherTag {
				t.Errorf("%s and %s, who see different tiles, share ETag %s", u.name, other, tag)
			}
			res, _ := f.get(t, u.name, path, http.Header{"If-None-Match": {otherTag}})
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s with %s's ETag = %d, want 200", u.name, other, res.StatusCode)
			}
		}
		if res, _ := f.get(t, u.name, path, http.Header{"If-None-Match": {tag}}); res.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its own ETag = %d, want 304", u.name, res.StatusCode)
		}
		tags[u.name] = tag
	}
}

// The layers document names and fits the caller's area and counts what
// their tiles hold; the labels are those of the streets and communities
// inside it.
func TestLayersAndLabelsAreTheCallersArea(t *testing.T) {
	f := newScopeServer(t, nil)
	a1, a2, b1 := scopePlaces[0], scopePlaces[1], scopePlaces[2]
	tests := []struct {
		user   scopeUser
		name   string
		bounds [4]float64
		// counts of district, street, community and compound; the
		// smaller layers follow the compound's
		counts [4]int
		labels []string
	}{
		{userCommand, "双流区", [4]float64{103.90, scopeSouth, 103.98, scopeNorth}, [4]int{1, 2, 3, 3},
			[]string{streetA, a1.community, a2.community, streetB, b1.community}},
		{userStreetA, "东升街道", [4]float64{103.90, scopeSouth, 103.94, scopeNorth}, [4]int{1, 1, 2, 2},
			[]string{streetA, a1.community, a2.community}},
		{userDispatcher, "东升街道", [4]float64{103.90, scopeSouth, 103.94, scopeNorth}, [4]int{1, 1, 2, 2},
			[]string{streetA, a1.community, a2.community}},
		{userCommunity, "棠湖社区", [4]float64{103.90, scopeSouth, 103.92, scopeNorth}, [4]int{1, 1, 1, 1},
			[]string{a1.community}},
		{userStreetB, "西航港街道", [4]float64{103.94, scopeSouth, 103.98, scopeNorth}, [4]int{1, 1, 1, 1},
			[]string{streetB, b1.community}},
	}
	for _, tc := range tests {
		t.Run(tc.user.name, func(t *testing.T) {
			res, body := f.get(t, tc.user.name, "/api/v1/layers", nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("layers = %d %s", res.StatusCode, body)
			}
			if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
				t.Errorf("layers Cache-Control %q, want private", cc)
			}
			var doc layersDoc
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Name != tc.name || doc.Bounds != tc.bounds {
				t.Errorf("layers name %q bounds %v, want %q %v", doc.Name, doc.Bounds, tc.name, tc.bounds)
			}
			counts := map[area.Layer]int{}
			for _, l := range doc.Layers {
				counts[l.Layer] = l.Count
			}
			want := map[area.Layer]int{area.District: tc.counts[0], area.Street: tc.counts[1], area.Community: tc.counts[2],
				area.Compound: tc.counts[3], area.Building: tc.counts[3], area.GeneralGrid: tc.counts[3],
				area.MicroGrid: tc.counts[3], area.DedicatedGrid: 0}
			if !maps.Equal(counts, want) {
				t.Errorf("layer counts %v, want %v", counts, want)
			}

			res, body = f.get(t, tc.user.name, "/api/v1/labels", nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("labels = %d %s", res.StatusCode, body)
			}
			fc, err := geojson.UnmarshalFeatureCollection(body)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, ft := range fc.Features {
				codes = append(codes, ft.Properties.MustString("code"))
			}
			slices.Sort(codes)
			if !slices.Equal(codes, tc.labels) {
				t.Errorf("labels %v, want %v", codes, tc.labels)
			}
		})
	}
}
