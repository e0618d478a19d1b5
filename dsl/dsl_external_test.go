package dsl_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-multierror"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/internal/golden"
	"github.com/mbtgo/mbt/model"
)

// checkTable rejects a table row without a reason or with a duplicate name.
func checkTable(t *testing.T, i int, name, reason string, seen map[string]bool) {
	t.Helper()
	if reason == "" {
		t.Fatalf("test %d (%q) has no reason", i, name)
	}
	if seen[name] {
		t.Fatalf("duplicate test name %q", name)
	}
	seen[name] = true
}

func TestBuild_Errors(t *testing.T) {
	tests := []struct {
		name      string
		build     func() error
		wantCount int
		reason    string
	}{
		{"everything", everything, 16, "every problem is reported at once, each at the line of the call that made it"},
		{"empty", empty, 2, "a model needs an initial state and an action"},
		{"one", one, 1, "a single problem renders on one line"},
		{"unnamed_model", unnamedModel, 1, "the model needs a name"},
		{"bounds", bounds, 5, "conditions without a name, predicate or with a name used twice, a nil constraint and an initial state outside a constraint; actions named Reset and View are no problem for a model"},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			err := tt.build()
			if err == nil {
				t.Fatalf("Build() = nil error, want %d problems (%s)", tt.wantCount, tt.reason)
			}
			golden.Check(t, filepath.Join("testdata", "build_"+tt.name+".golden"), []byte(err.Error()+"\n"))

			var merr *multierror.Error
			if !errors.As(err, &merr) {
				t.Fatalf("Build() error is a %T, want a *multierror.Error", err)
			}
			if len(merr.Errors) != tt.wantCount {
				t.Errorf("Build() reported %d problems, want %d:\n%v", len(merr.Errors), tt.wantCount, err)
			}
			for _, e := range merr.Errors {
				var de *dsl.DefinitionError
				if !errors.As(e, &de) {
					t.Errorf("problem %q is a %T, want a *dsl.DefinitionError", e, e)
					continue
				}
				if !filepath.IsAbs(de.Pos.File) || filepath.Base(de.Pos.File) != "bad_models_external_test.go" || de.Pos.Line == 0 {
					t.Errorf("problem %q at %v, want an absolute position in bad_models_external_test.go", de.Msg, de.Pos)
				}
			}
		})
	}
}

func TestMustBuild_Panics(t *testing.T) {
	defer func() {
		v := recover()
		err, ok := v.(error)
		if !ok || !strings.Contains(err.Error(), "no initial state") {
			t.Errorf("MustBuild() of an invalid model: recovered %v, want its Build error", v)
		}
	}()
	m := dsl.New[counter]("NoInit")
	m.Action("Inc", nil, inc)
	m.MustBuild()
	t.Errorf("MustBuild() returned on an invalid model")
}

func TestDefinitionError_Error(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		err    dsl.DefinitionError
		want   string
		reason string
	}{
		{"below_wd", dsl.DefinitionError{Pos: model.Pos{File: filepath.Join(wd, "x", "m.go"), Line: 4}, Msg: "bad"}, "x/m.go:4: bad", "paths below the working directory are relative"},
		{"outside_wd", dsl.DefinitionError{Pos: model.Pos{File: "/elsewhere/m.go", Line: 4}, Msg: "bad"}, "/elsewhere/m.go:4: bad", "paths outside it stay absolute"},
		{"no_pos", dsl.DefinitionError{Msg: "bad"}, "bad", "no position, no prefix"},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		if got := tt.err.Error(); got != filepath.FromSlash(tt.want) {
			t.Errorf("%s: Error() = %q, want %q (%s)", tt.name, got, tt.want, tt.reason)
		}
	}
}

type trio struct{ Log []string }

