package driver

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

type checksState struct {
	N int `tla:"n"`
}

type checksConfig struct {
	Max      int    `default:"2"` // Inc is enabled while n < Max
	Terminal bool   // n = Max is a final state
	Prop     bool   // the property Step is false for a step to n = 2
	Panic    string // the code that panics: invariant, guard, effect, property or terminal
	PanicAt  int    `default:"2"` // at this n (for effect, the n it starts from; for property, the n it leads to)
}

// checks counts up to Max, with an invariant and a property that hold
// unless Prop or Panic say otherwise.
func checks(c checksConfig) (*model.Model[checksState], error) {
	boom := func(part string, n int) {
		if c.Panic == part && n == c.PanicAt {
			panic(part + " boom")
		}
	}
	m := dsl.New[checksState]("Checks")
	m.Init(checksState{})
	m.Action("Inc",
		func(s checksState) bool { boom("guard", s.N); return s.N < c.Max },
		func(s *checksState) { boom("effect", s.N); s.N++ })
	m.Invariant("NonNegative", func(s checksState) bool { boom("invariant", s.N); return s.N >= 0 })
	m.Property("Step", func(prev checksState, _ model.Step, next checksState) bool {
		boom("property", next.N)
		return !c.Prop || next.N != 2
	})
	if c.Terminal {
		m.Terminal(func(s checksState) bool { boom("terminal", s.N); return s.N == c.Max })
	}
	return m.Build()
}

// checksImpl is an implementation of Checks without limit.
type checksImpl struct{ n int }

func (a *checksImpl) Reset(context.Context) error               { a.n = 0; return nil }
func (a *checksImpl) View(context.Context) (checksState, error) { return checksState{a.n}, nil }
func (a *checksImpl) Inc(context.Context) error                 { a.n++; return nil }

// writeChecksTrace writes an ITF trace of Checks with n Inc steps.
func writeChecksTrace(t *testing.T, n int) string {
	t.Helper()
	var tr strings.Builder
	tr.WriteString(`{"vars": ["n", "mbt::actionTaken"], "states": [`)
	for i := range n + 1 {
		if i > 0 {
			tr.WriteString(",\n")
		}
		action := "init"
		if i > 0 {
			action = "Inc"
		}
		tr.WriteString(`{"n": ` + string(rune('0'+i)) + `, "mbt::actionTaken": "` + action + `"}`)
	}
	tr.WriteString("]}\n")
	file := filepath.Join(t.TempDir(), "checks.itf.json")
	if err := os.WriteFile(file, []byte(tr.String()), 0o666); err != nil {
		t.Fatal(err)
	}
	return file
}

