package subprocess_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/adapters/subprocess"
	"github.com/mbtgo/mbt/model"
)

// TestAdapter_Misbehaving runs the test binary as programs that break the
// protocol in one way each, and checks that the error names the request,
// says what went wrong, shows stderr, and wraps adapters.ErrBroken.
func TestAdapter_Misbehaving(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mode string
		// at is where the fault shows: "hello" (CheckModel), "step"
		// (Withdraw(1) after Deposit(2)) or "view".
		at   string
		want []string // substrings of the error
		// killed: the program is down after the error, and Reset starts
		// it again.
		killed bool
		reason string
	}{
		{
			name: "garbage", mode: "garbage", at: "step", killed: true,
			want:   []string{`the program wrote a line that is not JSON during step Withdraw(1): "Withdrawing 1 coin" (invalid character 'W' looking for beginning of value); standard output is for responses only: write logs to standard error`},
			reason: "a print to stdout is the most common newcomer mistake: say it and point at stderr",
		},
		{
			name: "wrong id", mode: "wrong-id", at: "step", killed: true,
			want:   []string{"the program answered id 5 during step Withdraw(1), whose request has id 4"},
			reason: "hello is 1, reset 2, Deposit 3: the answer to Withdraw must have id 4",
		},
		{
			name: "missing ok", mode: "missing-ok", at: "step", killed: true,
			want:   []string{`during step Withdraw(1), which is not a response: no "ok"`},
			reason: "without ok nobody knows whether the step happened",
		},
		{
			name: "exits mid-step", mode: "exit", at: "step", killed: true,
			want:   []string{"the program exited (exit status 2) during step Withdraw(1)", "stderr, last 2 lines:", "\tpanic: the vault is on fire"},
			reason: "a crash reports the exit status and the stderr tail, where the cause usually is",
		},
		{
			name: "hangs past the deadline", mode: "hang", at: "step", killed: true,
			want:   []string{"the program did not answer within", "during step Withdraw(1); mbt killed it, as its state is unknown"},
			reason: "no answer within the step's context deadline kills the program",
		},
		{
			name: "closes stdout", mode: "close-stdout", at: "step", killed: true,
			want:   []string{"the program closed its standard output during step Withdraw(1) but did not exit within 200ms; mbt killed it"},
			reason: "a program that can no longer answer but runs on is killed after StopTimeout",
		},
		{
			name: "leaves a child holding stdout", mode: "orphan", at: "step", killed: true,
			want:   []string{"the program exited (exit status 3) during step Withdraw(1)"},
			reason: "the process group dies with the program, so its output reaches EOF",
		},
		{
			name: "output of the wrong type", mode: "bad-output", at: "step",
			want:   []string{`the program's output during step Withdraw(1) does not decode into int: json: cannot unmarshal string into Go value of type int; output: "one"`},
			reason: "outputs decode strictly into the model's type",
		},
		{
			name: "missing output", mode: "no-output", at: "step",
			want:   []string{`the program answered no "output" during step Withdraw(1); the model expects an output of type int`},
			reason: "the model expects an output for Withdraw",
		},
		{
			name: "unknown view field", mode: "unknown-field", at: "view",
			want:   []string{`the program's view does not decode into subprocess_test.Wallet: json: unknown field "coins"`},
			reason: "a field the model does not have is a mistake in the program, not something to ignore",
		},
		{
			name: "view refused", mode: "view-refused", at: "view",
			want:   []string{"the program failed to answer view: the view is on vacation"},
			reason: "a view with ok false is a broken program: the runner cannot compare anything",
		},
		{
			name: "omits an action in hello", mode: "no-action", at: "hello",
			want: []string{
				`subprocess: gowallet: the program does not implement model Wallet (its hello lists the actions ["Deposit" "Withdrew"]): action Withdraw is missing (did you mean Withdrew?)`,
			},
			reason: "every model action missing from hello is reported before any step runs",
		},
		{
			name: "speaks protocol 2", mode: "protocol2", at: "hello",
			want:   []string{"the program speaks protocol 2, mbt speaks protocol 1"},
			reason: "the error names both versions",
		},
		{
			name: "no protocol in hello", mode: "no-protocol", at: "hello",
			want:   []string{`the program's answer to hello has no "protocol"; mbt speaks protocol 1`},
			reason: "a program must say which protocol it speaks",
		},
		{
			name: "refuses the session", mode: "refuse", at: "hello",
			want:   []string{"the program refused the session during hello: I implement Bank, not Wallet"},
			reason: "the program's reason is shown",
		},
		{
			name: "hello unanswered", mode: "hello-hang", at: "hello",
			want:   []string{"the program did not answer within", "during hello"},
			reason: "StartTimeout bounds the hello",
		},
	}
	m := walletModel(t, "Wallet")
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("case %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts, cmd := self(tt.mode, subprocess.Options{})
			switch tt.mode {
			case "hello-hang":
				opts.StartTimeout = 300 * time.Millisecond
			case "close-stdout":
				opts.StopTimeout = 200 * time.Millisecond
			}
			a := subprocess.New(t, opts, cmd)
			ctx := context.Background()
			err := a.CheckModel(m.Erase())
			if tt.at != "hello" {
				if err != nil {
					t.Fatal(err)
				}
				if err := a.Reset(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := a.Do(ctx, model.Step{Action: "Deposit", Args: []any{2}}, nil); err != nil {
					t.Fatal(err)
				}
				timeout := 10 * time.Second
				if tt.mode == "hang" {
					timeout = time.Second
				}
				sctx, cancel := context.WithTimeout(ctx, timeout)
				if tt.at == "step" {
					_, err = a.Do(sctx, model.Step{Action: "Withdraw", Args: []any{1}}, reflect.TypeFor[int]())
				} else {
					_, err = a.Observe(sctx, reflect.TypeFor[Wallet]())
				}
				cancel()
			}
			if err == nil {
				t.Fatalf("no error; want one: %s", tt.reason)
			}
			if !errors.Is(err, adapters.ErrBroken) {
				t.Errorf("the error does not wrap adapters.ErrBroken: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error lacks %q (%s):\n%v", w, tt.reason, err)
				}
			}
			if tt.at == "hello" {
				return
			}
			_, err = a.Do(ctx, model.Step{Action: "Deposit", Args: []any{1}}, nil)
			if tt.killed {
				if err == nil || !errors.Is(err, adapters.ErrBroken) || !strings.Contains(err.Error(), "the program is not running during step Deposit(1)") {
					t.Errorf("after the program was stopped, Do = %v; want the program is not running", err)
				}
				// The next Reset starts it again and says hello again.
				if err := a.Reset(ctx); err != nil {
					t.Fatalf("Reset after the program was stopped: %v", err)
				}
				if s := waitStderr(a, "hello from pid"); strings.Count(s, "hello from pid") != 1 {
					t.Errorf("the restarted program's stderr has no hello, or its predecessor's:\n%s", s)
				}
				if opts.StopTimeout < time.Second {
					// Too short to bound a clean exit at Close on a
					// loaded machine, when the test ends: end the
					// program as a crash would instead.
					if err := a.Crash(); err != nil {
						t.Fatal(err)
					}
				}
			} else if err != nil {
				t.Errorf("the program keeps running after a bad value, but Do = %v", err)
			}
		})
	}
}

func TestStart_NotFound(t *testing.T) {
	t.Parallel()
	_, err := subprocess.Start(context.Background(), subprocess.Options{}, "mbt-no-such-program", "wallet.py")
	want := `subprocess: start mbt-no-such-program wallet.py: exec: "mbt-no-such-program": executable file not found in $PATH`
	if err == nil || err.Error() != want {
		t.Fatalf("Start = %v, want %s", err, want)
	}
}
