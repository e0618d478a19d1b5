//go:build unix

package cluster_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mbtgo/mbt/examples/twophase/cluster"
)

// TestNoNodesLeft checks that no node process outlives the test binary
// that started it: after a failed generated test (whose cluster the adapter
// stops at once) with the binary exiting normally, and after the binary is
// killed with SIGKILL in the middle of the suite (the kernel then kills
// the nodes, fault.Start's Pdeathsig; Linux only).
func TestNoNodesLeft(t *testing.T) {
	inChild(t, false)
	t.Run("failed test", func(t *testing.T) {
		t.Parallel()
		pids := filepath.Join(t.TempDir(), "pids")
		out, err := suite(t, "doublecommit", []string{cluster.PidsEnv + "=" + pids}, "-test.failfast")
		if err == nil || !strings.Contains(out, "mbt: step") {
			t.Fatalf("the suite with bug doublecommit did not fail a generated test: %v\n%s", err, out)
		}
		checkGone(t, readPids(t, pids), 0)
	})
	t.Run("killed binary", func(t *testing.T) {
		if runtime.GOOS != "linux" {
			t.Skip("needs Pdeathsig, Linux only")
		}
		t.Parallel()
		pids := filepath.Join(t.TempDir(), "pids")
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(exe, "-test.run", "^TestCluster_", "-test.count", "1")
		cmd.Env = append(os.Environ(), cluster.BugsEnv+"=", cluster.PidsEnv+"="+pids, "TMPDIR="+t.TempDir())
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for a cluster and then some restarts: the pids of the
		// nodes' later runs.
		deadline := time.Now().Add(time.Minute)
		for len(readPids(t, pids)) < 6 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cmd.Process.Kill()
		cmd.Wait()
		ps := readPids(t, pids)
		if len(ps) < 6 {
			t.Fatalf("the suite started %d node processes in a minute, want 6:\n%s", len(ps), out.String())
		}
		checkGone(t, ps, 5*time.Second)
	})
}

// readPids reads the pid file of cluster.PidsEnv.
func readPids(t *testing.T, path string) []int {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pid file: %v", err)
		}
		pids = append(pids, pid)
	}
	return pids
}

// checkGone fails unless every process of pids is gone within grace. A pid
// that runs another program now (reused by the system) counts as gone.
func checkGone(t *testing.T, pids []int, grace time.Duration) {
	t.Helper()
	if len(pids) < 3 {
		t.Fatalf("%d node pids recorded, want at least 3 (one cluster)", len(pids))
	}
	deadline := time.Now().Add(grace)
	for {
		var left []string
		for _, pid := range slices.Compact(slices.Sorted(slices.Values(pids))) {
			if node, ok := isNode(pid); ok {
				left = append(left, fmt.Sprintf("%d (%s)", pid, node))
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("node processes left running: %s", strings.Join(left, ", "))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// isNode reports whether pid is a live process started as a node, and
// which; a zombie is not live.
func isNode(pid int) (string, bool) {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return "", false
	}
	if runtime.GOOS != "linux" {
		return "?", true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", false
	}
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && bytes.HasPrefix(stat[i+1:], []byte(" Z")) {
		return "", false
	}
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return "", false
	}
	for kv := range bytes.SplitSeq(env, []byte{0}) {
		if name, ok := bytes.CutPrefix(kv, []byte(cluster.NodeEnv+"=")); ok {
			return string(name), true
		}
	}
	return "", false
}
