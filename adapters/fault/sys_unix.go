//go:build unix

package fault

import (
	"errors"
	"os/exec"
	"syscall"
)

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
