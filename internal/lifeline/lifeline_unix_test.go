//go:build unix

package lifeline

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests run this test binary as the processes they need, chosen by
// the environment variable roleEnv:
//
//	watcher  watches its lifeline, prints "watching" and waits; it exits
//	         with code 7 when the lifeline says its parent is gone
//	sleeper  prints "sleeping" and waits, watching nothing
//	parent   starts a watcher (with -pipe) or a sleeper, prints its pid
//	         and waits to be killed
const roleEnv = "LIFELINE_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "watcher":
		if !Watch(func() { os.Exit(7) }) {
			fmt.Println("no lifeline")
			os.Exit(1)
		}
		if v, ok := os.LookupEnv(Env); ok {
			fmt.Printf("%s is still set: %s\n", Env, v)
			os.Exit(1)
		}
		fmt.Println("watching")
		time.Sleep(time.Hour)
		os.Exit(0)
	case "sleeper":
		fmt.Println("sleeping")
		time.Sleep(time.Hour)
		os.Exit(0)
	case "parent":
		pipe := os.Getenv("LIFELINE_TEST_PIPE") == "1"
		role := "sleeper"
		if pipe {
			role = "watcher"
		}
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), roleEnv+"="+role)
		cmd.Stdout = os.Stdout
		deathSignal := os.Getenv("LIFELINE_TEST_DEATHSIG") == "1"
		if _, err := start(cmd, pipe, deathSignal); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Printf("child %d\n", cmd.Process.Pid)
		cmd.Wait()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child starts this binary in role with env, and returns it with a reader
// of its output.
func child(t *testing.T, role string, env ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), roleEnv+"="+role), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	return cmd, bufio.NewScanner(out)
}

// gone waits until the process pid no longer runs (it may stay a zombie
// until someone reaps it), for at most a generous deadline.
func gone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if !running(pid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Fatalf("process %d still runs a minute after its parent died", pid)
}

// running reports whether pid is a process that has not exited.
func running(pid int) bool {
	if runtime.GOOS == "linux" {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		// pid (comm) state ...: the state follows the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
	}
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// TestWatch_parentCloses checks the child's side: when the parent closes
// its end, the child's Watch calls gone.
func TestWatch_parentCloses(t *testing.T) {
	cmd, out := child(t, "watcher")
	release, err := Start(cmd, true)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Scan() || out.Text() != "watching" {
		release()
		cmd.Process.Kill()
		t.Fatalf("the watcher said %q (%v), want watching", out.Text(), out.Err())
	}
	timer := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	release() // closes the write end, as the death of the parent does
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Errorf("the watcher ended with %v, want exit status 7 (it saw its lifeline close)", err)
	}
}

// TestWatch_noLifeline checks that a process started otherwise, as a
// driver run by hand, watches nothing.
func TestWatch_noLifeline(t *testing.T) {
	if Watch(func() { t.Error("gone called without a lifeline") }) {
		t.Error("Watch() = true without " + Env)
	}
	t.Setenv(Env, "0")
	if Watch(func() { t.Error("gone called for standard input") }) {
		t.Error("Watch() = true for descriptor 0")
	}
	f, err := os.CreateTemp(t.TempDir(), "notapipe")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t.Setenv(Env, strconv.Itoa(int(f.Fd())))
	if Watch(func() { t.Error("gone called for a regular file") }) {
		t.Error("Watch() = true for a regular file")
	}
}

// TestStart_parentKilled kills a parent with SIGKILL, which it cannot catch,
// and checks that its child dies too, by each mechanism on its own.
func TestStart_parentKilled(t *testing.T) {
	tests := []struct {
		name        string
		pipe        bool
		deathSignal bool
		reason      string
	}{
		{"pipe", true, false, "the child reads end of file on its lifeline and exits (every Unix)"},
		{"death signal", false, true, "the kernel kills the child when the parent's thread dies (Linux)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.deathSignal && runtime.GOOS != "linux" {
				t.Skip("only Linux has a parent-death signal")
			}
			env := []string{"LIFELINE_TEST_PIPE=0", "LIFELINE_TEST_DEATHSIG=0"}
			if tt.pipe {
				env[0] = "LIFELINE_TEST_PIPE=1"
			}
			if tt.deathSignal {
				env[1] = "LIFELINE_TEST_DEATHSIG=1"
			}
			parent, out := child(t, "parent", env...)
			if err := parent.Start(); err != nil {
				t.Fatal(err)
			}
			defer parent.Process.Kill()
			pid := 0
			for out.Scan() {
				if p, ok := strings.CutPrefix(out.Text(), "child "); ok {
					pid, _ = strconv.Atoi(p)
					break
				}
			}
			if pid == 0 {
				t.Fatalf("the parent did not report its child: %v", out.Err())
			}
			// Wait for the child to be ready (its first line), so that it
			// watches before its parent dies.
			if !out.Scan() || (out.Text() != "watching" && out.Text() != "sleeping") {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("the child said %q", out.Text())
			}
			parent.Process.Signal(syscall.SIGKILL)
			parent.Wait()
			gone(t, pid)
		})
	}
}
