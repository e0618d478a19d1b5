package tlaimport

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/mbtgo/mbt/internal/jsonscan"
)

// The names of the trace formats, as in [Trace.Format] and [ReadFormat].
const (
	FormatITF     = "itf"      // the Informal Trace Format: [ReadITF]
	FormatTLCJSON = "tlc-json" // TLC's -dumpTrace json: [ReadTLCJSON]
	FormatTLC     = "tlc"      // TLC's text output
)

// Read reads the traces in data, detecting the format from the content:
// a JSON object with the key "counterexample" is TLC's -dumpTrace json
// ([FormatTLCJSON]), another JSON object is ITF ([FormatITF], whose keys
// are "#meta", "params", "vars", "states" and "loop"), and anything that
// does not start with '{' is TLC's text output ([FormatTLC]). filename is
// used in positions only.
func Read(filename string, data []byte) ([]*Trace, error) {
	return ReadFormat(filename, data, "")
}

// ReadFormat reads the traces in data in the given format: [FormatITF],
// [FormatTLCJSON], [FormatTLC], or "" to detect it as [Read] does. The
// JSON formats hold one trace each ([ReadITF], [ReadTLCJSON]); TLC's text
// output may hold several, or none ([ReadTLC]).
func ReadFormat(filename string, data []byte, format string) ([]*Trace, error) {
	if format == "" {
		format = detectFormat(data)
	}
	var t *Trace
	var err error
	switch format {
	case FormatITF:
		t, err = ReadITF(filename, data)
	case FormatTLCJSON:
		t, err = ReadTLCJSON(filename, data)
	case FormatTLC:
		return ReadTLC(filename, bytes.NewReader(data))
	default:
		return nil, fmt.Errorf("unknown trace format %s (want itf, tlc-json or tlc)", strconv.Quote(format))
	}
	if err != nil {
		return nil, err
	}
	return []*Trace{t}, nil
}

// detectFormat returns the format of data, as [Read] says. It looks at
// the top-level keys only as far as it needs to.
func detectFormat(data []byte) string {
	s := jsonscan.New(data)
	if s.Err() != nil || s.Peek() != '{' {
		return FormatTLC
	}
	s.Consume()
	if s.Peek() == '}' {
		return FormatITF
	}
	for s.Err() == nil {
		k, ok := s.Key()
		if !ok {
			break
		}
		switch k {
		case "counterexample":
			return FormatTLCJSON
		case "#meta", "params", "states", "loop":
			return FormatITF
		}
		// "vars" is in both formats: look further.
		s.SkipValue()
		if s.Peek() != ',' {
			break
		}
		s.Consume()
	}
	return FormatITF
}