// Replay checks the states and steps it matched as explore checks what it
// reaches, and reports a violation with exit code 1: an invariant or
// property that is false, a trace that ends in a deadlock, and a panic in
// the model's code, with the step and the user's frames; it never crashes.
func TestReplay_Checks(t *testing.T) {
	two := writeChecksTrace(t, 2)
	tests := []struct {
		name   string
		args   []string
		code   int
		want   []string // regular expressions, each matching a line of stdout
		reason string
	}{
		{"deadlock", nil, exitViolation,
			[]string{`^the trace is a behavior of Checks \(2 steps\)$`,
				`^violation: deadlock: no action of Checks is enabled in ITF state 2, the trace's last state, and it is not marked terminal \(mark final states with Terminal, or run with -no-deadlock\)$`},
			"n = 2 = Max has no enabled action, and explore reports it too"},
		{"no deadlock flag", []string{"-no-deadlock"}, exitOK,
			[]string{`^ok: the trace is a behavior of Checks \(2 steps\)$`}, "-no-deadlock turns the check off, as in explore"},
		{"terminal", []string{"-set=Terminal=true"}, exitOK,
			[]string{`^ok: the trace is a behavior of Checks \(2 steps\)$`}, "a final state marked terminal is no deadlock"},
		{"enabled at the end", []string{"-set=Max=3"}, exitOK,
			[]string{`^ok: the trace is a behavior of Checks \(2 steps\)$`}, "a trace may stop where the model could go on"},
		{"property", []string{"-set=Max=3", "-set=Prop=true"}, exitViolation,
			[]string{`^the trace is a behavior of Checks \(2 steps\)$`,
				`^violation: property Step \(.*replay_check_test.go:\d+\) is false for step 2: Inc, which leads to ITF state 2$`},
			"an action property of the last step was reported as ok"},
		{"invariant panics", []string{"-set=Max=3", "-set=Panic=invariant"}, exitViolation,
			[]string{`^violation: panic in ITF state 2, after step 2: invariant NonNegative panicked: invariant boom$`},
			"a panicking invariant crashed the driver with a goroutine dump"},
		{"invariant panics in the initial state", []string{"-set=Max=3", "-set=Panic=invariant", "-set=PanicAt=0"}, exitViolation,
			[]string{`^violation: panic in ITF state 0: invariant NonNegative panicked: invariant boom$`},
			"the initial state is checked first, with no step before it"},
		{"property panics", []string{"-set=Max=3", "-set=Panic=property"}, exitViolation,
			[]string{`^violation: panic for step 2: Inc, which leads to ITF state 2: property Step panicked: property boom$`},
			"the step whose property panicked"},
		{"effect panics", []string{"-set=Max=3", "-set=Panic=effect", "-set=PanicAt=1"}, exitViolation,
			[]string{`^  step 1: Inc: matches ITF state 1$`,
				`^violation: panic in step 2, matching ITF state 2 from ITF state 1: effect of Inc panicked: effect boom$`},
			"the effect runs while the step is matched"},
		{"guard panics while matching", []string{"-set=Max=3", "-set=Panic=guard", "-set=PanicAt=1"}, exitViolation,
			[]string{`^violation: panic in step 2, matching ITF state 2 from ITF state 1: guard of Inc panicked: guard boom$`},
			"the guard runs while the step is matched"},
		{"guard panics in the deadlock check", []string{"-set=Max=3", "-set=Panic=guard"}, exitViolation,
			[]string{`^violation: panic in ITF state 2, after step 2: guard of Inc panicked: guard boom$`},
			"the guards of the last state run to look for a deadlock"},
		{"terminal panics", []string{"-set=Terminal=true", "-set=Panic=terminal"}, exitViolation,
			[]string{`^violation: panic in ITF state 2, after step 2: terminal predicate panicked: terminal boom$`},
			"the terminal predicate runs when no action is enabled"},
		{"adapter follows into the violation", []string{"-set=Max=3", "-set=Prop=true", "-adapter=NewChecks", "-driver.adapterfunc=NewChecks"}, exitViolation,
			[]string{`^  step 2: Inc: the implementation agrees \(ITF state 2\)$`,
				`^violation: the implementation follows all 2 steps of the trace, to the model's property Step above$`},
			"the implementation has the model's bug: still a violation"},
		{"adapter before a panic", []string{"-set=Max=3", "-set=Panic=effect", "-set=PanicAt=1", "-adapter=NewChecks", "-driver.adapterfunc=NewChecks"}, exitViolation,
			[]string{`^driving the 1 step before it through the implementation \(NewChecks\):$`,
				`^ok: the implementation follows the trace's step$`},
			"the steps before the panic still run through the implementation"},
	}
	names := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || names[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		names[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runChecksReplay(t, two, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (%s); stdout:\n%s\nstderr:\n%s", code, tt.code, tt.reason, stdout, stderr)
			}
			for _, re := range tt.want {
				if !regexp.MustCompile("(?m)" + re).MatchString(stdout) {
					t.Errorf("stdout lacks %s (%s):\n%s", re, tt.reason, stdout)
				}
			}
			if tt.code != exitOK && strings.Contains(stdout, "ok: the trace") {
				t.Errorf("a violation says ok:\n%s", stdout)
			}
			if strings.Contains(stderr, "goroutine ") {
				t.Errorf("stderr has a goroutine dump:\n%s", stderr)
			}
		})
	}
}

