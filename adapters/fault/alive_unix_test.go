//go:build unix

package fault

import (
	"bytes"
	"fmt"
	"os"
	"syscall"
)

// alive reports whether process pid exists and is not a zombie (a zombie
// has exited but was not reaped yet, as happens to orphans in a container
// whose init does not reap).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		_, noProc := os.Stat("/proc/self")
		return noProc != nil // without /proc, trust kill
	}
	// pid (comm) state ...; comm may contain parentheses.
	if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) {
		return b[i+2] != 'Z' && b[i+2] != 'X'
	}
	return true
}
