package subprocess_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/adapters/subprocess"
	"github.com/mbtgo/mbt/model"
)

// walk exercises both actions, their outputs and two negative steps.
var walk = []model.Step{
	{Action: "Deposit", Args: []any{2}},
	{Action: "Withdraw", Args: []any{1}},
	{Action: "Withdraw", Args: []any{2}, Refused: true},
	{Action: "Deposit", Args: []any{2}},
	{Action: "Deposit", Args: []any{1}, Refused: true},
	{Action: "Withdraw", Args: []any{2}},
	{Action: "Withdraw", Args: []any{1}},
	{Action: "Withdraw", Args: []any{1}, Refused: true},
}

// runWalk runs walk on the program and returns the failure, or nil.
func runWalk(t *testing.T, a *subprocess.Adapter, name string, stepTimeout time.Duration) *adapters.Failure {
	t.Helper()
	r, err := adapters.NewRunner(walletModel(t, name), a, adapters.Options{StepTimeout: stepTimeout})
	if err != nil {
		t.Fatal(err)
	}
	return r.Exec(context.Background(), walk)
}

// TestRunner_GoProgram runs a Go program under the runner: the correct
// wallet passes, the one that lets the balance go below zero fails at the
// first negative Withdraw, and its invariants catch it too.
func TestRunner_GoProgram(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mode   string
		want   []string // substrings of the failure; none for a pass
		reason string
	}{
		{"correct", "wallet", nil, "a correct program agrees with the model at every step"},
		{"overdraw", "overdraw", []string{
			"step 3 of 8: Withdraw(2) (must be refused):",
			"the implementation accepted a step the model refuses",
			"view after the step (-model +impl):",
			"the implementation's invariants fail after the step: balance -1 is outside 0..3",
		}, "the negative Withdraw(2) at balance 1 must be refused"},
		{"crash", "exit", []string{
			"step 2 of 8: Withdraw(1): subprocess: gowallet: the program exited (exit status 2) during step Withdraw(1)\nstderr, last 2 lines:",
			"\tpanic: the vault is on fire\nsteps before:\n\t1. Deposit(2)",
		}, "a crash fails the step that caused it, with the stderr tail"},
		{"hang", "hang", []string{
			"step 2 of 8: Withdraw(1):",
			"subprocess: gowallet: the program did not answer within",
			"during step Withdraw(1); mbt killed it",
		}, "the runner's step timeout is the deadline of the request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := newChild(t, tt.mode, subprocess.Options{})
			timeout := 10 * time.Second
			if tt.mode == "hang" {
				// It bounds the calls before Withdraw too (Deposit,
				// views, invariants): generous for them on a loaded
				// machine, and waited out once, by Withdraw.
				timeout = 5 * time.Second
			}
			f := runWalk(t, a, "Wallet", timeout)
			if tt.want == nil {
				if f != nil {
					t.Fatalf("%s, but:\n%v", tt.reason, f)
				}
				return
			}
			if f == nil {
				t.Fatalf("%s, but the walk passed", tt.reason)
			}
			t.Logf("%v", f)
			for _, w := range tt.want {
				if !strings.Contains(f.Error(), w) {
					t.Errorf("the failure lacks %q (%s):\n%v", w, tt.reason, f)
				}
			}
		})
	}
}

// TestCheck_GoProgram runs random walks with shrinking over one program,
// reset between walks.
func TestCheck_GoProgram(t *testing.T) {
	t.Parallel()
	a := newChild(t, "wallet", subprocess.Options{})
	adapters.Check(t, walletModel(t, "Wallet"), func(testing.TB) any { return a }, adapters.CheckOptions{NegativePercent: 30})
}

