package lifeline

import (
	"os/exec"
	"syscall"
)

// dieWithParent asks the kernel to kill cmd's process when the thread that
// starts it exits, which Start makes the same as when this process dies.
func dieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
