package fault

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The helper tests run only in a child test binary started by the
// teardown tests, with FAULT_HELPER set. Each starts a process with
// StartT, writes its pid to FAULT_HELPER_DIR/pid and then fails or blocks.

func TestHelper_Fails(t *testing.T) {
	dir := helper(t, "fail")
	t.Cleanup(func() {
		// Runs after StartT's cleanup, which must have stopped the process.
		pid := readPid(t, filepath.Join(dir, "pid"))
		if !alive(pid) {
			t.Log("process gone after cleanup")
		}
	})
	p := StartT(t, childSpec(t, "echo", filepath.Join(dir, "node")))
	if err := writeFile(filepath.Join(dir, "pid"), strconv.Itoa(p.Pid())); err != nil {
		t.Fatal(err)
	}
	t.Fatal("intentional failure")
}

func TestHelper_Blocks(t *testing.T) {
	dir := helper(t, "block")
	p := StartT(t, childSpec(t, "echo", filepath.Join(dir, "node")))
	if err := writeFile(filepath.Join(dir, "pid"), strconv.Itoa(p.Pid())); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Minute) // until the parent kills the test binary
}

func helper(t *testing.T, mode string) string {
	if os.Getenv("FAULT_HELPER") != mode {
		t.Skip("helper for the teardown tests")
	}
	dir := os.Getenv("FAULT_HELPER_DIR")
	if err := os.MkdirAll(filepath.Join(dir, "node"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runHelper starts this test binary running just the helper test named,
// killed if it outlives the test.
func runHelper(t *testing.T, ctx context.Context, name, mode, dir string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, exe, "-test.run=^"+name+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "FAULT_HELPER="+mode, "FAULT_HELPER_DIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = time.Second
	return cmd
}

// A test that fails still stops its processes: StartT's cleanup runs.
func TestTeardown_FailedTest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	out, err := runHelper(t, ctx, "TestHelper_Fails", "fail", dir).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("helper test: %v, want exit status 1; output:\n%s", err, out)
	}
	for _, want := range []string{"intentional failure", "process gone after cleanup", "--- FAIL: TestHelper_Fails"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("helper output lacks %q:\n%s", want, out)
		}
	}
	gone(t, readPid(t, filepath.Join(dir, "pid")), "the failed test's process")
}

// A test binary that dies without running its cleanups takes its
// processes with it, through Pdeathsig.
func TestTeardown_KilledTestBinary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		sig    syscall.Signal
		reason string
	}{
		{"SIGKILL", syscall.SIGKILL, "no cleanup runs at all; only the kernel can help"},
		{"SIGINT", syscall.SIGINT, "Ctrl-C: the test binary dies at once, without cleanups"},
		{"SIGQUIT", syscall.SIGQUIT, "what go test sends when a test binary outlives its timeout"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		checkTable(t, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			cmd := runHelper(t, ctx, "TestHelper_Blocks", "block", dir)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			pidFile := filepath.Join(dir, "pid")
			deadline := time.Now().Add(30 * time.Second)
			for {
				if _, err := os.Stat(pidFile); err == nil {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatal("the helper test did not start its process in 30s")
				}
				time.Sleep(10 * time.Millisecond)
			}
			pid := readPid(t, pidFile)
			if !alive(pid) {
				t.Fatalf("process %d is not running before the kill", pid)
			}
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err == nil {
				t.Fatalf("helper test binary exited with status 0 after %v", tt.sig)
			}
			gone(t, pid, "the killed test binary's process")
		})
	}
}
