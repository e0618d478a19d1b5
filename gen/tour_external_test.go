package gen_test

import (
	"context"
	"testing"

	"github.com/mbtgo/mbt/examples/counters"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/gen"
)

// Two counters up to 30 that reset at the top: every state can be
// revisited and the state graph is 60 deep. The default MaxSteps (4 times
// the depth) keeps the replayed paths to where a cut tour goes on a small
// part of the suite, and no test is longer than it.
func TestSelect_TransitionsDeepCycles(t *testing.T) {
	m, err := counters.Model(counters.Config{K: 2, M: 30})
	if err != nil {
		t.Fatal(err)
	}
	suite, err := gen.Select(context.Background(), m, gen.Options{Criteria: []gen.Criterion{gen.Transitions}})
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for _, tc := range suite.Tests {
		steps += len(tc.Steps)
		if len(tc.Steps) > 4*60 {
			t.Errorf("%s: %d steps, want at most 240", tc.Name, len(tc.Steps))
		}
	}
	if ratio := float64(steps) / float64(suite.Transitions); ratio > 1.1 {
		t.Errorf("%d steps for %d transitions (%.2f per transition), want at most 1.1", steps, suite.Transitions, ratio)
	}
	g, err := explorer.BuildGraph(context.Background(), m, 0)
	if err != nil {
		t.Fatal(err)
	}
	if taken := coveredEdges(t, m, g, suite); len(taken) != g.Transitions() {
		t.Fatalf("tests take %d of %d transitions", len(taken), g.Transitions())
	}
}

// The same model gives the same suite.
func TestSelect_TransitionsDeterministic(t *testing.T) {
	m, err := counters.Model(counters.Config{K: 3, M: 4})
	if err != nil {
		t.Fatal(err)
	}
	var first []gen.Test
	for i := range 3 {
		suite, err := gen.Select(context.Background(), m, gen.Options{Criteria: []gen.Criterion{gen.Transitions}, TestSteps: 7})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = suite.Tests
			continue
		}
		if len(suite.Tests) != len(first) {
			t.Fatalf("run %d: %d tests, first run %d", i, len(suite.Tests), len(first))
		}
		for j := range first {
			if suite.Tests[j].Name != first[j].Name {
				t.Fatalf("run %d: test %d is %s, first run %s", i, j, suite.Tests[j].Name, first[j].Name)
			}
		}
	}
}
