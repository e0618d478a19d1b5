package model_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/examples/twophase"
	"github.com/mbtgo/mbt/model"
)

func twoPhase(t *testing.T, rm int) (*model.Model[twophase.State], model.Machine) {
	t.Helper()
	m, err := twophase.Model(twophase.Config{RM: rm})
	if err != nil {
		t.Fatal(err)
	}
	return m, m.Erase()
}

func TestErase_Describe(t *testing.T) {
	_, mc := twoPhase(t, 2)
	if got := mc.Name(); got != "TwoPhase" {
		t.Errorf("Name() = %q, want TwoPhase", got)
	}
	if got, want := mc.StateType(), reflect.TypeFor[twophase.State](); got != want {
		t.Errorf("StateType() = %v, want %v", got, want)
	}
	var names []string
	for _, a := range mc.Actions() {
		names = append(names, a.Name)
		if a.Pos.File == "" || !strings.HasSuffix(a.Pos.File, "twophase.go") {
			t.Errorf("action %s: Pos = %v, want a line of twophase.go", a.Name, a.Pos)
		}
	}
	want := []string{"TMRcvPrepared", "TMCommit", "TMAbort", "RMPrepare", "RMChooseToAbort", "RMRcvCommitMsg", "RMRcvAbortMsg"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("Actions() names mismatch (-want +got):\n%s", d)
	}
	wantParams := []model.Param{{Name: "r", Type: "int", Values: []any{0, 1}, Invalid: []any{-1, 2}}}
	if d := cmp.Diff(wantParams, mc.Actions()[0].Params); d != "" {
		t.Errorf("Actions()[0].Params mismatch (-want +got):\n%s", d)
	}
	if mc.Actions()[1].Params != nil {
		t.Errorf("TMCommit has parameters %v, want none", mc.Actions()[1].Params)
	}
}

func initState(rm int) twophase.State {
	return twophase.State{
		RMState:    make([]twophase.RMState, rm),
		TMState:    twophase.TMInit,
		TMPrepared: make([]bool, rm),
		Msgs:       twophase.Msgs{Prepared: make([]bool, rm)},
	}
}

func working(rm int) twophase.State {
	s := initState(rm)
	for i := range s.RMState {
		s.RMState[i] = twophase.Working
	}
	return s
}

func TestErase_InitStatesAreCopies(t *testing.T) {
	m, mc := twoPhase(t, 2)
	inits := mc.InitStates()
	if len(inits) != 1 {
		t.Fatalf("InitStates() has %d states, want 1", len(inits))
	}
	if d := cmp.Diff(working(2), inits[0]); d != "" {
		t.Errorf("InitStates()[0] mismatch (-want +got):\n%s", d)
	}
	inits[0].(twophase.State).RMState[0] = twophase.Aborted
	if m.Init[0].RMState[0] != twophase.Working {
		t.Errorf("changing a state from InitStates() changed the model's Init")
	}
}

func TestErase_Successors(t *testing.T) {
	_, mc := twoPhase(t, 2)
	s0 := working(2)
	got := mc.Successors(s0)

	prepared := func(r int) twophase.State {
		s := working(2)
		s.RMState[r] = twophase.Prepared
		s.Msgs.Prepared[r] = true
		return s
	}
	aborted := func(r int) twophase.State {
		s := working(2)
		s.RMState[r] = twophase.Aborted
		return s
	}
	tmAbort := working(2)
	tmAbort.TMState, tmAbort.Msgs.Abort = twophase.TMAborted, true
	// In action then argument order; TMRcvPrepared, TMCommit and the
	// message receipts are disabled in the initial state.
	want := []model.Transition{
		{Step: model.Step{Action: "TMAbort"}, Next: tmAbort},
		{Step: model.Step{Action: "RMPrepare", Args: []any{0}}, Next: prepared(0)},
		{Step: model.Step{Action: "RMPrepare", Args: []any{1}}, Next: prepared(1)},
		{Step: model.Step{Action: "RMChooseToAbort", Args: []any{0}}, Next: aborted(0)},
		{Step: model.Step{Action: "RMChooseToAbort", Args: []any{1}}, Next: aborted(1)},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Successors(init) mismatch (-want +got):\n%s", d)
	}
	if d := cmp.Diff(working(2), s0); d != "" {
		t.Errorf("Successors changed the state it was given (-want +got):\n%s", d)
	}
}

