//go:build !nochdb

package libchdb

// This file must import nothing: the test build of this package has to keep
// the package's own imports, or chdb-go could initialise first.

var (
	Find           = find
	MissingMessage = missingMessage
)

const ChdbEnvVar = chdbEnvVar
