package queue

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mbtgo/mbt/examples/queue/broker"
)

// runSuite runs the generated suite (the TestQueue_ tests of
// queue_mbt_test.go) in a new process of this test binary, against the
// broker impl ("go" or "python") with the planted bugs in the list bugs,
// and returns its combined output and error.
func runSuite(t *testing.T, impl, bugs string, flags ...string) (string, error) {
	t.Helper()
	args := append([]string{"-test.run", "^TestQueue_", "-test.count", "1"}, flags...)
	cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, ServeEnv+"=") })
	cmd.Env = append(cmd.Env, ImplEnv+"="+impl, BugsEnv+"="+bugs)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var (
	failRE = regexp.MustCompile(`(?m)^\s*--- FAIL: (TestQueue_\w+)`)
	stepRE = regexp.MustCompile(`mbt: (step \d+ of \d+: [^\n]*|after Reset:[^\n]*)`)
)

// failures returns the names of the failed tests in out, and the first
// line of each one's mbt failure message, in order.
func failures(out string) (tests, steps []string) {
	for _, m := range failRE.FindAllStringSubmatch(out, -1) {
		tests = append(tests, m[1])
	}
	for _, m := range stepRE.FindAllStringSubmatch(out, -1) {
		steps = append(steps, m[1])
	}
	return tests, steps
}

// TestPlantedBugs runs the generated suite against the Go and the Python
// broker, clean and with each planted bug, by running this test binary
// again with $MBT_QUEUE_IMPL and $MBT_QUEUE_BUGS set. Both clean brokers
// must pass the same generated tests; every bug must fail one with a
// message that names the step and the command that reruns it, and a bug
// must fail the same first test at the same step in both brokers. Runs
// with a bug stop at the first failing test (-test.failfast).
func TestPlantedBugs(t *testing.T) {
	if os.Getenv(BugsEnv) != "" {
		t.Skip("running with planted bugs on: this test sets them itself")
	}
	tests := []struct {
		bug    string
		reason string
	}{
		{"", "the clean brokers agree with the model on every generated test"},
		{"forgetack", "after a restart an acked message is ready, and delivered, again"},
		{"dropinflight", "after a restart a delivered, unacked message is gone: lost"},
		{"lifo", "the second message of p1 is delivered before the first"},
		{"ackany", "an Ack from the consumer that does not hold the lease, which the model refuses, is accepted"},
		{"ackexpired", "an Ack after the lease ran out, with nothing looking at the broker since the Tick, is accepted"},
	}
	for _, name := range broker.BugNames {
		if !slices.ContainsFunc(tests, func(tt struct{ bug, reason string }) bool { return tt.bug == name }) {
			t.Errorf("bug %s of broker.BugNames is not tested", name)
		}
	}
	for _, tt := range tests {
		name := tt.bug
		if name == "" {
			name = "clean"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var first []string // the first failure in each broker
			for _, impl := range []string{"go", "python"} {
				if impl == "python" {
					needPython(t)
				}
				var flags []string
				if tt.bug != "" {
					flags = append(flags, "-test.failfast")
				}
				out, err := runSuite(t, impl, tt.bug, flags...)
				switch {
				case tt.bug == "" && err != nil:
					t.Fatalf("%s: the generated suite fails against the clean broker: %v\n%s", impl, err, out)
				case tt.bug == "":
					if strings.Contains(out, "--- SKIP") || !strings.Contains(out, "ok") && !strings.Contains(out, "PASS") {
						t.Fatalf("%s: the generated suite did not run:\n%s", impl, out)
					}
					continue
				case err == nil:
					t.Fatalf("%s: bug %s (%s) was not caught by the generated suite:\n%s", impl, tt.bug, tt.reason, out)
				}
				env := BugsEnv + "=" + tt.bug + " "
				if impl != "go" {
					env = ImplEnv + "=" + impl + " " + env
				}
				for _, want := range []string{"--- FAIL: TestQueue_", "mbt: step", "rerun: " + env + "go test -run '^TestQueue_"} {
					if !strings.Contains(out, want) {
						t.Errorf("%s: bug %s: the failure output lacks %q:\n%s", impl, tt.bug, want, out)
					}
				}
				tests, steps := failures(out)
				if len(tests) != 1 || len(steps) != 1 {
					t.Fatalf("%s: bug %s: failed tests %q with messages %q; want one of each (-test.failfast):\n%s", impl, tt.bug, tests, steps, out)
				}
				t.Logf("%s: %s is caught by %s at %s", impl, tt.bug, tests[0], steps[0])
				first = append(first, tests[0]+": "+steps[0])
			}
			if len(first) == 2 && first[0] != first[1] {
				t.Errorf("bug %s fails differently in the two brokers:\n  go:     %s\n  python: %s", tt.bug, first[0], first[1])
			}
		})
	}
}

// normalize removes what may differ between two runs of the same suite:
// timings and temporary directories.
func normalize(out string) string {
	for _, r := range []struct{ re, with string }{
		{`\(\d+(\.\d+)?s\)`, "(T)"},
		{`(?m)^(ok|FAIL)(\s+\S+)?\s+\d+(\.\d+)?s$`, "$1"},
		{`/[^\s:'"]*/(Test\w+)/\d+`, "<tmp>/$1"},
		{`\d+(\.\d+)?(ms|µs|s) `, "<d> "},
		// go-cmp spells its diffs with a space or a no-break space at
		// random, so that nobody depends on their exact text.
		{"\u00a0", " "},
	} {
		out = regexp.MustCompile(r.re).ReplaceAllString(out, r.with)
	}
	return out
}

// The generated suite is deterministic: three runs against a broker with
// the same planted bug fail the same tests at the same steps with the same
// messages, once timings and temporary paths are taken out. Time in the
// broker is logical, restarts are kill -9 at a step boundary, and delivery
// order is fixed, so nothing depends on the scheduler.
func TestGeneratedSuiteDeterministic(t *testing.T) {
	if os.Getenv(BugsEnv) != "" {
		t.Skip("running with planted bugs on: this test sets them itself")
	}
	if testing.Short() {
		t.Skip("runs the generated suite three times")
	}
	t.Parallel()
	const bug = "dropinflight" // restarts kill the broker mid-test: the likeliest source of noise
	// The three runs share the CPUs, so the scheduling differs between
	// them.
	outs := make([]string, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() { outs[i], errs[i] = runSuite(t, "go", bug, "-test.v") })
	}
	wg.Wait()
	for i, out := range outs {
		if errs[i] == nil {
			t.Fatalf("run %d: bug %s was not caught:\n%s", i+1, bug, out)
		}
		outs[i] = normalize(out)
	}
	tests, steps := failures(outs[0])
	if len(tests) == 0 || len(tests) != len(steps) {
		t.Fatalf("run 1: failed tests %q, messages %q; want as many of each, at least one:\n%s", tests, steps, outs[0])
	}
	t.Logf("bug %s fails %d of the generated tests, first %s at %s", bug, len(tests), tests[0], steps[0])
	for i := 1; i < len(outs); i++ {
		if outs[i] != outs[0] {
			a, b := strings.Split(outs[0], "\n"), strings.Split(outs[i], "\n")
			for j := range min(len(a), len(b)) {
				if a[j] != b[j] {
					t.Fatalf("runs 1 and %d differ first at line %d:\n  run 1:   %s\n  run %d:   %s", i+1, j+1, a[j], i+1, b[j])
				}
			}
			t.Fatalf("runs 1 and %d differ in length: %d and %d lines", i+1, len(a), len(b))
		}
	}
}
