//go:build linux

package subprocess

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the program in a process group of its own, so that it
// can be killed with everything it started, and has the kernel kill it
// when the thread that started it dies. The Go runtime does not end its
// threads, so in practice that is when the test binary dies, even by
// SIGKILL.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup sends SIGKILL to the program's process group. A group that no
// longer exists is not an error.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
