package adapters_test

import (
	"context"

	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/model"
)

// dynWallet is the wallet reached by name, as a protocol adapter would: it
// checks that the runner asks for the model's types.
type dynWallet struct {
	w        wallet
	broken   string // an action whose step fails as a broken connection
	outTypes []string
	model    string
}

func (d *dynWallet) Reset(ctx context.Context) error { return d.w.Reset(ctx) }

func (d *dynWallet) Do(ctx context.Context, step model.Step, out reflect.Type) (any, error) {
	d.outTypes = append(d.outTypes, fmt.Sprint(out))
	if step.Action == d.broken {
		return nil, fmt.Errorf("wire: connection reset: %w", adapters.ErrBroken)
	}
	amt := step.Args[0].(int)
	switch step.Action {
	case "Deposit":
		return nil, d.w.Deposit(ctx, amt)
	case "Withdraw":
		v, err := d.w.Withdraw(ctx, amt)
		if err != nil || out == nil {
			return nil, err
		}
		return reflect.ValueOf(v).Convert(out).Interface(), nil
	}
	return nil, fmt.Errorf("no action %s", step.Action)
}

func (d *dynWallet) Observe(_ context.Context, view reflect.Type) (any, error) {
	if view != reflect.TypeFor[int]() {
		return nil, fmt.Errorf("asked for a view of type %v", view)
	}
	return d.w.balance, nil
}

func (d *dynWallet) CheckModel(m model.Machine) error {
	d.model = m.Name()
	return nil
}

func TestDynamic(t *testing.T) {
	m := accountModel(t)
	tests := []struct {
		name   string
		impl   *dynWallet
		steps  []model.Step
		want   string // "" for a pass, else a substring of the failure
		reason string
	}{
		{"agree", &dynWallet{}, walk, "", "a correct implementation reached by name passes like one with methods"},
		{"overdraw", &dynWallet{w: wallet{overdraw: true}},
			[]model.Step{{Action: "Withdraw", Args: []any{1}, Refused: true}},
			"accepted a step the model refuses", "negative steps are checked the same way"},
		{"broken on a negative step", &dynWallet{broken: "Withdraw"},
			[]model.Step{{Action: "Withdraw", Args: []any{1}, Refused: true}},
			"wire: connection reset", "an ErrBroken error is a failure, not the refusal the model expects"},
		{"broken on a positive step", &dynWallet{broken: "Deposit"},
			[]model.Step{{Action: "Deposit", Args: []any{1}}},
			"step 1 of 1: Deposit(1): wire: connection reset", "the failure names the step that broke the connection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := adapters.NewRunner(m, tt.impl, adapters.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tt.impl.model != "Wallet" {
				t.Errorf("CheckModel was not called with the model (got %q)", tt.impl.model)
			}
			f := r.Exec(context.Background(), tt.steps)
			switch {
			case tt.want == "" && f != nil:
				t.Fatalf("%s, but: %v", tt.reason, f)
			case tt.want != "" && f == nil:
				t.Fatalf("%s, but the run passed", tt.reason)
			case tt.want != "" && !strings.Contains(f.Error(), tt.want):
				t.Fatalf("%s; the failure lacks %q:\n%v", tt.reason, tt.want, f)
			}
		})
	}
}

