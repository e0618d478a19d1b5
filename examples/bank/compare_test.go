package bank_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/examples/bank"
	"github.com/mbtgo/mbt/examples/bank/ledger"
	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/model"
)

// This file compares the generated suite with seeded random walks at the
// same budget of steps, on every planted bug of the ledger: how many each
// catches, and after how many steps the first failure shows. The ledger
// runs in process, without HTTP (which no planted bug is in), so that the
// comparison runs in a second.

// ledgerAdapter drives a ledger.Server in process.
type ledgerAdapter struct{ s *ledger.Server }

func (a ledgerAdapter) Reset(context.Context) error { a.s.Reset(); return nil }
func (a ledgerAdapter) View(context.Context) (bank.State, error) {
	return bank.State{Balances: a.s.Balances()}, nil
}
func (a ledgerAdapter) Deposit(_ context.Context, acct string, amt int) (int, error) {
	return a.s.Deposit(acct, amt)
}
func (a ledgerAdapter) Withdraw(_ context.Context, acct string, amt int) (int, error) {
	return a.s.Withdraw(acct, amt)
}
func (a ledgerAdapter) Transfer(_ context.Context, from, to string, amt int) error {
	return a.s.Transfer(from, to, amt)
}
func (a ledgerAdapter) ConcurrentTransfers(_ context.Context, from, to string) (int, error) {
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- a.s.Transfer(from, to, 1) }()
	}
	ok := 0
	for range 2 {
		if <-errs == nil {
			ok++
		}
	}
	if ok == 0 {
		return 0, errors.New("the ledger refused both transfers")
	}
	return ok, nil
}

// killer runs tests against one planted bug and counts steps.
type killer struct {
	m    *model.Model[bank.State]
	bugs ledger.Bugs
}

// run drives the tests in order until one fails or budget steps are spent,
// and returns the number of steps to the first failure, or 0.
func (k killer) run(t *testing.T, tests [][]model.Step, budget int) int {
	cfg := bank.Config{Accounts: 2, Max: 3, MaxAmount: 2}
	srv := ledger.New(ledger.Options{Accounts: bank.AccountNames(cfg.Accounts), Max: cfg.Max, Bugs: k.bugs})
	r, err := adapters.NewRunner(k.m, ledgerAdapter{srv}, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	spent := 0
	for _, steps := range tests {
		if spent >= budget {
			return 0
		}
		if len(steps) > budget-spent {
			steps = steps[:budget-spent]
		}
		if f := r.Exec(context.Background(), steps); f != nil {
			return spent + max(f.Index, 1)
		}
		spent += len(steps)
	}
	return 0
}

// comparison is the outcome of the generated suite and of random walks
// with several seeds on every planted bug.
type comparison struct {
	bugs          []ledger.Bug
	budget        int
	suite         []int   // steps to the first failure per bug, 0: missed
	walks         [][]int // per seed, per bug
	suiteKills    int
	walkKills     []int // per seed
	suiteSooner   int   // bugs both found where the suite was sooner, summed over seeds
	walksSooner   int
	bothFoundRuns int
}

func compare(t *testing.T, seeds int) comparison {
	m, err := bank.Model(bank.Config{Accounts: 2, Max: 3, MaxAmount: 2})
	if err != nil {
		t.Fatal(err)
	}
	suite, err := gen.Select(context.Background(), m, gen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var tests [][]model.Step
	c := comparison{bugs: ledger.AllBugs, walkKills: make([]int, seeds)}
	for _, tc := range suite.Tests {
		tests = append(tests, tc.Steps)
		c.budget += len(tc.Steps)
	}
	walks := make([][][]model.Step, seeds)
	for seed := range seeds {
		for n, i := 0, 0; n < c.budget; i++ {
			w := adapters.Walk(m, adapters.CheckOptions{Seed: int64(seed + 1)}, i)
			walks[seed] = append(walks[seed], w)
			n += len(w)
		}
	}
	c.walks = make([][]int, seeds)
	for _, b := range c.bugs {
		k := killer{m: m, bugs: ledger.Bugs{b: true}}
		s := k.run(t, tests, c.budget)
		c.suite = append(c.suite, s)
		if s > 0 {
			c.suiteKills++
		}
		for seed := range seeds {
			w := k.run(t, walks[seed], c.budget)
			c.walks[seed] = append(c.walks[seed], w)
			if w > 0 {
				c.walkKills[seed]++
			}
			if s > 0 && w > 0 {
				c.bothFoundRuns++
				switch {
				case s < w:
					c.suiteSooner++
				case w < s:
					c.walksSooner++
				}
			}
		}
	}
	return c
}

// TestSuiteBeatsRandomWalks: at the same number of steps, the generated
// suite catches every planted bug, strictly more than random walks with
// any of ten seeds. It logs after how many steps each shows the first
// failure of each bug (0: missed): the suite runs its shortest tests first,
// which try negative steps and values outside the domains, so it finds
// those bugs sooner; random walks, which take a different action at every
// step, find some wrong outputs sooner.
func TestSuiteBeatsRandomWalks(t *testing.T) {
	c := compare(t, 10)
	t.Logf("budget %d steps; the suite catches %d of %d bugs, random walks %v", c.budget, c.suiteKills, len(c.bugs), c.walkKills)
	for i, b := range c.bugs {
		line := fmt.Sprintf("%-18s suite %4d  walks", b, c.suite[i])
		for seed := range c.walks {
			line += fmt.Sprintf(" %4d", c.walks[seed][i])
		}
		t.Log(line)
	}
	if c.suiteKills != len(c.bugs) {
		t.Errorf("the suite catches %d of %d planted bugs", c.suiteKills, len(c.bugs))
	}
	for seed, k := range c.walkKills {
		if k >= c.suiteKills {
			t.Errorf("random walks with seed %d catch %d bugs in %d steps, as many as the suite (%d)", seed+1, k, c.budget, c.suiteKills)
		}
	}
	t.Logf("where both find a bug, the suite is sooner %d times and random walks %d times (of %d)", c.suiteSooner, c.walksSooner, c.bothFoundRuns)
}

// BenchmarkSuiteVsRandomWalks reports the comparison as metrics: bugs
// caught by the suite and, on average, by random walks at the same
// budget, and how often each shows the first failure sooner.
func BenchmarkSuiteVsRandomWalks(b *testing.B) {
	t := &testing.T{}
	var c comparison
	for b.Loop() {
		c = compare(t, 10)
	}
	mean := 0.0
	for _, k := range c.walkKills {
		mean += float64(k)
	}
	mean /= float64(len(c.walkKills))
	b.ReportMetric(float64(c.budget), "steps")
	b.ReportMetric(float64(c.suiteKills), "suite-kills")
	b.ReportMetric(mean, "walk-kills")
	b.ReportMetric(float64(c.suiteSooner)/float64(len(c.walkKills)), "suite-sooner")
	b.ReportMetric(float64(c.walksSooner)/float64(len(c.walkKills)), "walks-sooner")
}
