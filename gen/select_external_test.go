package gen_test

import (
	"context"
	"testing"

	"github.com/mbtgo/mbt/examples/twophase"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/model"
	"pgregory.net/rapid"
)

// coveredEdges replays every test of a suite through the graph and returns
// which (state, id) transitions were taken.
func coveredEdges[S any](t interface {
	Helper()
	Fatal(...any)
	Fatalf(string, ...any)
}, m *model.Model[S], g *explorer.Graph[S], suite *gen.Suite) map[[2]int]bool {
	t.Helper()
	mach := m.Erase()
	index := map[uint64]int{}
	for i := range g.States {
		index[mach.Fingerprint(g.States[i])] = i
	}
	taken := map[[2]int]bool{}
	for _, tc := range suite.Tests {
		s := any(g.States[tc.Init])
		for i, st := range tc.Steps {
			ok, err := mach.Enabled(s, model.Step{Action: st.Action, Args: st.Args})
			if err != nil {
				t.Fatalf("%s step %d: %v", tc.Name, i+1, err)
			}
			if ok == st.Refused {
				t.Fatalf("%s step %d: %v: enabled=%v but Refused=%v", tc.Name, i+1, st, ok, st.Refused)
			}
			if st.Refused {
				continue
			}
			next, _, err := mach.Apply(s, model.Step{Action: st.Action, Args: st.Args})
			if err != nil {
				t.Fatal(err)
			}
			from := index[mach.Fingerprint(s)]
			to := index[mach.Fingerprint(next)]
			for _, e := range g.Edges[from] {
				if int(e.To) == to {
					a, c := g.Action(int(e.ID))
					if g.Actions[a].Name == st.Action && g.Actions[a].Label(c) == (model.Step{Action: st.Action, Args: st.Args}).String() {
						taken[[2]int{from, int(e.ID)}] = true
					}
				}
			}
			s = next
		}
	}
	return taken
}

// Property: the transitions criterion takes every transition of random
// small models, and every step of every test is valid in the model.
func TestSelect_TransitionsCoverEveryEdge(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		mod := rapid.IntRange(2, 5).Draw(rt, "mod")
		m := dslModel(rt, mod)
		g, err := explorer.BuildGraph(context.Background(), m, 0)
		if err != nil {
			rt.Fatal(err)
		}
		suite, err := gen.Select(context.Background(), m, gen.Options{Criteria: []gen.Criterion{gen.Transitions}, TestSteps: rapid.IntRange(1, 20).Draw(rt, "maxSteps")})
		if err != nil {
			rt.Fatal(err)
		}
		taken := coveredEdges(rt, m, g, suite)
		if want := g.Transitions(); len(taken) != want {
			rt.Fatalf("tests take %d of %d transitions", len(taken), want)
		}
	})
}

func TestSelect_Boundaries(t *testing.T) {
	m := dslModel(t, 3)
	suite, err := gen.Select(context.Background(), m, gen.Options{Criteria: []gen.Criterion{gen.Boundaries}})
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, tc := range suite.Tests {
		last := tc.Steps[len(tc.Steps)-1]
		if last.Refused {
			refused++
		}
	}
	if refused == 0 {
		t.Fatalf("boundaries produced no negative step:\n%v", suite.Reports)
	}
	g, _ := explorer.BuildGraph(context.Background(), m, 0)
	coveredEdges(t, m, g, suite) // every step valid
}

// BenchmarkSelect_TwoPhase5 selects the transition-covering suite for
// TwoPhase with 5 RMs (8,832 states, 58,145 transitions) and reports the
// total steps per transition.
func BenchmarkSelect_TwoPhase5(b *testing.B) {
	m, err := twophase.Model(twophase.Config{RM: 5})
	if err != nil {
		b.Fatal(err)
	}
	var suite *gen.Suite
	for b.Loop() {
		suite, err = gen.Select(context.Background(), m, gen.Options{Criteria: []gen.Criterion{gen.Transitions}})
		if err != nil {
			b.Fatal(err)
		}
	}
	steps := 0
	for _, tc := range suite.Tests {
		steps += len(tc.Steps)
	}
	b.ReportMetric(float64(steps)/float64(suite.Transitions), "steps/transition")
	b.ReportMetric(float64(len(suite.Tests)), "tests")
}

var _ = model.Step{}
