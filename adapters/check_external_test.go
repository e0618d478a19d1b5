package adapters_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/adapters"
)

// shyWallet refuses to withdraw 2 from a balance of 3: a bug that takes
// three steps to show (Deposit(2), Deposit(1), Withdraw(2)).
type shyWallet struct{ wallet }

func (w *shyWallet) Withdraw(ctx context.Context, amt int) (int, error) {
	if w.balance == 3 && amt == 2 {
		return 0, errors.New("try later")
	}
	return w.wallet.Withdraw(ctx, amt)
}

// TestCheck_BugDemo is an expected failure: random walks against wallets
// with bugs, chosen by $MBT_DEMO. Run it to see the output:
//
//	MBT_DEMO=overdraw go test -run TestCheck_BugDemo ./adapters
func TestCheck_BugDemo(t *testing.T) {
	var newImpl func(testing.TB) any
	switch os.Getenv("MBT_DEMO") {
	case "overdraw":
		newImpl = func(testing.TB) any { return &wallet{overdraw: true} }
	case "shy":
		newImpl = func(testing.TB) any { return &shyWallet{} }
	default:
		t.Skip("expected failure; set MBT_DEMO=overdraw or MBT_DEMO=shy to run it")
	}
	adapters.Check(t, accountModel(t), newImpl, adapters.CheckOptions{Options: adapters.Options{Package: "./adapters"}})
}

// demo runs TestCheck_BugDemo with the bug in a child process, in dir, and
// returns its output.
func demo(t *testing.T, bug, dir string, args ...string) string {
	t.Helper()
	exe, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, append([]string{"-test.run", "^TestCheck_BugDemo$", "-test.count", "1"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MBT_DEMO="+bug)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("random walks did not find the %s bug:\n%s", bug, out)
	}
	return string(out)
}

// TestCheck_ShrinksToMinimal checks that a failing walk is shrunk to the
// shortest walk that shows the bug, reported once, without the draws of a
// random generator, with the command that reruns it and where the walk
// was saved; and that the next run replays the saved walk first.
func TestCheck_ShrinksToMinimal(t *testing.T) {
	tests := []struct {
		bug    string
		want   []string
		reason string
	}{
		{"overdraw", []string{"step 1 of 1: Withdraw(1) (must be refused):"},
			"a withdrawal from the empty wallet must be refused: one step"},
		{"shy", []string{"step 3 of 3: Withdraw(2):", "1. Deposit(", "2. Deposit("},
			"withdrawing 2 from 3 needs two deposits first: three steps"},
	}
	for _, tc := range tests {
		t.Run(tc.bug, func(t *testing.T) {
			dir := t.TempDir()
			out := demo(t, tc.bug, dir)
			for _, want := range append(tc.want, "rerun: go test -run '^TestCheck_BugDemo$' ./adapters -mbt.seed=", "the next run replays it first") {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q (%s):\n%s", want, tc.reason, out)
				}
			}
			if n := strings.Count(out, "failed"); n != 1 {
				t.Errorf("the failure is printed %d times, want once:\n%s", n, out)
			}
			if strings.Contains(out, "[rapid]") || strings.Contains(out, "Draw") {
				t.Errorf("the output has a random generator's draws:\n%s", out)
			}
			saved := regexp.MustCompile(`saved in (testdata/mbt/TestCheck_BugDemo/walk-[0-9a-f]+\.json)`).FindStringSubmatch(out)
			if saved == nil {
				t.Fatalf("no saved walk named in:\n%s", out)
			}
			if _, err := os.Stat(filepath.Join(dir, saved[1])); err != nil {
				t.Fatalf("the saved walk: %v", err)
			}
			// The next run, with another seed, replays the saved walk first.
			again := demo(t, tc.bug, dir, "-mbt.seed=42")
			if !strings.Contains(again, "the saved walk "+saved[1]+" failed") {
				t.Errorf("the second run did not replay %s first:\n%s", saved[1], again)
			}
		})
	}
}

func TestCheck_NoFailFile(t *testing.T) {
	dir := t.TempDir()
	out := demo(t, "overdraw", dir, "-mbt.nofailfile")
	if strings.Contains(out, "saved in") {
		t.Errorf("-mbt.nofailfile still saved the walk:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "testdata")); err == nil {
		t.Errorf("-mbt.nofailfile wrote testdata/")
	}
}
