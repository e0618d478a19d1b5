package gen_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/model"
)

// Level is a counter in 0..3.
type Level struct{ N int }

// TestDuplicateInitStates: Test.Init is documented as "the index
// of the initial state" and the generated file passes it to
// adapters.Options.Init, an index into Model.Init. The graph numbers
// initial states after dropping duplicates, so a model that lists one
// initial state twice gets tests that start from the wrong one.
func TestDuplicateInitStates(t *testing.T) {
	m := dsl.New[Level]("Level").Init(Level{0}, Level{0}, Level{3})
	m.Action("Inc", func(s Level) bool { return s.N < 3 }, func(s *Level) { s.N++ })
	m.Action("Dec", func(s Level) bool { return s.N > 0 }, func(s *Level) { s.N-- })
	mod := m.MustBuild()
	suite, err := gen.Select(context.Background(), mod, gen.Options{MaxTests: -1})
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, tc := range suite.Tests {
		s := mod.Clone(&mod.Init[tc.Init])
		for i, st := range tc.Steps {
			if s, err = stepValid(mod, mod.Init[tc.Init], s, st); err != nil {
				if bad++; bad <= 3 {
					t.Errorf("%s (Init %d = %v) step %d: %v", tc.Name, tc.Init, mod.Init[tc.Init], i+1, err)
				}
				break
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d tests are not walks of the model from Model.Init[Test.Init]", bad, len(suite.Tests))
	}
}

// Item is what the List action of Shelf returns, by pointer.
type Item struct{ Name string }

type Shelf struct{ Items []string }

func shelfModel() *model.Model[Shelf] {
	m := dsl.New[Shelf]("Shelf").Init(Shelf{})
	dsl.Action1(m, "Add", dsl.Values("name", "a", "b"), func(s Shelf, _ string) bool { return len(s.Items) < 2 },
		func(s *Shelf, n string) { s.Items = append(s.Items, n) })
	m.Action("List", nil, func(*Shelf) {}).Returns(func(s Shelf) any {
		out := []*Item{}
		for _, n := range s.Items {
			out = append(out, &Item{Name: n})
		}
		return out
	})
	m.Constraint("Small", func(s Shelf) bool { return len(s.Items) <= 2 })
	return m.MustBuild()
}

// TestSourceDeterministicPointerOutputs: "same input and seed, same
// bytes". The comment "// returns ..." after a step prints the output with
// %#v, which prints the address of a pointer that is not at the top.
func TestSourceDeterministicPointerOutputs(t *testing.T) {
	src := func() []byte {
		mod := shelfModel()
		suite, err := gen.Select(context.Background(), mod, gen.Options{})
		if err != nil {
			t.Fatal(err)
		}
		out, err := gen.Source(suite, gen.File{Package: "shelf_test", PackagePath: "example.com/shelf",
			ModelPath: "example.com/shelf", ModelName: "shelf", ModelFunc: "Model",
			AdapterPath: "example.com/shelf", AdapterName: "shelf", AdapterFunc: "NewAdapter", Signature: mod.Signature()})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := src(), src()
	if !bytes.Equal(a, b) {
		for i, la := range bytes.Split(a, []byte("\n")) {
			lb := bytes.Split(b, []byte("\n"))
			if i < len(lb) && !bytes.Equal(la, lb[i]) {
				t.Errorf("two runs differ at line %d:\n%s\n%s", i+1, la, lb[i])
				break
			}
		}
	}
}

// Ballot is three votes and a decision.
type Ballot struct {
	Yes     [3]bool
	Decided bool
}

// TestConditionsReportUnits: the conditions report counts "conditions
// with arguments" (an action's argument tuple and one condition), but adds
// a condition that is never the only false one once, whatever the number
// of its argument tuples, so the percentage is off.
func TestConditionsReportUnits(t *testing.T) {
	m := dsl.New[Ballot]("Ballot").Init(Ballot{})
	dsl.Action1(m, "Vote", dsl.Range("p", 0, 2), nil, func(s *Ballot, p int) { s.Yes[p] = true }).
		Requires("undecided", func(s Ballot, _ int) bool { return !s.Decided }).
		Requires("not voted", func(s Ballot, p int) bool { return !s.Yes[p] })
	m.Action("Commit", nil, func(s *Ballot) { s.Decided = true }).
		Requires("undecided", func(s Ballot) bool { return !s.Decided }).
		Requires("all voted", func(s Ballot) bool { return s.Yes == [3]bool{true, true, true} })
	m.Terminal(func(s Ballot) bool { return s.Decided })
	suite, err := gen.Select(context.Background(), m.MustBuild(), gen.Options{Criteria: []gen.Criterion{gen.Conditions}, MaxTests: -1})
	if err != nil {
		t.Fatal(err)
	}
	// Vote: 3 tuples x 2 conditions; Commit: 1 x 2. "undecided" is never
	// false alone for Vote (a decided ballot has every vote): 3 of them.
	const items, missed = 8, 3
	r := suite.Reports[0]
	if r.Items != items || r.Covered != items-missed {
		t.Errorf("report %q: %d items, %d covered; want %d and %d", r, r.Items, r.Covered, items, items-missed)
	}
}

// TestActionOnlyOutOfBounds: an action whose every enabled step
// leaves the constraints is taken by no test. The reports must say so, as
// they do for an action that is never enabled; they count it as enabled
// and stay silent.
func TestActionOnlyOutOfBounds(t *testing.T) {
	m := dsl.New[Level]("Level").Init(Level{0})
	m.Action("Inc", func(s Level) bool { return s.N < 3 }, func(s *Level) { s.N++ })
	m.Action("Jump", nil, func(s *Level) { s.N += 10 })
	m.Constraint("Small", func(s Level) bool { return s.N <= 3 })
	suite, err := gen.Select(context.Background(), m.MustBuild(), gen.Options{MaxTests: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range suite.Tests {
		for _, st := range tc.Steps {
			if st.Action == "Jump" {
				return
			}
		}
	}
	var said bool
	var all []string
	for _, r := range suite.Reports {
		all = append(all, r.String())
		for _, m := range r.Missed {
			said = said || strings.Contains(m, "Jump")
		}
	}
	if !said {
		t.Errorf("no test takes Jump, and no report says so:\n%s", strings.Join(all, "\n"))
	}
}
