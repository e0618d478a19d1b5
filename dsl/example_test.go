package dsl_test

import (
	"context"
	"fmt"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

// The DieHard puzzle: with a 3 and a 5 gallon jug, measure 4 gallons. The
// invariant says it cannot be done; the explorer finds the shortest way.
func ExampleNew() {
	type Jugs struct{ Small, Big int }
	m := dsl.New[Jugs]("DieHard")
	m.Init(Jugs{})
	m.Action("FillSmall", nil, func(s *Jugs) { s.Small = 3 })
	m.Action("FillBig", nil, func(s *Jugs) { s.Big = 5 })
	m.Action("EmptySmall", nil, func(s *Jugs) { s.Small = 0 })
	m.Action("EmptyBig", nil, func(s *Jugs) { s.Big = 0 })
	m.Action("SmallToBig", nil, func(s *Jugs) { n := min(s.Small, 5-s.Big); s.Small, s.Big = s.Small-n, s.Big+n })
	m.Action("BigToSmall", nil, func(s *Jugs) { n := min(s.Big, 3-s.Small); s.Small, s.Big = s.Small+n, s.Big-n })
	m.Invariant("NotSolved", func(s Jugs) bool { return s.Big != 4 })
	mod, err := m.Build()
	if err != nil {
		fmt.Println(err)
		return
	}

	res, err := explorer.Explore(context.Background(), mod, explorer.Options{Workers: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	v := res.Violations[0]
	fmt.Println(res.Status, "-", v)
	fmt.Printf("  %+v\n", v.Trace.States[0])
	for i, step := range v.Trace.Steps {
		fmt.Printf("%d %-10s %+v\n", i+1, step, v.Trace.States[i+1])
	}
	// Output:
	// violation - invariant NotSolved violated after 6 steps
	//   {Small:0 Big:0}
	// 1 FillBig    {Small:0 Big:5}
	// 2 BigToSmall {Small:3 Big:2}
	// 3 EmptySmall {Small:0 Big:2}
	// 4 BigToSmall {Small:2 Big:0}
	// 5 FillBig    {Small:2 Big:5}
	// 6 BigToSmall {Small:3 Big:4}
}

// Argument tuples are enumerated with the last parameter varying fastest;
// Returns declares the output an implementation must produce.
func ExampleAction2() {
	type Ledger struct{ Balance map[string]int }
	m := dsl.New[Ledger]("Ledger")
	m.Init(Ledger{Balance: map[string]int{"a": 1, "b": 0}})
	dsl.Action2(m, "Transfer", dsl.Values("from", "a", "b"), dsl.Range("amt", 1, 2),
		func(s Ledger, from string, amt int) bool { return s.Balance[from] >= amt },
		func(s *Ledger, from string, amt int) {
			to := map[string]string{"a": "b", "b": "a"}[from]
			s.Balance[from] -= amt
			s.Balance[to] += amt
		}).
		Returns(func(s Ledger, from string, amt int) any { return s.Balance[from] - amt })
	mod := m.MustBuild()

	a := mod.Actions[0]
	for c := range a.Choices {
		fmt.Println(c, a.Label(c), a.Enabled(&mod.Init[0], c))
	}
	for _, tr := range mod.Erase().Successors(mod.Init[0]) {
		fmt.Println(tr.Step, "returns", tr.Step.Output, "->", tr.Next)
	}
	// Output:
	// 0 Transfer("a", 1) true
	// 1 Transfer("a", 2) false
	// 2 Transfer("b", 1) false
	// 3 Transfer("b", 2) false
	// Transfer("a", 1) returns 0 -> {map[a:0 b:1]}
}

// A constraint bounds what the model explores, not what the service does:
// the model stops after 3 reservations, and the state where 3 were made is
// no deadlock. The 4th Reserve is checked (its invariants), counted as a
// step out of the bounds, and not explored.
func ExampleModel_Constraint() {
	type State struct{ Made int }
	m := dsl.New[State]("Reservations")
	m.Init(State{})
	m.Action("Reserve", nil, func(s *State) { s.Made++ })
	m.Constraint("AtMost3", func(s State) bool { return s.Made <= 3 })
	res, err := explorer.Explore(context.Background(), m.MustBuild(), explorer.Options{Workers: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, res.Stats.Distinct, "states,", res.Stats.Pruned, "step out of the bounds")
	// Output:
	// complete 4 states, 1 step out of the bounds
}

// Named conditions make up a guard; Only says which one is the only false
// one, which mbt gen tries as a negative step.
func ExampleDef0_Requires() {
	type State struct{ Votes []bool }
	m := dsl.New[State]("Commit")
	m.Init(State{Votes: []bool{true, false}})
	commit := m.Action("Commit", nil, func(*State) {})
	for i := range 2 {
		commit.Requires(fmt.Sprintf("rm%d voted", i), func(s State) bool { return s.Votes[i] })
	}
	mod := m.MustBuild()
	a := mod.Action("Commit")
	only := a.Only(&mod.Init[0], 0)
	fmt.Println(a.Enabled(&mod.Init[0], 0), a.Conditions[only].Name)
	// Output:
	// false rm1 voted
}

// Refs are references to what the implementation creates and names
// itself; a reference never made is the value outside the domain.
func ExampleRefs() {
	type State struct{ Held map[model.Ref]bool }
	m := dsl.New[State]("Holds")
	m.Init(State{Held: map[model.Ref]bool{}})
	dsl.Action1(m, "Cancel", dsl.Refs("id", "r", 2), nil, func(s *State, r model.Ref) { delete(s.Held, r) })
	p := m.MustBuild().Action("Cancel").Params[0]
	fmt.Println(p.Values, p.Invalid)
	// Output:
	// [r1 r2] [r3]
}