func TestErase_Enabled(t *testing.T) {
	_, mc := twoPhase(t, 2)
	s := working(2)
	tests := []struct {
		name    string
		step    model.Step
		want    bool
		wantErr string
		reason  string
	}{
		{"enabled", model.Step{Action: "RMPrepare", Args: []any{1}}, true, "", "every RM is working"},
		{"disabled", model.Step{Action: "TMCommit"}, false, "", "no RM is prepared"},
		{"disabled_arg", model.Step{Action: "TMRcvPrepared", Args: []any{0}}, false, "", "no Prepared message yet"},
		{"unknown_action", model.Step{Action: "Nope"}, false, `no action "Nope"`, "the step names no action"},
		{"too_many_args", model.Step{Action: "TMAbort", Args: []any{1}}, false, "takes 0 arguments, got 1", "TMAbort has no parameter"},
		{"too_few_args", model.Step{Action: "RMPrepare"}, false, "takes 1 argument, got 0", "RMPrepare needs r"},
		{"outside_domain", model.Step{Action: "RMPrepare", Args: []any{2}}, false, "not in its domain", "r ranges over 0..1"},
		{"wrong_type", model.Step{Action: "RMPrepare", Args: []any{"0"}}, false, "not in its domain", "a string is no int"},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		got, err := mc.Enabled(s, tt.step)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: Enabled(%v) error = %v, want one containing %q (%s)", tt.name, tt.step, err, tt.wantErr, tt.reason)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: Enabled(%v) = %v, %v; want %v (%s)", tt.name, tt.step, got, err, tt.want, tt.reason)
		}
	}
}

func TestErase_Apply(t *testing.T) {
	_, mc := twoPhase(t, 3)
	s := working(3)
	next, out, err := mc.Apply(s, model.Step{Action: "RMPrepare", Args: []any{2}})
	if err != nil {
		t.Fatal(err)
	}
	want := working(3)
	want.RMState[2], want.Msgs.Prepared[2] = twophase.Prepared, true
	if d := cmp.Diff(want, next); d != "" {
		t.Errorf("Apply(RMPrepare(2)) state mismatch (-want +got):\n%s", d)
	}
	if d := cmp.Diff(model.Step{Action: "RMPrepare", Args: []any{2}}, out); d != "" {
		t.Errorf("Apply(RMPrepare(2)) step mismatch (-want +got):\n%s", d)
	}
	if d := cmp.Diff(working(3), s); d != "" {
		t.Errorf("Apply changed the state it was given (-want +got):\n%s", d)
	}

	// Apply does not check the guard: a disabled step still has an effect.
	next, _, err = mc.Apply(s, model.Step{Action: "RMRcvCommitMsg", Args: []any{0}})
	if err != nil {
		t.Fatal(err)
	}
	if got := next.(twophase.State).RMState[0]; got != twophase.Committed {
		t.Errorf("Apply(disabled RMRcvCommitMsg(0)): RM 0 is %v, want committed", got)
	}

	for _, bad := range []model.Step{
		{Action: "RMPrepare", Args: []any{3}},
		{Action: "RMPrepare", Args: []any{-1}},
		{Action: "Commit"},
	} {
		if next, _, err := mc.Apply(s, bad); err == nil {
			t.Errorf("Apply(%v) = %v, nil error; want an error: the step is not in the model", bad, next)
		}
	}
}

func TestErase_Check(t *testing.T) {
	_, mc := twoPhase(t, 2)
	if got := mc.Check(working(2)); len(got) != 0 {
		t.Errorf("Check(init) = %v, want no violated invariant", got)
	}
	bad := working(2)
	bad.RMState[0], bad.RMState[1] = twophase.Committed, twophase.Aborted
	if d := cmp.Diff([]string{"Consistent"}, mc.Check(bad)); d != "" {
		t.Errorf("Check(committed+aborted) mismatch (-want +got):\n%s", d)
	}
}

