//go:build !unix

package subprocess

import "os/exec"

// setProcAttr does nothing: without process groups, only the program
// itself is killed, not what it started.
func setProcAttr(*exec.Cmd) {}

// killGroup kills the program.
func killGroup(cmd *exec.Cmd) {
	_ = cmd.Process.Kill()
}
