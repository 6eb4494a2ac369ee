package main

import (
	"os"
	"strings"
	"testing"
)

// childArgsEnv, when set, makes the test binary run as gridpulse itself
// with these arguments (separated by newlines), so tests can start, kill
// and restart a real server process without building another binary.
const childArgsEnv = "GRIDPULSE_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgsEnv); args != "" {
		os.Args = append([]string{"gridpulse"}, strings.Split(args, "\n")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
