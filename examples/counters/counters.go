package counters

import (
	"fmt"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Config holds the constants.
type Config struct {
	K int `default:"4"`  // number of counters, at least 1
	M int `default:"30"` // maximum value of each counter, at least 0
}

// State holds the counters.
type State struct {
	C []int
}

// Model returns the counters model.
func Model(c Config) (*model.Model[State], error) {
	switch {
	case c.K < 1:
		return nil, fmt.Errorf("counters: K is %d, want at least 1", c.K)
	case c.M < 0:
		return nil, fmt.Errorf("counters: M is %d, want at least 0", c.M)
	}
	m := dsl.New[State]("Counters")
	m.Const("K", c.K).Const("M", c.M)
	m.Init(State{C: make([]int, c.K)})
	i := dsl.Range("i", 0, c.K-1)
	dsl.Action1(m, "Inc", i,
		func(s State, i int) bool { return s.C[i] < c.M },
		func(s *State, i int) { s.C[i]++ })
	dsl.Action1(m, "Wrap", i,
		func(s State, i int) bool { return s.C[i] == c.M },
		func(s *State, i int) { s.C[i] = 0 })
	m.Invariant("InRange", func(s State) bool {
		for _, v := range s.C {
			if v < 0 || v > c.M {
				return false
			}
		}
		return true
	})
	return m.Build()
}
