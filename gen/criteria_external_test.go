package gen_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/model"
)

// Votes is the state of drawn models: n participants that vote, and a
// decision.
type Votes struct {
	Yes     []bool
	Decided bool
	Rounds  int
}

// votesModel draws a model with named guard conditions, a constraint and
// values outside domains.
func votesModel(t *rapid.T) *model.Model[Votes] {
	n := rapid.IntRange(1, 3).Draw(t, "n")
	m := dsl.New[Votes]("Votes")
	m.Init(Votes{Yes: make([]bool, n)})
	p := dsl.Range("p", 0, n-1)
	dsl.Action1(m, "Vote", p, nil, func(s *Votes, i int) { s.Yes[i] = true; s.Rounds++ }).
		Requires("undecided", func(s Votes, _ int) bool { return !s.Decided }).
		Requires("not yet voted", func(s Votes, i int) bool { return !s.Yes[i] })
	commit := m.Action("Commit", nil, func(s *Votes) { s.Decided = true })
	for i := range n {
		commit.Requires(fmt.Sprintf("p%d voted", i), func(s Votes) bool { return s.Yes[i] })
	}
	if rapid.Bool().Draw(t, "undo") {
		dsl.Action1(m, "Undo", p, func(s Votes, i int) bool { return s.Yes[i] && !s.Decided },
			func(s *Votes, i int) { s.Yes[i] = false; s.Rounds++ })
		m.Constraint("FewRounds", func(s Votes) bool { return s.Rounds <= 2*n })
	}
	m.Terminal(func(s Votes) bool { return s.Decided })
	out, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// stepValid checks st from state s of m and returns the next state: a
// positive step must be enabled and stay within the constraints, a
// negative one must be refused by the model or have an argument outside
// its domain.
func stepValid[S any](m *model.Model[S], init, s S, st model.Step) (S, error) {
	if st.Action == adapters.ResetAction && len(st.Args) == 0 {
		return m.Clone(&init), nil
	}
	a := m.Action(st.Action)
	if a == nil {
		return s, fmt.Errorf("no action %s", st.Action)
	}
	choice := 0
	for i, p := range a.Params {
		idx := -1
		for j, v := range p.Values {
			if reflect.DeepEqual(v, st.Args[i]) {
				idx = j
			}
		}
		if idx < 0 {
			for _, v := range p.Invalid {
				if reflect.DeepEqual(v, st.Args[i]) && st.Refused {
					return s, nil
				}
			}
			return s, fmt.Errorf("%v: argument %d outside its domain, and not a value just outside it", st, i)
		}
		choice = choice*len(p.Values) + idx
	}
	if a.Enabled(&s, choice) == st.Refused {
		return s, fmt.Errorf("%v: the model says enabled=%v", st, !st.Refused)
	}
	if st.Refused {
		return s, nil
	}
	next := m.Clone(&s)
	a.Effect(&next, choice)
	if ok, name := m.Within(&next); !ok {
		return s, fmt.Errorf("%v leaves constraint %s", st, name)
	}
	return next, nil
}

// Property: with no budget, the default criteria cover all they can, every
// step of every test is one the model allows (or must refuse), and tests
// come shortest first.
func TestSelect_DefaultCriteriaProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m := votesModel(rt)
		suite, err := gen.Select(context.Background(), m, gen.Options{MaxTests: -1})
		if err != nil {
			rt.Fatal(err)
		}
		for _, r := range suite.Reports {
			// Conditions never false alone count, uncovered.
			if r.Covered > r.Items || r.Covered < r.Items && (r.Criterion != gen.Conditions || len(r.Missed) == 0) {
				rt.Fatalf("%v: covers %d of %d", r, r.Covered, r.Items)
			}
		}
		prev := 0
		for _, tc := range suite.Tests {
			if len(tc.Steps) < prev {
				rt.Fatalf("%s has %d steps after a test of %d: not shortest first", tc.Name, len(tc.Steps), prev)
			}
			prev = len(tc.Steps)
			s := m.Clone(&m.Init[tc.Init])
			for i, st := range tc.Steps {
				if s, err = stepValid(m, m.Init[tc.Init], s, st); err != nil {
					rt.Fatalf("%s step %d: %v", tc.Name, i+1, err)
				}
			}
		}
		// The reference: every condition that is the only false one in a
		// reachable state is tried there by some test.
		g, err := explorer.BuildGraph(context.Background(), m, 0)
		if err != nil {
			rt.Fatal(err)
		}
		want := map[string]bool{}
		for s := range g.States {
			for _, id := range g.Disabled[s] {
				a, c := g.Action(int(id))
				if only := g.Actions[a].Only(&g.States[s], c); only >= 0 {
					want[g.Actions[a].Name+"/"+g.Actions[a].Conditions[only].Name] = true
				}
			}
		}
		got := map[string]bool{}
		for _, tc := range suite.Tests {
			s := m.Clone(&m.Init[tc.Init])
			for _, st := range tc.Steps {
				a := m.Action(st.Action)
				if st.Refused && a != nil && len(a.Conditions) > 0 {
					c := 0
					if len(st.Args) == 1 {
						c = st.Args[0].(int)
					}
					if c < 0 || c >= a.Choices {
						// A value outside the domain.
					} else if only := a.Only(&s, c); only >= 0 {
						got[a.Name+"/"+a.Conditions[only].Name] = true
					}
				}
				s, _ = stepValid(m, m.Init[tc.Init], s, st)
			}
		}
		if !reflect.DeepEqual(want, got) {
			rt.Fatalf("conditions tried alone: %v, want %v", got, want)
		}
	})
}

// TestSelect_Budget: the budget bounds the suite, the report says what was
// left out, and the tests chosen are the ones that add most.
func TestSelect_Budget(t *testing.T) {
	m := dslModel(t, 4)
	full, err := gen.Select(context.Background(), m, gen.Options{MaxTests: -1})
	if err != nil {
		t.Fatal(err)
	}
	small, err := gen.Select(context.Background(), m, gen.Options{MaxTests: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(small.Tests) != 3 || len(full.Tests) <= 3 {
		t.Fatalf("%d tests with a budget of 3 (%d without)", len(small.Tests), len(full.Tests))
	}
	left := false
	for _, r := range small.Reports {
		left = left || r.Dropped > 0
	}
	if !left {
		t.Errorf("the reports do not say that the budget left tests out: %v", small.Reports)
	}
	steps, err := gen.Select(context.Background(), m, gen.Options{MaxSteps: 20})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tc := range steps.Tests {
		n += len(tc.Steps)
	}
	if n > 20 {
		t.Errorf("%d steps with a budget of 20", n)
	}
}
