package bank_test

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/examples/bank"
	"github.com/mbtgo/mbt/examples/bank/ledger"
)

// TestPlantedBugs runs the generated suite (the TestBank_ tests of
// bank_mbt_test.go) against the clean ledger and against each planted bug,
// by running this test binary again with $MBT_BANK_BUGS set. The clean
// ledger must pass; every bug must fail at least one generated test with a
// message that names the step and the command that reruns it.
func TestPlantedBugs(t *testing.T) {
	if os.Getenv(bank.BugsEnv) != "" {
		t.Skip("running inside TestPlantedBugs")
	}
	tests := []struct {
		bug    string
		reason string
	}{
		{"", "the clean ledger agrees with the model on every generated test"},
		{"overdraft", "a refused Withdraw(a, 2) at balance 1 goes through"},
		{"selftransfer", "a Transfer(a, a, 1) the model refuses is accepted and credits twice"},
		{"exactbalance", "withdrawing exactly the balance is refused although the model allows it"},
		{"lostupdate", "two concurrent transfers lose one update"},
		{"zerodeposit", "Deposit(a, 0): 0 is outside amt's domain (criterion invalid)"},
		{"newaccount", `Deposit("unknown", 1): an account outside acct's domain (criterion invalid)`},
		{"resetkeeps", "a Reset step in the middle of a test (criterion reset)"},
		{"resetfirst", "a Reset step after a deposit to b (criterion reset)"},
		{"negativewithdraw", "Withdraw(a, -1): outside amt's domain"},
		{"zerotransfer", "Transfer(a, b, 0): outside amt's domain"},
		{"transferunknown", `Transfer(a, "unknown", 1): outside to's domain`},
		{"overlimit", "a deposit to Max+1 must be refused (boundaries)"},
		{"fullrefused", "a deposit to exactly Max is allowed (transitions)"},
		{"transferoverlimit", "a transfer over the destination's limit must be refused (boundaries)"},
		{"transfershort", "a transfer of more than the balance must be refused (boundaries)"},
		{"depositreply", "the output of Deposit"},
		{"withdrawreply", "the output of Withdraw"},
		{"refuseddebits", "a refused transfer must change nothing: the view after the negative step"},
		{"stalebalances", "the view after a withdrawal"},
		{"secondwithdraw", "two withdrawals from one account in a row (transitions)"},
	}
	for _, b := range ledger.AllBugs {
		if !slices.ContainsFunc(tests, func(tt struct{ bug, reason string }) bool { return tt.bug == string(b) }) {
			t.Errorf("planted bug %s has no case here", b)
		}
	}
	for _, tt := range tests {
		name := tt.bug
		if name == "" {
			name = "clean"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run", "^TestBank_", "-test.count", "1")
			cmd.Env = append(os.Environ(), bank.BugsEnv+"="+tt.bug)
			if tt.bug == "" {
				cmd.Env = append(os.Environ(), bank.BugsEnv+"=")
			}
			out, err := cmd.CombinedOutput()
			switch {
			case tt.bug == "" && err != nil:
				t.Fatalf("the generated suite fails against the clean ledger: %v\n%s", err, out)
			case tt.bug != "" && err == nil:
				t.Fatalf("bug %s (%s) was not caught by the generated suite:\n%s", tt.bug, tt.reason, out)
			case tt.bug != "":
				for _, want := range []string{"--- FAIL: TestBank_", "mbt: step", "rerun: MBT_BANK_BUGS=" + tt.bug + " go test -run '^TestBank_"} {
					if !strings.Contains(string(out), want) {
						t.Errorf("bug %s: the failure output lacks %q:\n%s", tt.bug, want, out)
					}
				}
			}
		})
	}
}
