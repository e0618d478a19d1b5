package diehard_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mbtgo/mbt/examples/diehard"
	"github.com/mbtgo/mbt/explorer"
)

// Breadth-first exploration refutes NotSolved with the shortest way to
// measure 4 gallons.
func ExampleModel() {
	m, err := diehard.Model(diehard.Config{})
	if err != nil {
		log.Fatal(err)
	}
	res, err := explorer.Explore(context.Background(), m, explorer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	v := res.Violations[0]
	fmt.Printf("%v: %v\n", res.Status, v)
	for i, s := range v.Trace.States {
		step := "(initial)"
		if i > 0 {
			step = v.Trace.Steps[i-1].String()
		}
		fmt.Printf("%d  %-10s  big=%d small=%d\n", i, step, s.Big, s.Small)
	}
	// Output:
	// violation: invariant NotSolved violated after 6 steps
	// 0  (initial)   big=0 small=0
	// 1  FillBig     big=5 small=0
	// 2  BigToSmall  big=2 small=3
	// 3  EmptySmall  big=2 small=0
	// 4  BigToSmall  big=0 small=2
	// 5  FillBig     big=5 small=2
	// 6  BigToSmall  big=4 small=3
}

// Without the invariant NotSolved the explorer walks the whole state space.
func ExampleModel_skipNotSolved() {
	m, err := diehard.Model(diehard.Config{SkipNotSolved: true})
	if err != nil {
		log.Fatal(err)
	}
	res, err := explorer.Explore(context.Background(), m, explorer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v: %d distinct states, %d transitions, depth %d\n",
		res.Status, res.Stats.Distinct, res.Stats.Transitions, res.Stats.MaxDepth)
	// Output:
	// complete: 16 distinct states, 96 transitions, depth 7
}

// The action property BigMonotone fails on the first pour from the big jug
// into the small one.
func ExampleModel_checkMonotone() {
	m, err := diehard.Model(diehard.Config{CheckMonotone: true})
	if err != nil {
		log.Fatal(err)
	}
	res, err := explorer.Explore(context.Background(), m, explorer.Options{})
	if err != nil {
		log.Fatal(err)
	}
	v := res.Violations[0]
	fmt.Println(v)
	fmt.Println(v.Trace.Steps)
	// Output:
	// property BigMonotone violated after 2 steps
	// [FillBig BigToSmall]
}
