//go:build unix && !linux

package subprocess

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the program in a process group of its own, so that it
// can be killed with everything it started. There is no Pdeathsig outside
// Linux: a program outlives a test binary that is killed.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup sends SIGKILL to the program's process group. A group that no
// longer exists is not an error.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
