package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLifeline_mbtKilled kills mbt with SIGKILL, which it cannot catch or
// pass on, and checks that the processes it started die with it: the
// driver in the middle of a long exploration, and the go command in the
// middle of building a driver. mbt runs as a program (this test binary as
// mbt, as the scripts run it), and the driver is the real one, built in
// this module.
func TestLifeline_mbtKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a driver program with the go command")
	}
	mbt, err := exec.LookPath("mbt")
	if err != nil {
		t.Fatalf("mbt is not in PATH: %v", err)
	}
	goEnv := goEnv(t, "GOMOD", "GOFLAGS")
	repo := filepath.Dir(goEnv["GOMOD"])
	env := append(os.Environ(), "GOFLAGS="+strings.TrimSpace(goEnv["GOFLAGS"]+" -mod=mod"), "GOPROXY=off", "GOTOOLCHAIN=local")
	// start starts mbt with its standard error in a file, as a user who
	// redirects it has: a pipe would make a driver that survives mbt die
	// of SIGPIPE once the reader is gone, and hide the bug. Standard
	// output goes nowhere.
	start := func(t *testing.T, env []string, args ...string) (cmd *exec.Cmd, stderr string) {
		t.Helper()
		cmd = exec.Command(mbt, args...)
		cmd.Dir = repo
		cmd.Env = env
		stderr = filepath.Join(t.TempDir(), "stderr")
		f, err := os.Create(stderr)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd.Stderr = f
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill() })
		return cmd, stderr
	}

	t.Run("driver", func(t *testing.T) {
		// 31^8 states: the exploration runs until it is stopped.
		cmd, stderr := start(t, append(env, "MBT_CACHE="+t.TempDir()), "explore", "./examples/counters", "-set", "K=8", "-set", "M=30",
			"-max-time", "1h", "-progress", "100ms", "-workers", "1")
		exited := make(chan struct{})
		go func() {
			cmd.Process.Wait()
			close(exited)
		}()
		deadline := time.Now().Add(5 * time.Minute)
		for {
			b, _ := os.ReadFile(stderr)
			if bytes.Contains(b, []byte("distinct states")) {
				break
			}
			select {
			case <-exited:
				t.Fatalf("mbt ended before the exploration showed progress:\n%s", b)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no progress from the exploration after 5 minutes:\n%s", b)
			}
			time.Sleep(20 * time.Millisecond)
		}
		driver := findChild(t, cmd.Process.Pid, "-driver.protocol=")
		if driver == 0 {
			t.Fatal("no driver among mbt's children")
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		waitGone(t, driver, "the driver")
	})

	t.Run("go command", func(t *testing.T) {
		// With a new driver cache mbt runs go list -export and go build,
		// with the overlay that puts the driver's main.go in place. They
		// may finish before the test sees them, so a stand-in for the go
		// command runs the real one, except with -overlay, where it waits
		// until it is killed.
		realGo, err := exec.LookPath("go")
		if err != nil {
			t.Fatal(err)
		}
		bin := t.TempDir()
		script := "#!/bin/sh\nfor a in \"$@\"; do\n\tcase \"$a\" in -overlay=*) while :; do sleep 1; done;; esac\ndone\nexec " +
			strconv.Quote(realGo) + " \"$@\"\n"
		if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o777); err != nil {
			t.Fatal(err)
		}
		cmd, _ := start(t, append(env, "MBT_CACHE="+t.TempDir(), "PATH="+bin+string(filepath.ListSeparator)+os.Getenv("PATH")),
			"explore", "./examples/diehard")
		deadline := time.Now().Add(5 * time.Minute)
		goPID := 0
		for goPID == 0 && time.Now().Before(deadline) {
			goPID = findChild(t, cmd.Process.Pid, "-overlay=")
			if goPID == 0 {
				time.Sleep(2 * time.Millisecond)
			}
		}
		if goPID == 0 {
			t.Fatal("never saw mbt run the go command with -overlay")
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Process.Wait()
		waitGone(t, goPID, "the go command")
	})
}

// findChild returns the pid of a child of the process pid whose command
// line has the argument prefix arg, or 0.
func findChild(t *testing.T, pid int, arg string) int {
	t.Helper()
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, task := range tasks {
		b, err := os.ReadFile(task)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			child, err := strconv.Atoi(f)
			if err != nil {
				continue
			}
			cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", child))
			if err != nil {
				continue
			}
			for _, a := range bytes.Split(cmdline, []byte{0}) {
				if bytes.HasPrefix(a, []byte(arg)) {
					return child
				}
			}
		}
	}
	return 0
}

// waitGone waits until the process pid has exited (a zombie that no one
// has reaped yet counts as gone), polling with a generous deadline.
func waitGone(t *testing.T, pid int, what string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i > 0 && i+2 < len(s) && (s[i+2] == 'Z' || s[i+2] == 'X') {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Fatalf("%s (pid %d) still runs a minute after mbt was killed", what, pid)
}