// A panic's stack goes from the panic to the model's code that replay
// called, which the report shows (except frames of mbt's own packages,
// such as this test's model).
func TestCheckReplay_PanicStack(t *testing.T) {
	m, err := checks(checksConfig{Max: 3, Panic: "invariant", PanicAt: 1})
	if err != nil {
		t.Fatal(err)
	}
	v := checkReplay(m, []checksState{{0}, {1}}, []replayStep{{n: 1, step: model.Step{Action: "Inc"}, to: 1}}, false)
	if v == nil || v.kind.String() != "panic" || v.state != 1 || v.step != 1 {
		t.Fatalf("checkReplay = %+v, want a panic in state 1 after step 1", v)
	}
	lines := strings.Split(v.stack, "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[0], "github.com/mbtgo/mbt/internal/driver.checks.func1(") ||
		!strings.Contains(lines[1], "replay_check_test.go:") || strings.Contains(v.stack, "driver.checkReplay") {
		t.Errorf("stack does not go from the panic to the model's code:\n%s", v.stack)
	}
}

// runChecksReplay replays file on Checks.
func runChecksReplay(t *testing.T, file string, args ...string) (int, string, string) {
	t.Helper()
	var out, errs strings.Builder
	entries := []Entry{
		Register("Checks", checks),
		RegisterAdapter("NewChecks", func(testing.TB) any { return &checksImpl{} }),
	}
	all := append([]string{"-driver.command=replay", "-driver.trace=" + file, "-model=Checks"}, args...)
	code := run(context.Background(), all, &out, &errs, false, entries)
	return code, out.String(), errs.String()
}

// shapesState is the state of Shapes.tla (tlaimport/testdata/specs).
type shapesState struct {
	Slots []int               `tla:"slots"`
	Links map[[2]string]bool  `tla:"links"`
	Seen  map[string]struct{} `tla:"seen"`
	Used  map[[2]int]bool     `tla:"used"`
	Tags  map[string]int      `tla:"tags"`
	Cost  map[shapesCost]int  `tla:"cost"`
}

type shapesCost struct {
	Name string
	N    int
}

// shapes is Shapes.tla with N = 3 and Nodes = {n1, n2}.
//
// Reference: tlaimport/testdata/specs/Shapes.tla.
func shapes() (*model.Model[shapesState], error) {
	m := dsl.New[shapesState]("Shapes")
	init := shapesState{Slots: make([]int, 3), Links: map[[2]string]bool{}, Seen: map[string]struct{}{},
		Used: map[[2]int]bool{}, Tags: map[string]int{"x": 0, "y": 0}, Cost: map[shapesCost]int{}}
	for _, a := range []string{"n1", "n2"} {
		for _, b := range []string{"n1", "n2"} {
			init.Links[[2]string{a, b}] = false
		}
	}
	for _, name := range []string{"a", "b"} {
		for n := 1; n <= 2; n++ {
			init.Cost[shapesCost{name, n}] = 0
		}
	}
	m.Init(init)
	dsl.Action1(m, "Put", dsl.Range("i", 0, 2),
		func(s shapesState, i int) bool { return s.Slots[i] < 2 },
		func(s *shapesState, i int) { s.Used[[2]int{i, s.Slots[i]}] = true; s.Slots[i]++ })
	nodes := dsl.Values("a", "n1", "n2")
	dsl.Action2(m, "Link", nodes, dsl.Values("b", "n1", "n2"),
		func(s shapesState, a, b string) bool { return !s.Links[[2]string{a, b}] },
		func(s *shapesState, a, b string) {
			s.Links[[2]string{a, b}] = true
			s.Seen[a] = struct{}{}
			s.Tags["x"]++
			s.Cost[shapesCost{"a", 2}]++
		})
	m.Invariant("Small", func(s shapesState) bool { return !(len(s.Used) >= 2 && len(s.Seen) > 0) })
	return m.Build()
}

// Reference: Shapes.tla, TLC's counterexample for the invariant Small. Its
// -dumpTrace json writes a function over 0..N-1, functions keyed by tuples
// and sets as JSON objects and arrays; it replays as the text output does.
func TestReplay_TLCJSONShapes(t *testing.T) {
	for _, file := range []string{"Shapes.out.txt", "Shapes.trace.json"} {
		t.Run(file, func(t *testing.T) {
			var out, errs strings.Builder
			path := filepath.Join("..", "..", "tlaimport", "testdata", "decode", file)
			code := run(context.Background(), []string{"-driver.command=replay", "-driver.trace=" + path}, &out, &errs, false,
				[]Entry{RegisterNoConfig("Shapes", shapes)})
			stdout := out.String()
			if code != exitViolation {
				t.Fatalf("exit code %d, want 1; stdout:\n%s\nstderr:\n%s", code, stdout, errs.String())
			}
			for _, re := range []string{
				`^  step 2: Put\(0\): matches TLC state 3$`,
				`^  step 3: Link\("n1", "n1"\): matches TLC state 4$`,
				`^the trace is a behavior of Shapes \(3 steps\)$`,
				`^violation: invariant Small \(.*replay_check_test.go:\d+\) is false in TLC state 4, after step 3`,
			} {
				if !regexp.MustCompile("(?m)" + re).MatchString(stdout) {
					t.Errorf("stdout lacks %s:\n%s", re, stdout)
				}
			}
		})
	}
}