// TestAdapter_Restart crashes a program that keeps its balance in a file
// and restarts it: the file stays, the program says hello again, and it
// recovers the balance.
func TestAdapter_Restart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := newChild(t, "wallet", subprocess.Options{Dir: dir, Env: []string{"WALLET_FILE=balance"}})
	ctx := context.Background()
	if err := a.CheckModel(walletModel(t, "Wallet").Erase()); err != nil {
		t.Fatal(err)
	}
	if err := a.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Do(ctx, model.Step{Action: "Deposit", Args: []any{2}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Crash(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "balance")); err != nil || string(b) != "2" {
		t.Fatalf("after Crash, the program's file holds %q (%v), want 2", b, err)
	}
	_, err := a.Observe(ctx, reflect.TypeFor[Wallet]())
	if want := "the program is not running during view (Crash killed it); Reset starts it again"; err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, adapters.ErrBroken) {
		t.Errorf("Observe after Crash = %v, want an ErrBroken with %q", err, want)
	}
	if err := a.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	hellos, err := os.ReadFile(filepath.Join(dir, "balance.hellos"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(hellos), "\n"); n != 2 {
		t.Errorf("the program was greeted %d times, want 2 (once per start):\n%s", n, hellos)
	}
	if s := waitStderr(a, `model "Wallet"`); !strings.Contains(s, `model "Wallet"`) || strings.Count(s, "hello from") != 1 {
		t.Errorf("Stderr() after Restart = %q, want the new program's hello with the model, only", s)
	}
	v, err := a.Observe(ctx, reflect.TypeFor[Wallet]())
	if err != nil {
		t.Fatal(err)
	}
	if v != (Wallet{Balance: 2}) {
		t.Errorf("after Restart, view = %#v, want the balance recovered from the file, 2", v)
	}
	if got := a.Name(); got != "gowallet" {
		t.Errorf("Name() = %q, want the name from hello", got)
	}
}

// TestAdapter_CrashDuringStep crashes the program while a step waits for
// its answer: the step fails, naming Crash.
func TestAdapter_CrashDuringStep(t *testing.T) {
	t.Parallel()
	a := newChild(t, "hang", subprocess.Options{})
	ctx := context.Background()
	if err := a.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var err error
	wg.Go(func() {
		_, err = a.Do(ctx, model.Step{Action: "Withdraw", Args: []any{1}}, nil)
	})
	waitStderr(a, "hanging in Withdraw")
	if err := a.Crash(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	want := "the program exited (signal: killed, sent by Crash) during step Withdraw(1)"
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, adapters.ErrBroken) {
		t.Fatalf("Do during Crash = %v, want an ErrBroken with %q", err, want)
	}
}

// TestAdapter_Close checks that Close ends a program that ignores the end
// of its input, within StopTimeout and a little, and says so.
func TestAdapter_Close(t *testing.T) {
	t.Parallel()
	opts, cmd := self("linger", subprocess.Options{StopTimeout: 300 * time.Millisecond})
	a, err := subprocess.Start(context.Background(), opts, cmd)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = a.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	want := "subprocess: gowallet: the program did not exit within 300ms after its standard input was closed; mbt killed it"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Close = %v, want %s", err, want)
	}
	if err := a.Close(); err != nil {
		t.Errorf("a second Close = %v, want nil", err)
	}
	if err := a.Reset(context.Background()); err == nil || !strings.Contains(err.Error(), "the adapter is closed, during reset") {
		t.Errorf("Reset after Close = %v, want the adapter is closed", err)
	}
	_, err = a.Do(context.Background(), model.Step{Action: "Deposit", Args: []any{1}}, nil)
	if !errors.Is(err, adapters.ErrBroken) {
		t.Errorf("Do after Close = %v, want an ErrBroken: not a refusal, which a negative step would take for a pass", err)
	}
}

