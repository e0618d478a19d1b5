//go:build linux

package fault

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the process in a group of its own, so that the group
// can be signaled as a whole, and has the kernel kill it when the thread
// that started it dies (the Go runtime does not end its threads, so in
// practice: when the test binary dies, even by SIGKILL).
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
