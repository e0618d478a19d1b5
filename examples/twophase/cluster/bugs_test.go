package cluster_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/examples/twophase/cluster"
)

// suite runs the generated suite (the TestCluster_ tests of
// cluster_mbt_test.go) in a child process, this test binary run again with
// $MBT_TWOPHASE_BUGS set to bugs, and returns its output and exit error.
// When the child cannot run at all, it marks t failed (with Errorf: it may
// run in a goroutine of its own) and returns the error.
func suite(t *testing.T, bugs string, env []string, args ...string) (string, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Errorf("running the generated suite: %v", err)
		return "", err
	}
	args = append([]string{"-test.run", "^TestCluster_", "-test.count", "1"}, args...)
	cmd := exec.Command(exe, args...)
	// The child's temporary files, such as the directories of the clusters
	// it keeps for reuse, go in the test's, which outlives a killed child.
	cmd.Env = append(os.Environ(), cluster.BugsEnv+"="+bugs, "TMPDIR="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Errorf("running the generated suite: %v", err)
	}
	return string(out), err
}

// inChild skips a test that runs the suite in a child process when it runs
// in one itself, and in -short mode when it is slow.
func inChild(t *testing.T, slow bool) {
	t.Helper()
	if os.Getenv(cluster.BugsEnv) != "" || os.Getenv(cluster.PidsEnv) != "" {
		t.Skip("running inside a test of the planted bugs")
	}
	if slow && testing.Short() {
		t.Skip("runs the generated suite in a child process; skipped in -short mode")
	}
}

// TestPlantedBugs runs the generated suite against the clean nodes and
// against each planted bug. The clean nodes must pass; every bug must fail
// a generated test with a message that names the step, shows what gave it
// away, and the command that reruns the test. The suite stops at the first
// failing test (-test.failfast).
func TestPlantedBugs(t *testing.T) {
	inChild(t, true)
	tests := []struct {
		bug    string
		want   []string // in the failure
		reason string
	}{
		{"", nil, "the clean cluster agrees with the model on every generated test"},
		{"earlycommit", []string{"Commit (must be refused)", "the implementation accepted a step the model refuses"},
			"the transaction manager commits without checking the votes"},
		{"allbutone", []string{"--- FAIL: TestCluster_Conditions_", "Commit (must be refused)",
			"the implementation accepted a step the model refuses"},
			"the transaction manager commits with one vote missing: caught where that vote is Commit's only " +
				"false condition (criterion conditions); the transitions and boundaries criteria alone miss it"},
		{"forgetprepared", []string{"CrashRM(", `State:   "prepared"`, `State:   "working"`},
			"a crashed resource manager's log has no vote: it is working again"},
		{"doublecommit", []string{"TMResend", "Applied: 2", "applied the transaction 2 times"},
			"a duplicated Commit, after a lost acknowledgement, is applied twice"},
	}
	for _, tt := range tests {
		name := tt.bug
		if name == "" {
			name = "clean"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := suite(t, tt.bug, nil, "-test.failfast")
			switch {
			case tt.bug == "" && err != nil:
				t.Fatalf("the generated suite fails against the clean cluster: %v\n%s", err, out)
			case tt.bug != "" && err == nil:
				t.Fatalf("bug %s (%s) was not caught by the generated suite:\n%s", tt.bug, tt.reason, out)
			case tt.bug != "":
				want := append([]string{"--- FAIL: TestCluster_", "mbt: step", "rerun: MBT_TWOPHASE_BUGS=" + tt.bug + " go test -run '^TestCluster_"}, tt.want...)
				for _, w := range want {
					if !strings.Contains(out, w) {
						t.Errorf("bug %s (%s): the failure output lacks %q:\n%s", tt.bug, tt.reason, w, out)
					}
				}
			}
		})
	}
}

// normalizers make the output of two runs of the suite comparable: they
// replace durations, loopback ports, pids and temporary paths, and the
// no-break spaces of go-cmp's diffs. go-cmp indents a diff's lines with
// spaces or with no-break spaces, chosen at random by the second the
// process started in (so that nobody depends on its exact text): children
// started across a second boundary differ there.
var normalizers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile("\u00a0"), " "},
	{regexp.MustCompile(`\(\d+(\.\d+)?s\)`), "(T)"},
	{regexp.MustCompile(`(?m)^(ok|FAIL)(\s+\S+)?\s+\d+(\.\d+)?s$`), "$1$2 T"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`pid \d+`), "pid N"},
	{regexp.MustCompile(regexp.QuoteMeta(os.TempDir()) + `/[^\s:"']+`), "TMP"},
}

func normalize(out string) string {
	for _, n := range normalizers {
		out = n.re.ReplaceAllString(out, n.with)
	}
	return out
}

// TestDeterminism runs the whole generated suite three times with a planted
// bug that several tests catch, at different steps after different faults,
// and requires the same results each time,
// once timings, ports, pids, temporary paths and go-cmp's spaces are
// normalized: the same tests pass and fail, at the same step, with the
// same message.
func TestDeterminism(t *testing.T) {
	inChild(t, true)
	t.Parallel()
	const bug = "doublecommit"
	outs := make([]string, 3)
	done := make(chan struct{})
	for i := range outs {
		go func() {
			defer func() { done <- struct{}{} }()
			out, err := suite(t, bug, nil, "-test.v")
			if err == nil {
				t.Errorf("run %d: bug %s was not caught:\n%s", i+1, bug, out)
			}
			outs[i] = normalize(out)
		}()
	}
	for range outs {
		<-done
	}
	if t.Failed() {
		return
	}
	if n := strings.Count(outs[0], "--- FAIL: TestCluster_"); n < 2 {
		t.Fatalf("%d generated tests fail with bug %s, want several to compare:\n%s", n, bug, outs[0])
	}
	for i, out := range outs[1:] {
		if out != outs[0] {
			a, b := strings.Split(outs[0], "\n"), strings.Split(out, "\n")
			j := 0
			for j < min(len(a), len(b)) && a[j] == b[j] {
				j++
			}
			t.Errorf("run %d differs from run 1 from line %d:\nrun 1: %s\nrun %d: %s",
				i+2, j+1, excerpt(a, j), i+2, excerpt(b, j))
		}
	}
}

// excerpt returns up to 5 lines of lines from the j-th, quoted so that a
// difference in invisible characters shows.
func excerpt(lines []string, j int) string {
	var q []string
	for _, l := range lines[min(j, len(lines)):min(len(lines), j+5)] {
		q = append(q, strconv.Quote(l))
	}
	if len(q) == 0 {
		return "(end of output)"
	}
	return strings.Join(q, "\n       ")
}

// TestNormalize checks that the outputs of two runs that differ only in
// what normalize replaces compare equal: in particular go-cmp's choice of
// spaces, which depends on the second its process started in.
func TestNormalize(t *testing.T) {
	run := func(space, port, d, dir string) string {
		return "--- FAIL: TestCluster_X (" + d + "s)\n" +
			"\t" + space + " \t\tState:" + space + space + " \"committed\",\n" +
			"\t-" + space + "\t\tApplied: 1,\n" +
			"dial tcp 127.0.0.1:" + port + ": pid 42 in " + filepath.Join(os.TempDir(), dir, "rm0") + "\n"
	}
	a, b := run(" ", "4242", "0.05", "mbt-twophase-1"), run("\u00a0", "39999", "1.5", "mbt-twophase-2")
	if normalize(a) != normalize(b) {
		t.Errorf("normalize leaves a difference:\n%s\n%s", excerpt(strings.Split(normalize(a), "\n"), 0), excerpt(strings.Split(normalize(b), "\n"), 0))
	}
}
