//go:build !unix

package lifeline

import "os"

// pipesWork reports whether a child can be given a pipe: exec.Cmd's
// ExtraFiles is not supported here.
const pipesWork = false

// openLifeline returns nil: there is no lifeline to watch here.
func openLifeline(int) *os.File { return nil }