func TestDynamicOutputTypes(t *testing.T) {
	d := &dynWallet{}
	r, err := adapters.NewRunner(accountModel(t), d, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []model.Step{
		{Action: "Deposit", Args: []any{2}},
		{Action: "Withdraw", Args: []any{1}},
		{Action: "Withdraw", Args: []any{2}, Refused: true},
	}
	if f := r.Exec(context.Background(), steps); f != nil {
		t.Fatal(f)
	}
	// Deposit has no output; Withdraw returns an int; a negative step has
	// no output.
	want := []string{"<nil>", "int", "<nil>"}
	if !reflect.DeepEqual(d.outTypes, want) {
		t.Errorf("output types asked for = %v, want %v", d.outTypes, want)
	}
}

// refusingChecker fails binding.
type refusingChecker struct{ dynWallet }

func (refusingChecker) CheckModel(m model.Machine) error {
	return fmt.Errorf("the implementation has no action Withdraw of model %s", m.Name())
}

func TestDynamicCheckModel(t *testing.T) {
	_, err := adapters.NewRunner(accountModel(t), &refusingChecker{}, adapters.Options{})
	if err == nil || !strings.Contains(err.Error(), "no action Withdraw of model Wallet") {
		t.Fatalf("NewRunner error = %v, want the CheckModel error", err)
	}
}

// auditedWallet is a wallet with a system invariant: the balance a second
// replica holds must match.
type auditedWallet struct {
	wallet
	replica int
	lag     bool // the replica misses deposits of 2
}

func (a *auditedWallet) Reset(ctx context.Context) error { a.replica = 0; return a.wallet.Reset(ctx) }

func (a *auditedWallet) Deposit(ctx context.Context, amt int) error {
	if err := a.wallet.Deposit(ctx, amt); err != nil {
		return err
	}
	if !a.lag || amt != 2 {
		a.replica += amt
	}
	return nil
}

func (a *auditedWallet) Withdraw(ctx context.Context, amt int) (int, error) {
	v, err := a.wallet.Withdraw(ctx, amt)
	if err == nil {
		a.replica -= amt
	}
	return v, err
}

func (a *auditedWallet) Invariants(context.Context) error {
	if a.replica != a.balance {
		return fmt.Errorf("replica holds %d, primary %d", a.replica, a.balance)
	}
	return nil
}

func TestInvariants(t *testing.T) {
	m := accountModel(t)
	r, err := adapters.NewRunner(m, &auditedWallet{}, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f := r.Exec(context.Background(), walk); f != nil {
		t.Fatalf("the invariant holds on a correct wallet, but: %v", f)
	}
	r, err = adapters.NewRunner(m, &auditedWallet{lag: true}, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Exec(context.Background(), walk)
	if f == nil {
		t.Fatal("a replica that misses a deposit passed")
	}
	if f.Index != 1 || !strings.Contains(f.Error(), "the implementation's invariants fail after the step: replica holds 0, primary 2") {
		t.Fatalf("want a failure at step 1 naming the invariant, got: %v", f)
	}
}

func TestInvariantsNameTaken(t *testing.T) {
	_, err := adapters.Bind(invariantsModel(t).Erase(), &wallet{})
	if err == nil || !strings.Contains(err.Error(), "action Invariants: the name is taken") {
		t.Fatalf("Bind error = %v, want the name Invariants refused", err)
	}
}

func invariantsModel(t *testing.T) *model.Model[Account] {
	t.Helper()
	m := accountModel(t)
	m.Actions[0].Name = "Invariants"
	return m
}

// envWallet asks for its switches in the rerun command.
type envWallet struct{ wallet }

func (envWallet) RerunEnv() []string {
	return []string{"MBT_WALLET_BUGS=overdraw", "NOTE=two words", "Q=it's"}
}

func TestRerunEnv(t *testing.T) {
	r, err := adapters.NewRunner(accountModel(t), &envWallet{wallet{overdraw: true}}, adapters.Options{Package: "./wallet"})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{TB: t}
	r.Run(context.Background(), rec, []model.Step{{Action: "Withdraw", Args: []any{1}, Refused: true}})
	want := `rerun: MBT_WALLET_BUGS=overdraw NOTE='two words' Q='it'\''s' go test -run '^TestWallet_Transitions$' ./wallet`
	if !strings.Contains(rec.msg, want) {
		t.Fatalf("the failure lacks the rerun command with the adapter's environment, quoted for a shell:\nwant %s\n got %s", want, rec.msg)
	}
}