// TestAction_ArgDecoding checks that every choice index of Action1..3 hands
// the guard, the effect and Returns the same arguments, in mixed radix with
// the last parameter varying fastest, agreeing with model.Action.Args.
func TestAction_ArgDecoding(t *testing.T) {
	m := dsl.New[trio]("Args").Init(trio{})
	var guardArgs [][]any
	record := func(args ...any) { guardArgs = append(guardArgs, args) }
	m.Action("Zero", func(trio) bool { record(); return true }, func(s *trio) { s.Log = append(s.Log, fmt.Sprint()) }).
		Returns(func(trio) any { return "zero-out" })
	dsl.Action1(m, "One", dsl.Values("a", "p", "q"),
		func(_ trio, a string) bool { record(a); return true },
		func(s *trio, a string) { s.Log = append(s.Log, fmt.Sprint(a)) }).
		Returns(func(_ trio, a string) any { return []any{a} })
	dsl.Action2(m, "Two", dsl.Values("a", "x", "y", "z"), dsl.Values("b", 10, 20),
		func(_ trio, a string, b int) bool { record(a, b); return true },
		func(s *trio, a string, b int) { s.Log = append(s.Log, fmt.Sprint(a, b)) }).
		Returns(func(_ trio, a string, b int) any { return []any{a, b} })
	dsl.Action3(m, "Three", dsl.Values("a", false, true), dsl.Range("b", 0, 2), dsl.Values("c", "u", "v", "w", "t"),
		func(_ trio, a bool, b int, c string) bool { record(a, b, c); return true },
		func(s *trio, a bool, b int, c string) { s.Log = append(s.Log, fmt.Sprint(a, b, c)) }).
		Returns(func(_ trio, a bool, b int, c string) any { return []any{a, b, c} })
	built := m.MustBuild()

	domains := map[string][][]any{
		"Zero":  nil,
		"One":   {{"p", "q"}},
		"Two":   {{"x", "y", "z"}, {10, 20}},
		"Three": {{false, true}, {0, 1, 2}, {"u", "v", "w", "t"}},
	}
	for _, a := range built.Actions {
		dom := domains[a.Name]
		// The expected tuples, enumerated by nested loops: last fastest.
		var want [][]any
		var gen func(prefix []any, i int)
		gen = func(prefix []any, i int) {
			if i == len(dom) {
				want = append(want, append([]any(nil), prefix...))
				return
			}
			for _, v := range dom[i] {
				gen(append(prefix, v), i+1)
			}
		}
		gen(nil, 0)
		if a.Choices != len(want) {
			t.Errorf("%s: Choices = %d, want %d", a.Name, a.Choices, len(want))
			continue
		}
		for c := range a.Choices {
			wantArgs := want[c]
			if len(dom) == 0 {
				wantArgs = nil
			}
			guardArgs = nil
			s := trio{}
			if !a.Enabled(&s, c) {
				t.Errorf("%s choice %d: not enabled", a.Name, c)
			}
			gotGuard := guardArgs[0]
			if len(gotGuard) == 0 {
				gotGuard = nil
			}
			if d := cmp.Diff(wantArgs, gotGuard); d != "" {
				t.Errorf("%s choice %d: guard arguments mismatch (-want +got):\n%s", a.Name, c, d)
			}
			if d := cmp.Diff(wantArgs, a.Args(c)); d != "" {
				t.Errorf("%s choice %d: Args mismatch (-want +got):\n%s", a.Name, c, d)
			}
			a.Effect(&s, c)
			wantLog := fmt.Sprint(wantArgs...)
			if len(s.Log) != 1 || s.Log[0] != wantLog {
				t.Errorf("%s choice %d: effect logged %q, want [%q]", a.Name, c, s.Log, wantLog)
			}
			if a.Output == nil {
				t.Fatalf("%s: Output is nil after Returns", a.Name)
			}
			var wantOut any = "zero-out"
			if len(dom) > 0 {
				wantOut = wantArgs
			}
			if d := cmp.Diff(wantOut, a.Output(&s, c)); d != "" {
				t.Errorf("%s choice %d: Returns arguments mismatch (-want +got):\n%s", a.Name, c, d)
			}
		}
	}
}

func TestAction_NilGuardAlwaysEnabled(t *testing.T) {
	m := dsl.New[counter]("Nil").Init(counter{})
	m.Action("A", nil, inc)
	dsl.Action1(m, "B", dsl.Range("i", 0, 2), nil, func(s *counter, i int) {})
	dsl.Action2(m, "C", dsl.Range("i", 0, 1), dsl.Range("j", 0, 2), nil, func(s *counter, i, j int) {})
	dsl.Action3(m, "D", dsl.Range("i", 0, 1), dsl.Range("j", 0, 1), dsl.Range("k", 0, 1), nil, func(s *counter, i, j, k int) {})
	built := m.MustBuild()
	for _, a := range built.Actions {
		for _, s := range []counter{{0}, {-5}, {100}} {
			for c := range a.Choices {
				if !a.Enabled(&s, c) {
					t.Errorf("%s(%v) at %v: nil guard is not enabled", a.Name, a.Args(c), s)
				}
			}
		}
		if a.Output != nil {
			t.Errorf("%s: Output is set without Returns", a.Name)
		}
	}
}

func TestAction_GuardAndEffectSemantics(t *testing.T) {
	type st struct {
		N int
		M map[string]int
	}
	m := dsl.New[st]("Sem").Init(st{M: map[string]int{}})
	dsl.Action1(m, "Set", dsl.Range("v", 1, 3),
		func(s st, v int) bool { return s.N < v },
		func(s *st, v int) { s.N = v; s.M["set"] = v })
	built := m.MustBuild()
	a := built.Actions[0]
	s := st{N: 2, M: map[string]int{}}
	if a.Enabled(&s, 0) || a.Enabled(&s, 1) || !a.Enabled(&s, 2) {
		t.Errorf("guard N < v at N=2: got %v %v %v, want false false true", a.Enabled(&s, 0), a.Enabled(&s, 1), a.Enabled(&s, 2))
	}
	next := built.Clone(&s)
	a.Effect(&next, 2)
	if next.N != 3 || next.M["set"] != 3 {
		t.Errorf("effect Set(3) gave %+v, want N=3 and M[set]=3", next)
	}
	if s.N != 2 || len(s.M) != 0 {
		t.Errorf("effect on a clone changed the original: %+v", s)
	}
}

