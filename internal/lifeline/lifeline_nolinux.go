//go:build !linux

package lifeline

import "os/exec"

// dieWithParent does nothing: only Linux has a parent-death signal. On
// other Unix systems the lifeline pipe is the only tie.
func dieWithParent(*exec.Cmd) {}
