//go:build unix

package lifeline

import (
	"os"
	"syscall"
)

// pipesWork reports whether a child can be given a pipe (exec.Cmd's
// ExtraFiles).
const pipesWork = true

// openLifeline returns the pipe fd as a file read through the runtime's
// poller, or nil if fd is not a pipe.
func openLifeline(fd int) *os.File {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFIFO {
		return nil
	}
	syscall.CloseOnExec(fd)
	if err := syscall.SetNonblock(fd, true); err != nil {
		return nil
	}
	return os.NewFile(uintptr(fd), "lifeline")
}
