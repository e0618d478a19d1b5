package subprocess_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/adapters/subprocess"
)

// python3 returns the path of python3, or skips the test without it,
// unless MBT_REQUIRE_PYTHON is set (as CI sets it).
func python3(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("MBT_REQUIRE_PYTHON") != "" {
			t.Fatalf("python3 is not on PATH, and MBT_REQUIRE_PYTHON is set: %v", err)
		}
		t.Skip("python3 is not on PATH, so the protocol page's Python example cannot run (CI installs it and sets MBT_REQUIRE_PYTHON)")
	}
	return path
}

// docExample returns the Python program of docs/subprocess-protocol.md,
// so that the page shows a program that passes.
func docExample(t *testing.T) string {
	t.Helper()
	page, err := os.ReadFile(filepath.Join("..", "..", "docs", "subprocess-protocol.md"))
	if err != nil {
		t.Fatal(err)
	}
	const open = "```python\n"
	i := bytes.Index(page, []byte(open))
	if i < 0 {
		t.Fatal("docs/subprocess-protocol.md has no ```python block")
	}
	prog := page[i+len(open):]
	j := bytes.Index(prog, []byte("\n```"))
	if j < 0 {
		t.Fatal("docs/subprocess-protocol.md: the ```python block does not end")
	}
	return string(prog[:j+1])
}

// TestPython_DocExample runs the protocol page's Python program under the
// runner, as is and with bugs put in.
func TestPython_DocExample(t *testing.T) {
	t.Parallel()
	py := python3(t)
	prog := docExample(t)
	tests := []struct {
		name     string
		old, new string // a change to the program: a bug
		model    string // the model's name
		want     []string
		reason   string
	}{
		{name: "as documented", model: "Wallet", reason: "the example on the page implements the model"},
		{
			name: "overdraw", old: "amt <= balance:", new: "amt <= balance + 1:", model: "Wallet",
			want: []string{
				"step 3 of 8: Withdraw(2) (must be refused):",
				"the implementation accepted a step the model refuses",
				"the implementation's invariants fail after the step: balance -1 is outside 0..3",
			},
			reason: "a wallet that lets the balance go below zero fails the first negative Withdraw",
		},
		{
			name: "crash", old: "balance -= amt", new: "balance -= amt // 0", model: "Wallet",
			want: []string{
				"step 2 of 8: Withdraw(1): subprocess: pywallet: the program exited (exit status 1) during step Withdraw(1)",
				"\tTraceback (most recent call last):",
				"\tZeroDivisionError: integer division or modulo by zero",
			},
			reason: "an exception ends the program: the step names it, and the traceback is in the stderr tail",
		},
		{
			name: "another model", model: "Purse",
			want:   []string{"subprocess: python3 wallet.py: the program refused the session during hello: I implement Wallet, not Purse"},
			reason: "the program refuses a model it does not implement, and says why",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := prog
			if tt.old != "" {
				src = strings.Replace(prog, tt.old, tt.new, 1)
				if src == prog {
					t.Fatalf("the program on the page no longer has %q", tt.old)
				}
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "wallet.py"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			a, err := subprocess.Start(t.Context(), subprocess.Options{Dir: dir, StartTimeout: time.Minute}, py, "wallet.py")
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			r, err := adapters.NewRunner(walletModel(t, tt.model), a, adapters.Options{})
			var msg string
			switch {
			case err != nil:
				if !errors.Is(err, adapters.ErrBroken) {
					t.Errorf("the error does not wrap adapters.ErrBroken: %v", err)
				}
				msg = err.Error()
			default:
				if f := r.Exec(t.Context(), walk); f != nil {
					msg = f.Error()
				}
			}
			if tt.want == nil {
				if msg != "" {
					t.Fatalf("%s, but:\n%s", tt.reason, msg)
				}
				if got := a.Name(); got != "pywallet" {
					t.Errorf("Name() = %q, want pywallet", got)
				}
				// After Close, all the program wrote is there.
				if err := a.Close(); err != nil {
					t.Fatal(err)
				}
				if s, want := a.Stderr(), "hello: balance 0\nreset: balance 0\nview: balance 0\nview: balance 0\ninvariants: balance 0\nstep: balance 2\n"; !strings.HasPrefix(s, want) || !strings.HasSuffix(s, "invariants: balance 0\n") {
					t.Errorf("Stderr() = %q, want the program's logs, from %q", s, want)
				}
				return
			}
			if msg == "" {
				t.Fatalf("%s, but the walk passed", tt.reason)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the failure lacks %q (%s):\n%s", w, tt.reason, msg)
				}
			}
		})
	}
}

// TestCheck_Python runs random walks of the model against the page's
// Python program.
func TestCheck_Python(t *testing.T) {
	t.Parallel()
	py := python3(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "wallet.py"), []byte(docExample(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	a := subprocess.New(t, subprocess.Options{Dir: dir, StartTimeout: time.Minute}, py, "wallet.py")
	adapters.Check(t, walletModel(t, "Wallet"), func(testing.TB) any { return a }, adapters.CheckOptions{NegativePercent: 30})
}
