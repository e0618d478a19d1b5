package tlaimport_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/examples/bank"
	"github.com/mbtgo/mbt/examples/diehard"
	"github.com/mbtgo/mbt/examples/twophase"
	"github.com/mbtgo/mbt/model"
	"github.com/mbtgo/mbt/tlaimport"
)

// inferTrace decodes tr into m's states and infers its steps.
func inferTrace[S any](t *testing.T, m *model.Model[S], tr *tlaimport.Trace) (*tlaimport.Inference, error) {
	t.Helper()
	d := tlaimport.StateDecoder[S]{Template: &m.Init[0]}
	states, err := d.DecodeTrace(tr)
	if err != nil {
		t.Fatal(err)
	}
	return tlaimport.Infer(m, tr, states)
}

// stepStrings renders inferred steps, "-" for stuttering.
func stepStrings(inf *tlaimport.Inference) []string {
	var out []string
	for _, s := range inf.Steps {
		if s.Stutter {
			out = append(out, "-")
		} else {
			out = append(out, s.Step.String())
		}
	}
	return out
}

// Reference: TwoPhase.tla with Buggy = TRUE; TLC's counterexample
// (TwoPhase.trace.json) labels every step, and the model agrees.
func TestInfer_TwoPhaseBuggy(t *testing.T) {
	m, err := twophase.Model(twophase.Config{RM: 3, Buggy: true})
	if err != nil {
		t.Fatal(err)
	}
	tr := readDecodeTestdata(t, "TwoPhase.trace.json")
	inf, err := inferTrace(t, m, tr)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"RMPrepare(0)", "TMRcvPrepared(0)", "RMPrepare(1)", "TMRcvPrepared(1)", "TMCommit", "RMRcvCommitMsg(0)", "RMChooseToAbort(2)"}
	if d := cmp.Diff(want, stepStrings(inf)); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
	for _, s := range inf.Steps {
		if !s.Checked || s.Label == nil {
			t.Errorf("step to %d: not checked against the trace's label: %+v", s.To, s)
		}
	}
	if got := len(inf.ModelSteps()); got != 7 {
		t.Errorf("ModelSteps: %d steps, want 7", got)
	}

	// Without labels, the same steps are found.
	for i := range tr.States {
		tr.States[i].Action = nil
	}
	inf, err = inferTrace(t, m, tr)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, stepStrings(inf)); d != "" {
		t.Errorf("unlabeled steps (-want +got):\n%s", d)
	}
}

