package adapters_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/internal/golden"
	"github.com/mbtgo/mbt/model"
)

// Account is a one-account ledger: the model of the wallet below.
type Account struct{ Balance int }

func accountModel(t testing.TB) *model.Model[Account] {
	m := dsl.New[Account]("Wallet")
	m.Init(Account{})
	dsl.Action1(m, "Deposit", dsl.Range("amt", 1, 2),
		func(s Account, amt int) bool { return s.Balance+amt <= 3 },
		func(s *Account, amt int) { s.Balance += amt })
	dsl.Action1(m, "Withdraw", dsl.Range("amt", 1, 2),
		func(s Account, amt int) bool { return s.Balance >= amt },
		func(s *Account, amt int) { s.Balance -= amt }).
		Returns(func(s Account, amt int) any { return s.Balance - amt })
	m.View(func(s Account) any { return s.Balance })
	out, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wallet is the implementation under test, with switchable bugs.
type wallet struct {
	balance  int
	overdraw bool // Withdraw allows going one below zero
	cap4     bool // Deposit allows 4
}

func (w *wallet) Reset(context.Context) error { w.balance = 0; return nil }

func (w *wallet) View(context.Context) (int, error) { return w.balance, nil }

// errAmount refuses amounts the wallet does not handle: it moves 1 or 2.
var errAmount = errors.New("amount must be 1 or 2")

func (w *wallet) Deposit(_ context.Context, amt int) error {
	if amt < 1 || amt > 2 {
		return errAmount
	}
	limit := 3
	if w.cap4 {
		limit = 4
	}
	if w.balance+amt > limit {
		return errors.New("over limit")
	}
	w.balance += amt
	return nil
}

func (w *wallet) Withdraw(_ context.Context, amt int) (int, error) {
	if amt < 1 || amt > 2 {
		return 0, errAmount
	}
	floor := 0
	if w.overdraw {
		floor = -1
	}
	if w.balance-amt < floor {
		return 0, errors.New("insufficient funds")
	}
	w.balance -= amt
	return w.balance, nil
}

// recorder is a TB that keeps the failure text.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.msg = fmt.Sprintf(format, args...) }
func (r *recorder) Name() string                      { return "TestWallet_Transitions" }

// checkMessage compares a failure message with testdata/name. go-cmp
// randomly indents its diffs with non-breaking spaces so that nobody
// depends on their exact text; they are normalized here.
func checkMessage(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), []byte(strings.ReplaceAll(got, "\u00a0", " ")))
}

var walk = []model.Step{
	{Action: "Deposit", Args: []any{2}},
	{Action: "Withdraw", Args: []any{1}},
	{Action: "Withdraw", Args: []any{2}, Refused: true},
	{Action: "Deposit", Args: []any{2}},
	{Action: "Deposit", Args: []any{1}, Refused: true},
}

func TestRunner_Run(t *testing.T) {
	tests := []struct {
		name   string
		impl   *wallet
		golden string // "" when the walk must pass
		reason string
	}{
		{"clean", &wallet{}, "", "a correct wallet agrees with the model at every step"},
		{"overdraw", &wallet{overdraw: true}, "run_overdraw.golden", "the negative Withdraw(2) at balance 1 must be refused"},
		{"cap4", &wallet{cap4: true}, "run_cap4.golden", "the negative Deposit(1) at balance 3 must be refused"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("case %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			r, err := adapters.NewRunner(accountModel(t), tt.impl, adapters.Options{Package: "./wallet"})
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{TB: t}
			ok := r.Run(context.Background(), rec, walk)
			if ok != (tt.golden == "") {
				t.Fatalf("Run = %v, want %v (%s); message:\n%s", ok, tt.golden == "", tt.reason, rec.msg)
			}
			if tt.golden != "" {
				checkMessage(t, tt.golden, rec.msg)
			}
		})
	}
}

// wrongWallet gets every part of the contract wrong in a different way.
type wrongWallet struct{}

func (wrongWallet) View(context.Context) (int, error)               { return 0, nil }
func (wrongWallet) Depost(context.Context, int) error               { return nil }
func (wrongWallet) Withdraw(_ context.Context, amt string) error    { return nil }
func (wrongWallet) Unrelated(context.Context, int) (float64, error) { return 0, nil }

func TestBind_ReportsEveryMismatch(t *testing.T) {
	_, err := adapters.Bind(accountModel(t).Erase(), wrongWallet{})
	if err == nil {
		t.Fatal("Bind accepted an adapter that matches nothing")
	}
	checkMessage(t, "bind_mismatch.golden", err.Error()+"\n")
}

func TestRunner_StaleTest(t *testing.T) {
	r, err := adapters.NewRunner(accountModel(t), &wallet{}, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Exec(context.Background(), []model.Step{{Action: "Withdraw", Args: []any{1}}})
	if f == nil || !errors.Is(f, adapters.ErrStale) {
		t.Fatalf("a step the model refuses, run as positive, must be reported stale; got %v", f)
	}
	f = r.Exec(context.Background(), []model.Step{{Action: "Deposit", Args: []any{7}}})
	if f == nil || !strings.Contains(f.Error(), "not in the model's domain") {
		t.Fatalf("an argument outside the domain must be reported; got %v", f)
	}
}

func TestCheck_Clean(t *testing.T) {
	m := accountModel(t)
	adapters.Check(t, m, func(testing.TB) any { return &wallet{} }, adapters.CheckOptions{})
}

// BenchmarkRunner_Step measures the runner's overhead per step with an
// in-process adapter: binding lookups, reflection calls, model step and
// view comparison.
// BenchmarkRunner_Step measures the runner's cost per step on an
// in-process adapter: by default (the view read twice per step, to catch
// an implementation that changes when observed) and with ObserveOnce.
func BenchmarkRunner_Step(b *testing.B) {
	for _, bb := range []struct {
		name string
		opts adapters.Options
	}{
		{"default", adapters.Options{}},
		{"observe-once", adapters.Options{ObserveOnce: true}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			m := accountModel(b)
			r, err := adapters.NewRunner(m, &wallet{}, bb.opts)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for b.Loop() {
				if f := r.Exec(ctx, walk); f != nil {
					b.Fatal(f)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*(len(walk)+1)), "ns/step")
		})
	}
}
