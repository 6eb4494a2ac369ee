//go:build !nochdb

package libchdb_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gridpulse/gridpulse/analytics/libchdb"
)

// buildLoadcheck builds testdata/loadcheck, a program that links chdb-go as
// gridpulse does, so the tests see what a real binary does at start.
func buildLoadcheck(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "loadcheck")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "./testdata/loadcheck")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building loadcheck: %v\n%s", err, out)
	}
	return bin
}

func run(t *testing.T, bin, lib string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), libchdb.EnvVar+"="+lib)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// Without the library a binary linking chdb-go ends with the message and
// exit status 1 before chdb-go's init can panic; with it, chdb-go loads the
// file this package found.
func TestBinaryStart(t *testing.T) {
	bin := buildLoadcheck(t)
	t.Run("missing library: a message, not a panic", func(t *testing.T) {
		stdout, stderr, code := run(t, bin, "/nonexistent/lib/libchdb.so")
		if code != 1 {
			t.Fatalf("exit status %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
			t.Fatalf("the binary panicked:\n%s", stderr)
		}
		for _, want := range []string{"loadcheck: the embedded ClickHouse engine (libchdb.so) was not found", "/nonexistent/lib/libchdb.so (from GRIDPULSE_CHDB_LIB)", "make chdb"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
	})
	t.Run("library found: chdb-go loads it", func(t *testing.T) {
		lib := libchdb.Path()
		if lib == "" {
			t.Fatal("this test binary found no library, so the package's init did not run")
		}
		stdout, stderr, code := run(t, bin, lib)
		if code != 0 {
			t.Fatalf("exit status %d\nstderr: %s", code, stderr)
		}
		if want := "loaded " + lib + " via " + lib; strings.TrimSpace(stdout) != want {
			t.Fatalf("loadcheck said %q, want %q", stdout, want)
		}
	})
}
