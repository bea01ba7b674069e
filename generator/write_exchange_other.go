//go:build !linux && !darwin

package generator

// exchangeDirs reports that this system cannot swap folders atomically;
// Write falls back to two renames.
func exchangeDirs(a, b string) error { return errExchangeUnsupported }
