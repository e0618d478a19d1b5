package subprocess

import (
	"fmt"
	"strings"

	"github.com/mbtgo/mbt/adapters"
)

// stderrLines is how many of the last lines of stderr a message shows.
const stderrLines = 10

// brokenError is an error in talking to the program: it wraps
// [adapters.ErrBroken], so the runner reports it as a failure even on a
// negative step.
type brokenError struct {
	program string // the program's name or command line
	msg     string // what went wrong, naming the op: "… during step Publish(\"p1\")"
	// stderr are the last lines of the program's stderr; shown only when
	// showStderr is set.
	stderr     []string
	showStderr bool
	err        error // the cause, or nil
}

func (e *brokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "subprocess: %s: %s", e.program, e.msg)
	if e.showStderr {
		switch len(e.stderr) {
		case 0:
			b.WriteString("\nstderr: (empty)")
		case 1:
			b.WriteString("\nstderr, last line:")
		default:
			fmt.Fprintf(&b, "\nstderr, last %d lines:", len(e.stderr))
		}
		for _, l := range e.stderr {
			b.WriteString("\n\t" + l)
		}
	}
	return b.String()
}

func (e *brokenError) Unwrap() []error {
	if e.err == nil {
		return []error{adapters.ErrBroken}
	}
	return []error{adapters.ErrBroken, e.err}
}
