//go:build !nochdb

package libchdb_test

import (
	"slices"
	"strings"
	"testing"

	. "github.com/gridpulse/gridpulse/analytics/libchdb"
)

func TestFind(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		files     []string
		exe, wd   string
		want      string
		wantTried []string // checked only when nothing is found
	}{
		{
			name:  "explicit variable wins",
			env:   map[string]string{EnvVar: "/opt/chdb/libchdb.so", ChdbEnvVar: "/other/libchdb.so"},
			files: []string{"/opt/chdb/libchdb.so", "/other/libchdb.so", "/repo/lib/libchdb.so"},
			exe:   "/repo/bin/gridpulse", wd: "/repo",
			want: "/opt/chdb/libchdb.so",
		},
		{
			name:  "relative explicit path is taken from the working directory",
			env:   map[string]string{EnvVar: "vendor/libchdb.so"},
			files: []string{"/repo/vendor/libchdb.so"},
			wd:    "/repo",
			want:  "/repo/vendor/libchdb.so",
		},
		{
			name:  "explicit path that does not exist is not second-guessed",
			env:   map[string]string{EnvVar: "/missing/libchdb.so"},
			files: []string{"/repo/lib/libchdb.so"},
			exe:   "/repo/bin/gridpulse", wd: "/repo",
			wantTried: []string{"/missing/libchdb.so (from GRIDPULSE_CHDB_LIB)"},
		},
		{
			name:  "chdb-go's own variable",
			env:   map[string]string{ChdbEnvVar: "/usr/lib/x/libchdb.so"},
			files: []string{"/usr/lib/x/libchdb.so"},
			want:  "/usr/lib/x/libchdb.so",
		},
		{
			name:  "lib beside the binary's directory",
			files: []string{"/srv/gp/lib/libchdb.so", "/home/u/lib/libchdb.so"},
			exe:   "/srv/gp/bin/gridpulse", wd: "/home/u",
			want: "/srv/gp/lib/libchdb.so",
		},
		{
			name:  "a test in a package directory finds the repository's lib",
			files: []string{"/repo/lib/libchdb.so"},
			exe:   "/tmp/go-build1/b001/analytics.test", wd: "/repo/analytics/writer",
			want: "/repo/lib/libchdb.so",
		},
		{
			name:  "chDB's installer's place last",
			files: []string{"/usr/local/lib/libchdb.so"},
			exe:   "/x/bin/gp", wd: "/y",
			want: "/usr/local/lib/libchdb.so",
		},
		{
			name:      "nowhere: every place is listed",
			exe:       "/x/bin/gp",
			wd:        "/y/z",
			wantTried: []string{"/x/bin/lib/libchdb.so", "/x/lib/libchdb.so", "/y/z/lib/libchdb.so", "/y/lib/libchdb.so", "/lib/libchdb.so", "/usr/local/lib/libchdb.so"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			exists := func(p string) bool { return slices.Contains(tt.files, p) }
			got, tried, ok := Find(getenv, exists, tt.exe, tt.wd)
			if tt.want != "" {
				if !ok || got != tt.want {
					t.Fatalf("find = %q, %v; want %q", got, ok, tt.want)
				}
				return
			}
			if ok {
				t.Fatalf("find = %q, want nothing found", got)
			}
			if !slices.Equal(tried, tt.wantTried) {
				t.Errorf("tried\n%q\nwant\n%q", tried, tt.wantTried)
			}
		})
	}
}

func TestMissingMessageSaysHowToFix(t *testing.T) {
	msg := MissingMessage("gridpulse", []string{"/a/lib/libchdb.so"})
	for _, want := range []string{"gridpulse: the embedded ClickHouse engine (libchdb.so) was not found", "/a/lib/libchdb.so", "make chdb", EnvVar, "-tags nochdb"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}
