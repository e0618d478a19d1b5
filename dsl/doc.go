// Package dsl builds mbt models from typed Go functions.
//
// A model is a state type S, initial states, and actions with typed
// parameters, guards and effects, plus invariants and action properties. It
// reads like the TLA+ it mirrors:
//
//	m := dsl.New[State]("DieHard")
//	m.Init(State{})
//	m.Action("FillBig", nil, func(s *State) { s.Big = 5 })
//	dsl.Action1(m, "Deposit", dsl.Range("amt", 1, 3),
//		func(s State, amt int) bool { return s.Balance+amt <= 10 },
//		func(s *State, amt int) { s.Balance += amt })
//	m.Invariant("NotSolved", func(s State) bool { return s.Big != 4 })
//	return m.Build()
//
// Guards take the state by value and must not modify it (maps in it are
// shared with the explorer; the explorer's purity check catches a guard that
// writes). Effects take a pointer to a private deep copy of the state and
// change it in place, like primed variables in TLA+; they never see the
// state the explorer keeps.
//
// [Model.Build] checks the definition and reports every problem at once, each
// at the file:line of the call that made it. Package dsl owns the builder
// only: package model defines what it builds, package explorer walks it.
//
// # Index
//
// Models: [New], [Model.Init], [Model.Build], [Model.MustBuild], and the
// problems Build reports, [DefinitionError].
//
// Actions: [Model.Action], [Action1], [Action2], [Action3], their outputs
// [Def0.Returns], [Def1.Returns], [Def2.Returns], [Def3.Returns], and the
// named conditions of their guards [Def0.Requires], [Def1.Requires],
// [Def2.Requires], [Def3.Requires].
//
// Parameters: [Values], [Range], [Refs] (references to what the
// implementation names itself), and the values just outside a domain
// [Param.Outside].
//
// Properties and bounds: [Model.Invariant], [Model.Property],
// [Model.Constraint], [Model.Terminal], [Model.View].
//
// # Guards, conditions and constraints
//
// A guard says when the implementation accepts a step; mbt gen tests that
// it refuses the step elsewhere. Name the parts of a guard with Requires,
// and each part is tested alone. A constraint only bounds what the model
// explores ("at most 3 reservations", for a service without that limit):
// the step past it is neither a test nor a step the implementation must
// refuse. docs/guide.md says more.
package dsl
