// Package traceformat names the formats of TLA+ traces that mbt reads and
// numbers their states as each tool does. Package tlaimport reads the
// formats and exports the same names as its Format constants; package
// driver and the mbt command check -format flags and name states with
// this package, so that the rules live in one place without being part of
// tlaimport's API.
package traceformat

import "strconv"

// The format names, as in tlaimport's Trace.Format.
const (
	ITF     = "itf"      // the Informal Trace Format (Apalache, Quint)
	TLCJSON = "tlc-json" // TLC's -dumpTrace json
	TLC     = "tlc"      // TLC's text output
)

// Names returns the format names that tlaimport.ReadFormat accepts,
// besides "" for detecting the format.
func Names() []string { return []string{ITF, TLCJSON, TLC} }

// StateLabel names the i-th state (from 0) of a trace in format as the
// tool that wrote it numbers it: "state 4" for the fourth state of TLC's
// output ("State 4:"), which is the third of an ITF file ("state 3",
// ITF's #meta index).
func StateLabel(format string, i int) string {
	if format == TLC || format == TLCJSON {
		return "state " + strconv.Itoa(i+1)
	}
	return "state " + strconv.Itoa(i)
}