func TestParams_Info(t *testing.T) {
	type color string
	m := dsl.New[counter]("Params").Init(counter{})
	dsl.Action3(m, "A", dsl.Range("n", -1, 1), dsl.Values[color]("c", "red", "green"), dsl.Values("ok", true), nil,
		func(*counter, int, color, bool) {})
	built := m.MustBuild()
	want := []model.Param{
		// Derived invalid values: one below and one above the range; the
		// empty string and an unknown name.
		{Name: "n", Type: "int", Values: []any{-1, 0, 1}, Invalid: []any{-2, 2}},
		{Name: "c", Type: "dsl_test.color", Values: []any{color("red"), color("green")}, Invalid: []any{color(""), color("unknown")}},
		{Name: "ok", Type: "bool", Values: []any{true}},
	}
	if d := cmp.Diff(want, built.Actions[0].Params); d != "" {
		t.Errorf("Params mismatch (-want +got):\n%s", d)
	}
	if built.Actions[0].Choices != 6 {
		t.Errorf("Choices = %d, want 3*2*1", built.Actions[0].Choices)
	}
}

func TestValues_CopiesItsArgument(t *testing.T) {
	vs := []int{1, 2}
	p := dsl.Values("v", vs...)
	vs[0] = 100
	m := dsl.New[counter]("Copy").Init(counter{})
	dsl.Action1(m, "A", p, nil, func(*counter, int) {})
	if got := m.MustBuild().Actions[0].Params[0].Values; !cmp.Equal(got, []any{1, 2}) {
		t.Errorf("domain = %v after the caller changed its slice, want [1 2]", got)
	}
}

func TestBuild_Model(t *testing.T) {
	type st struct{ N int }
	m := dsl.New[st]("Full").Init(st{0}, st{1}).Const("K", 3)
	m.Action("Inc", func(s st) bool { return s.N < 3 }, func(s *st) { s.N++ })
	m.Invariant("Small", func(s st) bool { return s.N <= 3 })
	m.Property("Up", func(prev st, step model.Step, next st) bool { return next.N > prev.N && step.Action == "Inc" })
	m.Terminal(func(s st) bool { return s.N == 3 })
	m.View(func(s st) any { return s.N * 10 })
	built, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	if built.Name != "Full" || len(built.Init) != 2 || !cmp.Equal(built.Consts, map[string]any{"K": 3}) {
		t.Errorf("Build() = name %q, init %v, consts %v", built.Name, built.Init, built.Consts)
	}
	s := st{3}
	if !built.Invariants[0].Check(&s) || built.Invariants[0].Name != "Small" {
		t.Errorf("invariant Small(3) is false")
	}
	if p := built.Properties[0]; p.Name != "Up" || !p.Check(&st{1}, model.Step{Action: "Inc"}, &st{2}) || p.Check(&st{2}, model.Step{Action: "Inc"}, &st{2}) {
		t.Errorf("property Up does not see (prev, step, next)")
	}
	if !built.Terminal(&s) || built.Terminal(&st{1}) {
		t.Errorf("Terminal does not wrap the predicate")
	}
	if got := built.ViewOf(&s); got != 30 {
		t.Errorf("ViewOf(3) = %v, want 30", got)
	}
	for _, p := range []model.Pos{built.Actions[0].Pos, built.Invariants[0].Pos, built.Properties[0].Pos} {
		if filepath.Base(p.File) != "dsl_external_test.go" || p.Line == 0 {
			t.Errorf("definition at %v, want a line of this file", p)
		}
	}

	// The built model does not change when the builder is used again.
	m.Init(st{2})
	m.Action("Dec", nil, func(s *st) { s.N-- })
	if len(built.Init) != 2 || len(built.Actions) != 1 {
		t.Errorf("using the builder after Build changed the model: %d init states, %d actions", len(built.Init), len(built.Actions))
	}
	// Nil Terminal and View reset them.
	again := m.Terminal(nil).View(nil).MustBuild()
	if again.Terminal != nil || again.View != nil {
		t.Errorf("Terminal(nil) and View(nil) did not clear them")
	}
}

// TestValues_Uncomparable checks that a domain of interface type holding
// values that cannot be map keys is accepted, and duplicates among the
// others are still found.
func TestValues_Uncomparable(t *testing.T) {
	m := dsl.New[counter]("Any").Init(counter{})
	dsl.Action1(m, "A", dsl.Values[any]("v", []int{1}, 2, map[string]int{}), nil, func(*counter, any) {})
	if _, err := m.Build(); err != nil {
		t.Errorf("Build() with slice and map values in a Values[any] domain: %v", err)
	}
	m = dsl.New[counter]("AnyDup").Init(counter{})
	dsl.Action1(m, "A", dsl.Values[any]("v", []int{1}, 2, 2), nil, func(*counter, any) {})
	if _, err := m.Build(); err == nil || !strings.Contains(err.Error(), `parameter "v" lists 2 twice`) {
		t.Errorf("Build() error = %v, want the duplicate 2", err)
	}
}
