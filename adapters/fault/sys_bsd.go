//go:build unix && !linux

package fault

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the process in a group of its own, so that the group
// can be signaled as a whole. There is no Pdeathsig outside Linux.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