func TestErase_FingerprintAndView(t *testing.T) {
	m, mc := twoPhase(t, 2)
	a, b := working(2), working(2)
	if mc.Fingerprint(a) != mc.Fingerprint(b) {
		t.Errorf("equal states have different fingerprints")
	}
	want := m.Fingerprint(&a)
	if got := mc.Fingerprint(a); got != want {
		t.Errorf("Fingerprint() = %#x, want the codec's %#x", got, want)
	}
	b.TMState = twophase.TMAborted
	if mc.Fingerprint(a) == mc.Fingerprint(b) {
		t.Errorf("different states have equal fingerprints")
	}
	if d := cmp.Diff(any(a), mc.View(a)); d != "" {
		t.Errorf("View() without a model View is the state (-want +got):\n%s", d)
	}
}

type account struct {
	Balance int
	Log     []string
}

func bank(t *testing.T) model.Machine {
	t.Helper()
	m := dsl.New[account]("Bank")
	m.Init(account{})
	dsl.Action1(m, "Deposit", dsl.Values("amt", 1, 5),
		nil,
		func(s *account, amt int) { s.Balance += amt; s.Log = append(s.Log, "deposit") }).
		Returns(func(s account, amt int) any { return s.Balance + amt })
	dsl.Action1(m, "Withdraw", dsl.Values("amt", 1, 5),
		func(s account, amt int) bool { return s.Balance >= amt },
		func(s *account, amt int) { s.Balance -= amt })
	m.View(func(s account) any { return s.Balance })
	m.Invariant("NonNegative", func(s account) bool { return s.Balance >= 0 })
	return m.MustBuild().Erase()
}

