//go:build unix && !linux

package fault

import (
	"errors"
	"os/exec"
	"syscall"
)

// setProcAttr puts the process in a group of its own, so that the group
// can be signaled as a whole. There is no Pdeathsig outside Linux.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// signalGroup sends SIGKILL (kill) or SIGTERM to the process's group. A
// group that no longer exists is not an error.
func signalGroup(cmd *exec.Cmd, kill bool) error {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}
