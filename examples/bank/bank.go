package bank

import (
	"fmt"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Config holds the constants of the model, set with mbt explore -set
// Accounts=3.
type Config struct {
	// Accounts is the number of accounts, named "a", "b", ... (1 to 26).
	Accounts int `default:"2"`
	// Max is the largest balance an account may hold.
	Max int `default:"3"`
	// MaxAmount is the largest amount of one deposit, withdrawal or
	// transfer; amounts range over 1..MaxAmount.
	MaxAmount int `default:"2"`
	// OverdraftBug lets a withdrawal take one more than the balance: the
	// guard checks balance+1 >= amt instead of balance >= amt.
	OverdraftBug bool
}

// State is the ledger: the balance of each account, by name.
type State struct {
	Balances map[string]int `tla:"balances"`
}

// Total returns the sum of all balances.
func (s State) Total() int {
	t := 0
	for _, b := range s.Balances {
		t += b
	}
	return t
}

// AccountNames returns the names of n accounts: "a", "b", ...
func AccountNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = string(rune('a' + i))
	}
	return names
}

// Model is the ledger with c.Accounts accounts, all empty at first.
//
// Deposit(acct, amt) and Withdraw(acct, amt) return the new balance of the
// account; Transfer(from, to, amt) moves amt between two different accounts
// and returns nothing; ConcurrentTransfers(from, to) is two clients each
// transferring 1 from one account to the other at the same moment.
func Model(c Config) (*model.Model[State], error) {
	switch {
	case c.Accounts < 1 || c.Accounts > 26:
		return nil, fmt.Errorf("bank: Accounts is %d, want 1 to 26", c.Accounts)
	case c.Max < 1:
		return nil, fmt.Errorf("bank: Max is %d, want at least 1", c.Max)
	case c.MaxAmount < 1:
		return nil, fmt.Errorf("bank: MaxAmount is %d, want at least 1", c.MaxAmount)
	}
	names := AccountNames(c.Accounts)
	init := State{Balances: map[string]int{}}
	for _, n := range names {
		init.Balances[n] = 0
	}

	m := dsl.New[State]("Bank")
	m.Const("Accounts", c.Accounts).Const("Max", c.Max).Const("MaxAmount", c.MaxAmount).
		Const("OverdraftBug", c.OverdraftBug)
	m.Init(init)

	acct := dsl.Values("acct", names...)
	// MaxAmount bounds the model, not the ledger, which takes any
	// positive amount: the values it must refuse are 0 and below. The
	// account names outside the domain are derived: "" and "unknown".
	amt := dsl.Range("amt", 1, c.MaxAmount).Outside(0, -1)

	dsl.Action2(m, "Deposit", acct, amt,
		func(s State, acct string, amt int) bool { return s.Balances[acct]+amt <= c.Max },
		func(s *State, acct string, amt int) { s.Balances[acct] += amt }).
		Returns(func(s State, acct string, amt int) any { return s.Balances[acct] + amt })

	dsl.Action2(m, "Withdraw", acct, amt,
		func(s State, acct string, amt int) bool {
			if c.OverdraftBug {
				return s.Balances[acct]+1 >= amt
			}
			return s.Balances[acct] >= amt
		},
		func(s *State, acct string, amt int) { s.Balances[acct] -= amt }).
		Returns(func(s State, acct string, amt int) any { return s.Balances[acct] - amt })

	dsl.Action3(m, "Transfer", dsl.Values("from", names...), dsl.Values("to", names...), amt,
		func(s State, from, to string, amt int) bool {
			return from != to && s.Balances[from] >= amt && s.Balances[to]+amt <= c.Max
		},
		func(s *State, from, to string, amt int) {
			s.Balances[from] -= amt
			s.Balances[to] += amt
		})

	// Two clients each transfer 1 from one account to another at the same
	// moment. Each transfer succeeds if it can, as if one ran after the
	// other; the output is how many succeeded. When neither can, the step
	// is refused.
	dsl.Action2(m, "ConcurrentTransfers", dsl.Values("from", names...), dsl.Values("to", names...),
		func(s State, from, to string) bool {
			return from != to && s.Balances[from] >= 1 && s.Balances[to]+1 <= c.Max
		},
		func(s *State, from, to string) {
			for range 2 {
				if s.Balances[from] >= 1 && s.Balances[to]+1 <= c.Max {
					s.Balances[from]--
					s.Balances[to]++
				}
			}
		}).
		Returns(func(s State, from, to string) any {
			return min(2, s.Balances[from], c.Max-s.Balances[to])
		})

	m.Invariant("NoNegativeBalance", func(s State) bool {
		for _, b := range s.Balances {
			if b < 0 {
				return false
			}
		}
		return true
	})
	m.Property("MoneyConserved", func(prev State, step model.Step, next State) bool {
		change := next.Total() - prev.Total()
		switch step.Action {
		case "Deposit":
			return change == step.Args[1].(int)
		case "Withdraw":
			return change == -step.Args[1].(int)
		}
		return change == 0
	})
	return m.Build()
}
