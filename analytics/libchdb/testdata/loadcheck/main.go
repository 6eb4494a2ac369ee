// Command loadcheck is a program that links chdb-go the way gridpulse does;
// load_test.go builds and runs it to see what happens with and without the
// library.
package main

import (
	"os"

	_ "github.com/chdb-io/chdb-go/v2/chdb-purego"

	"github.com/gridpulse/gridpulse/analytics/libchdb"
)

func main() {
	os.Stdout.WriteString("loaded " + libchdb.Path() + " via " + os.Getenv("CHDB_LIB_PATH") + "\n")
}
