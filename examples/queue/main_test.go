package queue_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/examples/queue"
	"github.com/mbtgo/mbt/examples/queue/broker"
)

// TestMain serves the Go broker when the test binary is run with
// $MBT_QUEUE_SERVE set, as NewAdapter runs it, and runs the tests
// otherwise. The Go implementation thus needs no build step of its own: the
// binary under test is the broker's binary too.
//
// After the tests it checks, on Linux, that none of the brokers they
// started is still running.
func TestMain(m *testing.M) {
	if os.Getenv(queue.ServeEnv) != "" {
		os.Exit(broker.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	code := m.Run()
	if pids := children(); len(pids) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the tests left child processes running: %s\n", strings.Join(pids, " "))
		code = 1
	}
	os.Exit(code)
}

// children returns the processes whose parent is this one, on Linux, and
// none elsewhere.
func children() []string {
	files, _ := filepath.Glob("/proc/self/task/*/children")
	var pids []string
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			pids = append(pids, strings.Fields(string(data))...)
		}
	}
	return pids
}
