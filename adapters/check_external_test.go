package adapters_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/adapters"
)

// TestCheck_BugDemo is an expected failure: random walks against a wallet
// that lets a withdrawal overdraw by one. Run it to see the output:
//
//	MBT_DEMO=1 go test -run TestCheck_BugDemo ./adapters
func TestCheck_BugDemo(t *testing.T) {
	if os.Getenv("MBT_DEMO") == "" {
		t.Skip("expected failure; set MBT_DEMO=1 to run it")
	}
	adapters.Check(t, accountModel(t), func(adapters.TB) any { return &wallet{overdraw: true} }, adapters.CheckOptions{})
}

// TestCheck_ShrinksToMinimal runs the demo in a child process and checks
// that rapid found the bug and shrank it to the one-step walk that shows
// it: a withdrawal from the empty wallet, which must be refused.
func TestCheck_ShrinksToMinimal(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCheck_BugDemo$", "-test.count", "1", "-rapid.nofailfile")
	cmd.Env = append(os.Environ(), "MBT_DEMO=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("random walks did not find the overdraw bug:\n%s", out)
	}
	for _, want := range []string{"mbt: step 1 of 1: Withdraw(1) (must be refused)", "-rapid.seed="} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
