//go:build !linux

package fault

import "testing"

// listenerID cannot tell here: tests that ask fall back to a dial alone.
func listenerID(testing.TB, string) string { return "" }
