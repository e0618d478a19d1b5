package bank

import (
	"fmt"
	"maps"
	"reflect"
	"testing"

	"github.com/mbtgo/mbt/driver"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// defaults returns the Config that mbt explore builds from the default
// struct tags.
func defaults(t *testing.T) Config {
	t.Helper()
	c, err := driver.Defaults[Config]()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pow returns b to the power e, for e >= 0.
func pow(b, e int) int {
	p := 1
	for range e {
		p *= b
	}
	return p
}

// counts works out the size of the state graph of a correct model (without
// OverdraftBug) by hand, with n = Max+1 balances per account, A accounts
// and amounts k = 1..MaxAmount (at most Max):
//
//   - states: deposits reach every balance vector, n^A;
//   - Deposit(x, k) is enabled where balance(x) <= Max-k: n-k values of x's
//     balance times n^(A-1) for the others, per account and amount;
//   - Withdraw(x, k) where balance(x) >= k: n-k values, likewise;
//   - Transfer(x, y, k) with x != y where balance(x) >= k and
//     balance(y) <= Max-k: (n-k)^2 times n^(A-2), per ordered pair;
//   - ConcurrentTransfers(x, y) with x != y where one transfer of 1 can go
//     through: (n-1)^2 times n^(A-2), per ordered pair.
func counts(c Config) (states, deposit, withdraw, transfer, concurrent int) {
	n, a := c.Max+1, c.Accounts
	for k := 1; k <= c.MaxAmount; k++ {
		deposit += a * (n - k) * pow(n, a-1)
		if a >= 2 {
			transfer += a * (a - 1) * (n - k) * (n - k) * pow(n, a-2)
		}
	}
	if a >= 2 {
		concurrent = a * (a - 1) * (n - 1) * (n - 1) * pow(n, a-2)
	}
	return pow(n, a), deposit, deposit, transfer, concurrent
}

func TestModel_Counts(t *testing.T) {
	tests := []struct {
		name        string
		cfg         Config
		distinct    int64
		transitions int64
		depth       int
		reason      string
	}{
		{"defaults", Config{Accounts: 2, Max: 3, MaxAmount: 2}, 16, 124, 4,
			"4^2 states; 40 deposits + 40 withdrawals + 26 transfers + 18 concurrent pairs (2 * 3^2); (3,3) takes two deposits per account"},
		{"three accounts", Config{Accounts: 3, Max: 2, MaxAmount: 2}, 27, 324, 3,
			"3^3 states; 81 + 81 + 90 (6 ordered pairs * 5 * 3) + 72 (6 * 2^2 * 3); (2,2,2) takes one deposit of 2 per account"},
		{"one account", Config{Accounts: 1, Max: 3, MaxAmount: 2}, 4, 10, 2,
			"balances 0..3; 5 deposits + 5 withdrawals; no transfers with one account"},
		{"amount up to max", Config{Accounts: 2, Max: 3, MaxAmount: 3}, 16, 142, 2,
			"4^2 states; 48 + 48 + 28 (2 * (9+4+1)) + 18; one deposit of 3 fills an account"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			states, dep, wd, tr, cc := counts(tt.cfg)
			if int64(states) != tt.distinct || int64(dep+wd+tr+cc) != tt.transitions {
				t.Fatalf("table says %d states and %d transitions, the formula %d and %d",
					tt.distinct, tt.transitions, states, dep+wd+tr+cc)
			}
			m, err := Model(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{1, 2} {
				res, err := explorer.Explore(t.Context(), m, explorer.Options{Workers: workers, CheckPurity: true})
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != explorer.Complete {
					t.Fatalf("workers=%d: status %v, violations %v; want complete", workers, res.Status, res.Violations)
				}
				if res.Stats.Distinct != tt.distinct || res.Stats.Transitions != tt.transitions || res.Stats.MaxDepth != tt.depth {
					t.Errorf("workers=%d: %d distinct, %d transitions, depth %d; want %d, %d, %d", workers,
						res.Stats.Distinct, res.Stats.Transitions, res.Stats.MaxDepth, tt.distinct, tt.transitions, tt.depth)
				}
				fired := map[string]int64{}
				for _, a := range res.Coverage.Actions {
					fired[a.Name] = a.Fired
				}
				want := map[string]int64{"Deposit": int64(dep), "Withdraw": int64(wd), "Transfer": int64(tr), "ConcurrentTransfers": int64(cc)}
				if !maps.Equal(fired, want) {
					t.Errorf("workers=%d: actions fired %v, want %v", workers, fired, want)
				}
			}
		})
	}
}

// With the default constants every action and every argument value is
// used, and every guard is false somewhere: each is a boundary a test of
// the service should cross.
func TestModel_Coverage(t *testing.T) {
	c := defaults(t)
	if c != (Config{Accounts: 2, Max: 3, MaxAmount: 2}) {
		t.Fatalf("defaults are %+v, want Accounts 2, Max 3, MaxAmount 2", c)
	}
	m, err := Model(c)
	if err != nil {
		t.Fatal(err)
	}
	res, err := explorer.Explore(t.Context(), m, explorer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != explorer.Complete || res.Stats.Distinct != 16 {
		t.Fatalf("status %v with %d states, want complete with 16", res.Status, res.Stats.Distinct)
	}
	if n := res.Coverage.NeverEnabled(); len(n) != 0 {
		t.Errorf("never enabled: %v", n)
	}
	if u := res.Coverage.UnusedValues(); len(u) != 0 {
		t.Errorf("argument values never used: %v", u)
	}
	for _, a := range res.Coverage.Actions {
		if a.GuardFalse == 0 {
			t.Errorf("the guard of %s is never false", a.Name)
		}
	}
}

// The off-by-one guard lets the very first step overdraw: Withdraw("a", 1)
// from an empty account. BFS tries deposits first, which are fine, so this
// is the first violation and the shortest possible one.
func TestModel_OverdraftBug(t *testing.T) {
	m, err := Model(Config{Accounts: 2, Max: 3, MaxAmount: 2, OverdraftBug: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		res, err := explorer.Explore(t.Context(), m, explorer.Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != explorer.Violated || len(res.Violations) != 1 {
			t.Fatalf("workers=%d: status %v with %d violations, want one violation", workers, res.Status, len(res.Violations))
		}
		v := res.Violations[0]
		if v.Kind != explorer.InvariantKind || v.Name != "NoNegativeBalance" {
			t.Fatalf("workers=%d: got %v, want invariant NoNegativeBalance violated", workers, v)
		}
		want := model.Trace[State]{
			States: []State{
				{Balances: map[string]int{"a": 0, "b": 0}},
				{Balances: map[string]int{"a": -1, "b": 0}},
			},
			Steps: []model.Step{{Action: "Withdraw", Args: []any{"a", 1}, Output: -1}},
		}
		if !reflect.DeepEqual(v.Trace, want) {
			t.Errorf("workers=%d: counterexample\n%+v\nwant\n%+v", workers, v.Trace, want)
		}
	}
}

// MoneyConserved rejects a step whose effect does not match its kind.
func TestModel_MoneyConserved(t *testing.T) {
	m, err := Model(Config{Accounts: 2, Max: 3, MaxAmount: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Properties) != 1 || m.Properties[0].Name != "MoneyConserved" {
		t.Fatalf("properties %v, want MoneyConserved", m.Properties)
	}
	check := m.Properties[0].Check
	st := func(a, b int) *State { return &State{Balances: map[string]int{"a": a, "b": b}} }
	tests := []struct {
		name       string
		prev, next *State
		step       model.Step
		want       bool
	}{
		{"deposit", st(1, 0), st(3, 0), model.Step{Action: "Deposit", Args: []any{"a", 2}}, true},
		{"deposit wrong amount", st(1, 0), st(2, 0), model.Step{Action: "Deposit", Args: []any{"a", 2}}, false},
		{"withdraw", st(2, 1), st(2, 0), model.Step{Action: "Withdraw", Args: []any{"b", 1}}, true},
		{"withdraw adds", st(2, 1), st(2, 2), model.Step{Action: "Withdraw", Args: []any{"b", 1}}, false},
		{"transfer", st(2, 1), st(0, 3), model.Step{Action: "Transfer", Args: []any{"a", "b", 2}}, true},
		{"transfer loses money", st(2, 1), st(0, 1), model.Step{Action: "Transfer", Args: []any{"a", "b", 2}}, false},
	}
	for _, tt := range tests {
		if got := check(tt.prev, tt.step, tt.next); got != tt.want {
			t.Errorf("%s: %v from %v to %v: MoneyConserved = %v, want %v", tt.name, tt.step, tt.prev.Balances, tt.next.Balances, got, tt.want)
		}
	}
}

func TestModel_BadConfig(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Accounts: 0, Max: 3, MaxAmount: 2}, "bank: Accounts is 0, want 1 to 26"},
		{Config{Accounts: 27, Max: 3, MaxAmount: 2}, "bank: Accounts is 27, want 1 to 26"},
		{Config{Accounts: 2, Max: 0, MaxAmount: 2}, "bank: Max is 0, want at least 1"},
		{Config{Accounts: 2, Max: 3, MaxAmount: 0}, "bank: MaxAmount is 0, want at least 1"},
	}
	for _, tt := range tests {
		_, err := Model(tt.cfg)
		if got := fmt.Sprint(err); got != tt.want {
			t.Errorf("Model(%+v) error = %q, want %q", tt.cfg, got, tt.want)
		}
	}
}