// TestAdapter_NoModel drives a program without CheckModel: the hello is
// sent before the first request, without a model, and Log gets stderr.
func TestAdapter_NoModel(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	opts, cmd := self("wallet", subprocess.Options{Log: &log})
	a, err := subprocess.Start(context.Background(), opts, cmd)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.Invariants(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := a.Do(ctx, model.Step{Action: "Deposit", Args: []any{3}}, nil)
	if out != nil || err != nil {
		t.Fatalf("Deposit(3) = %v, %v; want nil, nil", out, err)
	}
	_, err = a.Do(ctx, model.Step{Action: "Deposit", Args: []any{1}}, nil)
	if err == nil || err.Error() != "cannot hold 4 coins" || errors.Is(err, adapters.ErrBroken) {
		t.Fatalf("Deposit(1) at 3 = %v, want the program's refusal, not ErrBroken", err)
	}
	out, err = a.Do(ctx, model.Step{Action: "Withdraw", Args: []any{2}}, reflect.TypeFor[int]())
	if out != 1 || err != nil {
		t.Fatalf("Withdraw(2) = %#v, %v; want 1, nil", out, err)
	}
	_, err = a.Do(ctx, model.Step{Action: "Deposit", Args: []any{func() {}}}, nil)
	if want := "cannot encode argument 1 of step Deposit("; err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, adapters.ErrBroken) {
		t.Errorf("Do with an argument JSON cannot encode = %v, want an ErrBroken with %q", err, want)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if want := `model ""`; !strings.Contains(log.String(), want) {
		t.Errorf("Log = %q, want the hello without a model (%s)", log.String(), want)
	}
}

// TestAdapter_CheckModelAfterHello greets the program without a model,
// then with one: it is started again so that its hello names the model,
// and a model it does not implement is refused.
func TestAdapter_CheckModelAfterHello(t *testing.T) {
	t.Parallel()
	a := newChild(t, "wallet", subprocess.Options{})
	ctx := context.Background()
	if err := a.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckModel(walletModel(t, "Wallet").Erase()); err != nil {
		t.Fatal(err)
	}
	if s := waitStderr(a, `model "Wallet"`); !strings.Contains(s, `model "Wallet"`) {
		t.Errorf("Stderr() = %q, want a hello with the model", s)
	}
	err := a.CheckModel(walletModel(t, "Purse").Erase())
	if want := "the program refused the session during hello: I implement Wallet, not Purse"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("CheckModel(Purse) = %v, want %s", err, want)
	}
}

// TestAdapter_NoLeaks checks that every goroutine of the adapter ends with
// the programs, including one that left a child holding its output.
func TestAdapter_NoLeaks(t *testing.T) {
	// Not parallel: it counts goroutines.
	before := runtime.NumGoroutine()
	for _, mode := range []string{"wallet", "orphan", "linger"} {
		opts, cmd := self(mode, subprocess.Options{StopTimeout: 200 * time.Millisecond})
		a, err := subprocess.Start(context.Background(), opts, cmd)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := a.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		a.Do(ctx, model.Step{Action: "Withdraw", Args: []any{1}}, nil)
		if err := a.Restart(ctx); err != nil {
			t.Fatal(err)
		}
		a.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNew_Fails checks New's report of a program that does not start.
func TestNew_Fails(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	if a := subprocess.New(rec, subprocess.Options{}, "./no-such-wallet.py"); a != nil {
		t.Fatal("New returned an adapter for a missing program")
	}
	if want := "subprocess: start ./no-such-wallet.py: fork/exec ./no-such-wallet.py: no such file or directory"; rec.msg != want {
		t.Errorf("New failed with %q, want %q", rec.msg, want)
	}
}

// waitStderr returns the program's stderr once it contains want, or after
// 5 s: stderr is read concurrently, so what the program wrote before an
// answer may arrive after it.
func waitStderr(a *subprocess.Adapter, want string) string {
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(a.Stderr(), want) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return a.Stderr()
}

// recorder is a adapters.TB that keeps the failure.
type recorder struct{ msg string }

func (r *recorder) Helper()             {}
func (r *recorder) Cleanup(func())      {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
}
