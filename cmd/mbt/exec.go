package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/mbtgo/mbt/internal/lifeline"
)

// runDriver runs the driver program bin with args, passing standard input
// and output through, and returns its exit code.
//
// An interrupt from a terminal reaches both mbt and the driver (they are in
// one process group); mbt survives it because main catches it in ctx, and
// forwards it to the driver in case it came from elsewhere (kill -INT). The
// driver then stops exploring (or waiting for the model function), prints
// what it found and exits with its usual code, which becomes mbt's.
//
// The driver does not outlive mbt: package lifeline kills it when mbt dies
// on Linux, and gives it a pipe that it watches on every Unix. This holds
// for a driver given with -exec too, if it was built with a package driver
// that watches (older ones ignore the pipe).
func runDriver(ctx context.Context, bin string, args []string, stdout, stderr io.Writer) (int, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	release, err := lifeline.Start(cmd, true)
	if err != nil {
		return exitError, fmt.Errorf("run the driver: %w", err)
	}
	defer release()
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			cmd.Process.Signal(os.Interrupt) // not supported on Windows, where the console interrupts every process anyway
		case <-done:
		}
	}()
	err = cmd.Wait()
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
