package dsl_test

// This file holds broken model definitions for TestBuild_Errors. The golden
// files in testdata/ name lines of this file: edit it, then run
// go test -run TestBuild_Errors -update and review the diff.

import (
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// withFunc cannot be a state: it holds a func.
type withFunc struct {
	N int
	F func() int
}

type counter struct{ N int }

func inc(s *counter) { s.N++ }

// everything makes one of each definition problem a model with actions
// can have, in one model.
func everything() error {
	m := dsl.New[withFunc]("Bad") // state type with a func field; no Init
	empty := dsl.Values[int]("r") // empty domain, declared apart from its use
	dsl.Action1(m, "Send", empty, nil, func(s *withFunc, r int) {})
	m.Action("Tick", nil, func(s *withFunc) {})
	m.Action("Tick", nil, func(s *withFunc) {}) // duplicate action name
	m.Action("NoEffect", nil, nil)
	dsl.Action1(m, "Dup", dsl.Values("v", 1, 2, 1), nil, func(s *withFunc, v int) {})
	dsl.Action1(m, "Unnamed", dsl.Values("", "a"), nil, func(s *withFunc, v string) {})
	dsl.Action2(m, "Twice", dsl.Range("x", 0, 1), dsl.Range("x", 0, 1), nil, func(s *withFunc, a, b int) {})
	m.Action("", nil, func(s *withFunc) {})
	dsl.Action3(m, "Three", dsl.Range("a", 0, 1), dsl.Range("b", 1, 0), dsl.Values("c", "x", "x"), nil,
		func(s *withFunc, a, b int, c string) {})
	m.Invariant("Safe", func(withFunc) bool { return true })
	m.Invariant("Safe", func(withFunc) bool { return true }) // duplicate invariant name
	m.Invariant("NilPred", nil)
	m.Property("", func(withFunc, model.Step, withFunc) bool { return true })
	m.Property("Safe", func(withFunc, model.Step, withFunc) bool { return true }) // shares the namespace
	m.Property("NilProp", nil)
	_, err := m.Build()
	return err
}

// empty has neither an initial state nor an action.
func empty() error {
	_, err := dsl.New[counter]("Empty").Build()
	return err
}

// one has a single problem, rendered on one line.
func one() error {
	m := dsl.New[counter]("One").Init(counter{})
	m.Action("Inc", nil, inc)
	dsl.Action1(m, "Add", dsl.Values[int]("n"), nil, func(s *counter, n int) {})
	_, err := m.Build()
	return err
}

// unnamedModel has an empty name.
func unnamedModel() error {
	m := dsl.New[counter]("").Init(counter{})
	m.Action("Inc", nil, inc)
	_, err := m.Build()
	return err
}

// bounds misuses constraints and conditions.
func bounds() error {
	m := dsl.New[counter]("Bounds").Init(counter{N: 5})
	m.Action("Reset", nil, inc) // a model may have it; gen and adapters refuse it
	m.Action("View", nil, inc)
	m.Action("Inc", nil, inc).
		Requires("", func(counter) bool { return true }).      // a condition needs a name
		Requires("small", nil).                                // and a predicate
		Requires("big", func(s counter) bool { return true }). //
		Requires("big", func(s counter) bool { return true })  // once
	m.Constraint("AtMost3", func(s counter) bool { return s.N <= 3 }) // the initial state is outside
	m.Constraint("NilBound", nil)
	_, err := m.Build()
	return err
}
