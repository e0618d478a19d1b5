package explorer_test

import (
	"context"
	"fmt"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/explorer"
)

// A counter that may not reach 3; BFS finds the shortest way there.
func ExampleExplore() {
	type State struct{ N int }
	m := dsl.New[State]("Counter")
	m.Init(State{})
	dsl.Action1(m, "Add", dsl.Values("k", 1, 2),
		func(s State, k int) bool { return s.N+k <= 4 },
		func(s *State, k int) { s.N += k })
	m.Action("Clear", nil, func(s *State) { s.N = 0 })
	m.Invariant("BelowThree", func(s State) bool { return s.N < 3 })

	res, err := explorer.Explore(context.Background(), m.MustBuild(), explorer.Options{Workers: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status, res.Violations[0])
	for i, step := range res.Violations[0].Trace.Steps {
		fmt.Printf("%d: %v -> %+v\n", i+1, step, res.Violations[0].Trace.States[i+1])
	}
	// Output:
	// violation invariant BelowThree violated after 2 steps
	// 1: Add(1) -> {N:1}
	// 2: Add(2) -> {N:3}
}
