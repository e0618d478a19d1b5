package diehard

import (
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Capacities of the jugs, in gallons, and the amount to measure.
const (
	SmallCap = 3
	BigCap   = 5
	Goal     = 4
)

// Config holds the switches of the model, set with mbt explore -set
// CheckMonotone=true. The zero value is the model of DieHard.cfg.
type Config struct {
	// SkipNotSolved leaves out the invariant NotSolved, so that the
	// explorer walks the whole state space instead of stopping at the
	// solution.
	SkipNotSolved bool
	// CheckMonotone adds the action property BigMonotone (the big jug only
	// grows, except when emptied), which BigToSmall violates.
	CheckMonotone bool
}

// State mirrors the variables of DieHard.tla: the gallons in each jug.
type State struct {
	Small int `tla:"small"` // 0..SmallCap
	Big   int `tla:"big"`   // 0..BigCap
}

// Model is the jugs puzzle of DieHard.tla. Its actions are the disjuncts of
// Next in the spec's order, so a breadth-first search visits states in the
// order TLC does.
func Model(c Config) (*model.Model[State], error) {
	m := dsl.New[State]("DieHard")
	m.Const("SkipNotSolved", c.SkipNotSolved).Const("CheckMonotone", c.CheckMonotone)
	m.Init(State{Small: 0, Big: 0})

	m.Action("FillSmall", nil, func(s *State) { s.Small = SmallCap })
	m.Action("FillBig", nil, func(s *State) { s.Big = BigCap })
	m.Action("EmptySmall", nil, func(s *State) { s.Small = 0 })
	m.Action("EmptyBig", nil, func(s *State) { s.Big = 0 })
	m.Action("SmallToBig", nil, func(s *State) {
		poured := min(s.Big+s.Small, BigCap) - s.Big
		s.Big += poured
		s.Small -= poured
	})
	m.Action("BigToSmall", nil, func(s *State) {
		poured := min(s.Big+s.Small, SmallCap) - s.Small
		s.Small += poured
		s.Big -= poured
	})

	m.Invariant("TypeOK", func(s State) bool {
		return 0 <= s.Small && s.Small <= SmallCap && 0 <= s.Big && s.Big <= BigCap
	})
	if !c.SkipNotSolved {
		m.Invariant("NotSolved", func(s State) bool { return s.Big != Goal })
	}
	if c.CheckMonotone {
		m.Property("BigMonotone", func(prev State, _ model.Step, next State) bool {
			return next.Big >= prev.Big || next.Big == 0
		})
	}
	return m.Build()
}
