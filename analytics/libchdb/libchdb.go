//go:build !nochdb

// Package libchdb finds the embedded ClickHouse engine, chDB's libchdb.so,
// before chdb-go loads it, and stops the program with a message that says
// how to get the library when there is none.
//
// chdb-go v2.0.1 opens the library in its package init and panics when it
// is missing, so no code of ours could run first to say anything helpful.
// This package's init does run first: Go initialises packages in dependency
// order and, among those whose imports are all initialised, the one with
// the smallest import path first. chdb-go's loader imports os/exec; this
// package imports only packages that os/exec itself depends on, so it is
// ready no later than os/exec and, as its path sorts before "os/exec", it is
// initialised before os/exec and so before chdb-go. It then points chdb-go
// at the library through CHDB_LIB_PATH, the variable chdb-go reads.
// libchdb_test.go checks both outcomes on a real binary.
//
// Only the embedded engine imports this package. A binary built with
// -tags nochdb has no embedded engine, needs no library and can only use a
// ClickHouse server.
//
// Keep the imports of this file to os, path/filepath, runtime and strings:
// anything os/exec does not depend on (fmt, log/slog …) could let chdb-go
// initialise first.
package libchdb

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Name is the library's file name.
const Name = "libchdb.so"

// EnvVar names the library's path explicitly. It wins over every other
// place and, when set to a file that does not exist, is an error rather
// than a hint.
const EnvVar = "GRIDPULSE_CHDB_LIB"

// chdbEnvVar is the variable chdb-go itself reads for the library's path.
const chdbEnvVar = "CHDB_LIB_PATH"

// path is where the library was found; set by init.
var path string

// Path is the absolute path of the library the embedded engine loads.
func Path() string { return path }

func init() {
	exe, _ := os.Executable()
	wd, _ := os.Getwd()
	found, tried, ok := find(os.Getenv, exists, exe, wd)
	if !ok {
		os.Stderr.WriteString(missingMessage(filepath.Base(os.Args[0]), tried))
		os.Exit(1)
	}
	path = found
	os.Setenv(chdbEnvVar, found)
}

// find returns the first library path that exists, in this order: the
// GRIDPULSE_CHDB_LIB and CHDB_LIB_PATH variables, lib/ beside the executable
// or its parent (bin/gridpulse finds lib/), lib/ in the working directory or
// any directory above it (tests run in their package's directory), and
// /usr/local/lib, where chDB's own installer puts it. It also returns every
// place it looked, for the message when none has it.
func find(getenv func(string) string, exists func(string) bool, exe, wd string) (found string, tried []string, ok bool) {
	for _, v := range []string{EnvVar, chdbEnvVar} {
		if p := getenv(v); p != "" {
			p = absolute(p, wd)
			if exists(p) {
				return p, nil, true
			}
			return "", []string{p + " (from " + v + ")"}, false
		}
	}
	var candidates []string
	if exe != "" {
		dir := filepath.Dir(exe)
		candidates = append(candidates, filepath.Join(dir, "lib", Name), filepath.Join(filepath.Dir(dir), "lib", Name))
	}
	for dir := wd; dir != ""; {
		candidates = append(candidates, filepath.Join(dir, "lib", Name))
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	candidates = append(candidates, filepath.Join("/usr/local/lib", Name))
	for _, p := range candidates {
		if exists(p) {
			return p, nil, true
		}
	}
	return "", candidates, false
}

func absolute(p, wd string) string {
	if filepath.IsAbs(p) || wd == "" {
		return p
	}
	return filepath.Join(wd, p)
}

func exists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// missingMessage says what is missing, where it was looked for and the
// three ways out.
func missingMessage(program string, tried []string) string {
	pkg := "@chdb/lib-linux-x64-gnu"
	if runtime.GOOS == "darwin" {
		pkg = "@chdb/lib-darwin-arm64"
	}
	var b strings.Builder
	b.WriteString(program + ": the embedded ClickHouse engine (" + Name + ") was not found.\n")
	b.WriteString("Looked for it at:\n")
	for _, p := range tried {
		b.WriteString("  " + p + "\n")
	}
	b.WriteString("To fix this, do one of:\n")
	b.WriteString("  - run `make chdb` in the source tree: it fetches the pinned npm package " + pkg + " into lib/;\n")
	b.WriteString("  - set " + EnvVar + " to the path of a " + Name + ";\n")
	b.WriteString("  - to use a ClickHouse server only, build with `go build -tags nochdb` and set GRIDPULSE_CLICKHOUSE_DSN.\n")
	return b.String()
}
