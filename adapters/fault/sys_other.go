//go:build !unix

package fault

import (
	"errors"
	"os"
	"os/exec"
)

// setProcAttr does nothing: there are no process groups here.
func setProcAttr(*exec.Cmd) {}

// signalGroup kills the process itself, for SIGTERM too: there is no
// portable way to ask it to stop, nor to reach its children.
func signalGroup(cmd *exec.Cmd, _ bool) error {
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}
