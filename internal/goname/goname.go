// Package goname makes Go identifiers from model names, so that the tests
// package gen writes and the files and adapter types the driver names
// agree: "two phase" is TwoPhase in a test's name, twophase_mbt_test.go
// and TwoPhaseAdapter alike.
package goname

import "strings"

// Exported makes s an exported Go identifier, or a part of one: letters and
// digits, each word capitalized ("two phase" becomes TwoPhase), "Model"
// when nothing is left. A leading digit is dropped, since an identifier
// cannot start with one.
func Exported(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9' && b.Len() > 0:
			if up {
				b.WriteString(strings.ToUpper(string(r)))
				up = false
			} else {
				b.WriteRune(r)
			}
		default:
			up = true
		}
	}
	if b.Len() == 0 {
		return "Model"
	}
	return b.String()
}
