//go:build !linux && !darwin

package gctune

// physicalMemory is unknown here: Go's default memory limit stands.
func physicalMemory() uint64 { return 0 }