func TestErase_OutputsAndView(t *testing.T) {
	mc := bank(t)
	s := account{Balance: 3, Log: []string{"x"}}
	got := mc.Successors(s)
	want := []model.Transition{
		{Step: model.Step{Action: "Deposit", Args: []any{1}, Output: 4}, Next: account{4, []string{"x", "deposit"}}},
		{Step: model.Step{Action: "Deposit", Args: []any{5}, Output: 8}, Next: account{8, []string{"x", "deposit"}}},
		{Step: model.Step{Action: "Withdraw", Args: []any{1}}, Next: account{2, []string{"x"}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Successors() mismatch (-want +got):\n%s", d)
	}
	if s.Log[0] != "x" || len(s.Log) != 1 {
		t.Errorf("Successors changed the state's log: %v", s.Log)
	}
	_, out, err := mc.Apply(s, model.Step{Action: "Deposit", Args: []any{5}})
	if err != nil || out.Output != 8 {
		t.Errorf("Apply(Deposit(5)) output = %v, %v; want 8 (computed from the state before)", out.Output, err)
	}
	if ok, err := mc.Enabled(s, model.Step{Action: "Withdraw", Args: []any{5}}); ok || err != nil {
		t.Errorf("Enabled(Withdraw(5)) at balance 3 = %v, %v; want false", ok, err)
	}
	if got := mc.View(s); got != 3 {
		t.Errorf("View() = %v, want the balance 3", got)
	}
	if got := mc.Check(account{Balance: -1}); !cmp.Equal(got, []string{"NonNegative"}) {
		t.Errorf("Check(-1) = %v, want [NonNegative]", got)
	}
}

func TestErase_WrongStateTypePanics(t *testing.T) {
	_, mc := twoPhase(t, 2)
	defer func() {
		v := recover()
		if v == nil || !strings.Contains(v.(string), "twophase.State") {
			t.Errorf("Successors(wrong type): recovered %v, want a panic naming the state type", v)
		}
	}()
	mc.Successors(account{})
}

func TestAction_ArgsAndLabel(t *testing.T) {
	a := &model.Action[account]{
		Name: "Transfer",
		Params: []model.Param{
			{Name: "from", Values: []any{"a", "b"}},
			{Name: "to", Values: []any{"a", "b", "c"}},
			{Name: "amt", Values: []any{1, 2}},
		},
		Choices: 12,
	}
	tests := []struct {
		choice    int
		want      []any
		wantLabel string
	}{
		{0, []any{"a", "a", 1}, `Transfer("a", "a", 1)`},
		{1, []any{"a", "a", 2}, `Transfer("a", "a", 2)`},
		{2, []any{"a", "b", 1}, `Transfer("a", "b", 1)`},
		{5, []any{"a", "c", 2}, `Transfer("a", "c", 2)`},
		{6, []any{"b", "a", 1}, `Transfer("b", "a", 1)`},
		{11, []any{"b", "c", 2}, `Transfer("b", "c", 2)`},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, a.Args(tt.choice)); d != "" {
			t.Errorf("Args(%d) mismatch, the last parameter varies fastest (-want +got):\n%s", tt.choice, d)
		}
		if got := a.Label(tt.choice); got != tt.wantLabel {
			t.Errorf("Label(%d) = %s, want %s", tt.choice, got, tt.wantLabel)
		}
	}
	none := &model.Action[account]{Name: "Tick", Choices: 1}
	if got := none.Args(0); got != nil {
		t.Errorf("Args(0) without parameters = %v, want nil", got)
	}
	if got := none.Label(0); got != "Tick" {
		t.Errorf("Label(0) = %q, want Tick", got)
	}
}

func TestModel_Lookups(t *testing.T) {
	m, _ := twoPhase(t, 2)
	if a := m.Action("TMCommit"); a == nil || a.Name != "TMCommit" {
		t.Errorf("Action(TMCommit) = %v", a)
	}
	if a := m.Action("Nope"); a != nil {
		t.Errorf("Action(Nope) = %v, want nil", a)
	}
	if got := (model.Pos{}).String(); got != "" {
		t.Errorf("Pos{}.String() = %q, want empty", got)
	}
	if got := (model.Pos{File: "a.go", Line: 3}).String(); got != "a.go:3" {
		t.Errorf("Pos.String() = %q, want a.go:3", got)
	}
	tr := model.Trace[int]{States: []int{0, 1}, Steps: []model.Step{{Action: "Inc"}}}
	if tr.Len() != 1 {
		t.Errorf("Trace.Len() = %d, want 1", tr.Len())
	}
}

// TestErase_MixedRadix checks that Enabled and Apply find the choice of a
// step with several arguments, the last varying fastest.
func TestErase_MixedRadix(t *testing.T) {
	type grid struct{ A, B, C int }
	m := dsl.New[grid]("Grid")
	m.Init(grid{})
	dsl.Action3(m, "Put", dsl.Values("a", 1, 2), dsl.Values("b", 10, 20, 30), dsl.Values("c", 100, 200),
		func(s grid, a, b, c int) bool { return a == 2 || c == 200 },
		func(s *grid, a, b, c int) { s.A, s.B, s.C = a, b, c })
	mc := m.MustBuild().Erase()
	for _, a := range []int{1, 2} {
		for _, b := range []int{10, 20, 30} {
			for _, c := range []int{100, 200} {
				step := model.Step{Action: "Put", Args: []any{a, b, c}}
				next, out, err := mc.Apply(grid{}, step)
				if err != nil {
					t.Fatalf("Apply(%v): %v", step, err)
				}
				if want := (grid{a, b, c}); next != want {
					t.Errorf("Apply(%v) = %+v, want %+v", step, next, want)
				}
				if d := cmp.Diff(step, out); d != "" {
					t.Errorf("Apply(%v) step mismatch (-want +got):\n%s", step, d)
				}
				ok, err := mc.Enabled(grid{}, step)
				if want := a == 2 || c == 200; ok != want || err != nil {
					t.Errorf("Enabled(%v) = %v, %v; want %v", step, ok, err, want)
				}
			}
		}
	}
	if _, _, err := mc.Apply(grid{}, model.Step{Action: "Put", Args: []any{1, 40, 100}}); err == nil {
		t.Errorf("Apply(Put(1, 40, 100)) = nil error; 40 is outside b's domain")
	}
}

// checkTable rejects a table case without a reason or with a repeated name.
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