// Reference: TwoPhase.tla; TLC's text output names each action with its
// arguments (RMPrepare(r1)), which the model's int parameters take by the
// numbering rule.
func TestInfer_TwoPhaseTLCText(t *testing.T) {
	m, err := twophase.Model(twophase.Config{RM: 3, Buggy: true})
	if err != nil {
		t.Fatal(err)
	}
	inf, err := inferTrace(t, m, readDecodeTestdata(t, "TwoPhase.out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"RMPrepare(0)", "TMRcvPrepared(0)", "RMPrepare(1)", "TMRcvPrepared(1)", "TMCommit", "RMRcvCommitMsg(0)", "RMChooseToAbort(2)"}
	if d := cmp.Diff(want, stepStrings(inf)); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
	for _, s := range inf.Steps {
		if !s.Checked {
			t.Errorf("step to %d not checked: %+v", s.To, s)
		}
	}
	m, err = twophase.Model(twophase.Config{RM: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, err = inferTrace(t, m, readDecodeTestdata(t, "TwoPhase.out.txt"))
	if err == nil || !strings.HasPrefix(err.Error(), "TwoPhase.out.txt:") ||
		!strings.Contains(err.Error(), ": state 6: no step of TwoPhase leads from state 5 to state 6 (the trace's step: TMCommit)\n"+
			"\tTMCommit is not enabled in state 5: its guard is false (its effect would lead to state 6)") {
		t.Errorf("Buggy=false: got %v", err)
	}
}

// Reference: TwoPhase.tla with Buggy = FALSE: TMCommit needs every RM
// prepared, so TLC's buggy counterexample is not a behavior of it.
func TestInfer_TwoPhaseCorrectRejectsCommit(t *testing.T) {
	m, err := twophase.Model(twophase.Config{RM: 3})
	if err != nil {
		t.Fatal(err)
	}
	inf, err := inferTrace(t, m, readDecodeTestdata(t, "TwoPhase.trace.json"))
	var div *tlaimport.Divergence
	if !errors.As(err, &div) {
		t.Fatalf("got %v, want a *Divergence", err)
	}
	want := `TwoPhase.trace.json:1:4189: state 6: no step of TwoPhase leads from state 5 to state 6 (the trace's step: TMCommit)
	TMCommit is not enabled in state 5: its guard is false (its effect would lead to state 6)
	nearest steps of the model:
	  TMRcvPrepared(0): 2 differences
	    tmState: model "init", trace "committed"
	    msgs.Commit: model false, trace true
	  TMRcvPrepared(1): 2 differences
	    tmState: model "init", trace "committed"
	    msgs.Commit: model false, trace true
	  TMAbort: 3 differences
	    tmState: model "aborted", trace "committed"
	    msgs.Commit: model false, trace true
	    msgs.Abort: model true, trace false`
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
	if div.Index != 5 || len(inf.Steps) != 4 {
		t.Errorf("divergence at index %d after %d steps, want 5 after 4", div.Index, len(inf.Steps))
	}
}

// Reference: DieHard.tla; TLC's counterexample for NotSolved.
func TestInfer_DieHard(t *testing.T) {
	m, err := diehard.Model(diehard.Config{})
	if err != nil {
		t.Fatal(err)
	}
	tr := readDecodeTestdata(t, "DieHard.trace.json")
	inf, err := inferTrace(t, m, tr)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"FillBig", "BigToSmall", "EmptySmall", "BigToSmall", "FillBig", "BigToSmall"}
	if d := cmp.Diff(want, stepStrings(inf)); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}

	// A repeated state is stuttering; a label that names the wrong
	// action is caught, and the step that fits is named.
	tr.States = append(tr.States[:2:2], tr.States[1:]...)
	tr.States[2].Action = nil
	tr.States[3].Action = &tlaimport.Action{Name: "EmptyBig"}
	_, err = inferTrace(t, m, tr)
	wantErr := "DieHard.trace.json:1:1066: state 4: no step of DieHard leads from state 3 to state 4 (the trace's step: EmptyBig)\n" +
		"\tEmptyBig leads elsewhere: small: model 0, trace 3; big: model 0, trace 2\n" +
		"\tthe model reaches state 4 by BigToSmall instead"
	if err == nil || err.Error() != wantErr {
		t.Errorf("wrong label:\n got %v\nwant %s", err, wantErr)
	}
	tr.States[3].Action = nil
	inf, err = inferTrace(t, m, tr)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(append([]string{"FillBig", "-"}, want[1:]...), stepStrings(inf)); d != "" {
		t.Errorf("with a stuttering step (-want +got):\n%s", d)
	}
}

// Reference: specs/bank.qnt starts alice at 10 and bob at 5; bank's model
// starts every account at 0.
func TestInfer_NotAnInitialState(t *testing.T) {
	m, err := bank.Model(bank.Config{Accounts: 2, Max: 3, MaxAmount: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = inferTrace(t, m, readDecodeTestdata(t, "bank_ok_0.itf.json"))
	want := `bank_ok_0.itf.json:1:321: state 0: not an initial state of Bank
	nearest initial states of the model:
	  initial state 1: 4 differences
	    balances["a"]: model 0, trace has no such key
	    balances["alice"]: model has no such key, trace 10
	    balances["b"]: model 0, trace has no such key
	    balances["bob"]: model has no such key, trace 5`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

type boomState struct {
	N int `tla:"n"`
}

// boomModel counts up; its action Boom panics in its guard or effect
// (part) once n reaches 2.
func boomModel(part string) *model.Model[boomState] {
	m := dsl.New[boomState]("Boom")
	m.Init(boomState{})
	m.Action("Inc", func(s boomState) bool { return s.N < 5 }, func(s *boomState) { s.N++ })
	dsl.Action1(m, "Boom", dsl.Range("k", 1, 2),
		func(s boomState, k int) bool {
			if part == "guard" && s.N == 2 {
				panic("guard boom")
			}
			return s.N >= 2
		},
		func(s *boomState, k int) {
			xs := make([]int, 1)
			xs[k] = 1 // out of range: a runtime error
		})
	return m.MustBuild()
}

// A panic in the model's code while Infer tries the steps from a state is
// a *PanicError that names the state, the step and the code, with the
// stack from the panic to the model's code; the steps before it are kept.
func TestInfer_Panic(t *testing.T) {
	tr := &tlaimport.Trace{Format: "itf", File: "boom.itf.json", Loop: -1}
	for i := range 4 {
		tr.States = append(tr.States, tlaimport.State{Vars: map[string]tlaimport.Value{"n": tlaimport.IntValue(int64(i))},
			Pos: tlaimport.Pos{File: "boom.itf.json", Line: 10 + i, Col: 3}})
	}
	for _, tt := range []struct {
		part, want, reason string
	}{
		{"effect", "boom.itf.json:13:3: state 3: the effect of Boom(1) panicked while matching the step from state 2 to state 3: runtime error: index out of range [1] with length 1",
			"Boom is enabled at n = 2, and Infer tries every step that may lead to n = 3"},
		{"guard", "boom.itf.json:13:3: state 3: the guard of Boom(1) panicked while matching the step from state 2 to state 3: guard boom",
			"the guard panics at n = 2"},
	} {
		m := boomModel(tt.part)
		inf, err := inferTrace(t, m, tr)
		var pe *tlaimport.PanicError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: Infer error %v, want a *PanicError", tt.part, err)
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("%s (%s):\n got %s\nwant %s", tt.part, tt.reason, got, tt.want)
		}
		if pe.Part != tt.part || pe.Step.Action != "Boom" || pe.Index != 3 {
			t.Errorf("%s: %+v", tt.part, pe)
		}
		if !strings.Contains(pe.Stack, "infer_external_test.go") || strings.Contains(pe.Stack, "tlaimport.Infer") {
			t.Errorf("%s: stack does not go from the panic to the model's code:\n%s", tt.part, pe.Stack)
		}
		if d := cmp.Diff([]string{"Inc", "Inc"}, stepStrings(inf)); d != "" {
			t.Errorf("%s: steps before the panic (-want +got):\n%s", tt.part, d)
		}
	}
}
