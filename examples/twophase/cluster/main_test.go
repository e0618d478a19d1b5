package cluster_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/mbtgo/mbt/examples/twophase/cluster"
)

// TestMain runs a node of the cluster instead of the tests when the
// adapter started this binary as one (cluster.NodeEnv is set), and stops
// the clusters the tests left for reuse once they are done.
func TestMain(m *testing.M) {
	if os.Getenv(cluster.NodeEnv) != "" {
		os.Exit(cluster.NodeMain(os.Args[1:]))
	}
	code := m.Run()
	if err := cluster.StopNodes(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = max(code, 1)
	}
	os.Exit(code)
}
