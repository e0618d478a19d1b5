package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// runDriver runs the driver program bin with args, passing standard input
// and output through, and returns its exit code.
//
// An interrupt from a terminal reaches both mbt and the driver (they are in
// one process group); mbt survives it because main catches it in ctx, and
// forwards it to the driver in case it came from elsewhere (kill -INT). The
// driver then stops exploring, prints what it found and exits with its
// usual code, which becomes mbt's.
func runDriver(ctx context.Context, bin string, args []string, stdout, stderr io.Writer) (int, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	if err := cmd.Start(); err != nil {
		return exitError, fmt.Errorf("run the driver: %w", err)
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			cmd.Process.Signal(os.Interrupt) // not supported on Windows, where the console interrupts every process anyway
		case <-done:
		}
	}()
	err := cmd.Wait()
	close(done)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return exitOK, nil
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		return ee.ExitCode(), nil
	case errors.As(err, &ee):
		return exitError, fmt.Errorf("the driver %s", ee.ProcessState)
	}
	return exitError, fmt.Errorf("run the driver: %w", err)
}
