package driver

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/examples/twophase"
	"github.com/mbtgo/mbt/model"
	"github.com/mbtgo/mbt/tlaimport"
)

type tallyState struct {
	N int `tla:"n"`
}

type tallyConfig struct {
	Max int `default:"3"`
}

// tally adds 1 or 2 up to Max, and clears.
func tally(c tallyConfig) (*model.Model[tallyState], error) {
	m := dsl.New[tallyState]("Tally")
	m.Init(tallyState{})
	dsl.Action1(m, "Add", dsl.Range("k", 1, 2),
		func(s tallyState, k int) bool { return s.N+k <= c.Max },
		func(s *tallyState, k int) { s.N += k })
	m.Action("Clear", nil, func(s *tallyState) { s.N = 0 })
	return m.Build()
}

// tallyImpl is an implementation of Tally; lax accepts one more than Max.
type tallyImpl struct {
	n   int
	lax bool
	max int
}

func (a *tallyImpl) Reset(context.Context) error { a.n = 0; return nil }
func (a *tallyImpl) View(context.Context) (tallyState, error) {
	return tallyState{a.n}, nil
}
func (a *tallyImpl) Add(_ context.Context, k int) error {
	limit := a.max
	if a.lax {
		limit++
	}
	if a.n+k > limit {
		return errors.New("full")
	}
	a.n += k
	return nil
}
func (a *tallyImpl) Clear(context.Context) error { a.n = 0; return nil }

// runReplay runs the driver's replay of file with args.
func runReplay(t *testing.T, file string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	entries := []Entry{
		Register("Model", twophase.Model),
		Register("Tally", tally),
		RegisterAdapter("NewTally", func(t testing.TB) any { return &tallyImpl{max: 3} }),
		RegisterAdapter("NewLaxTally", func(t testing.TB) any { return &tallyImpl{max: 3, lax: true} }),
		RegisterAdapter("NewFailing", func(t testing.TB) any {
			t.Helper()
			t.Fatalf("no server")
			return nil
		}),
		RegisterAdapter("NewCleaned", func(t testing.TB) any {
			t.Cleanup(func() { t.Logf("cleaned up") })
			return &tallyImpl{max: 3}
		}),
	}
	all := append([]string{"-driver.command=replay", "-driver.trace=" + file}, args...)
	code = run(context.Background(), all, &out, &errs, false, entries)
	return code, out.String(), errs.String()
}

// writeTallyTrace writes an ITF trace of Tally with the given steps.
func writeTallyTrace(t *testing.T, steps ...model.Step) string {
	t.Helper()
	m, err := tally(tallyConfig{Max: 4})
	if err != nil {
		t.Fatal(err)
	}
	tr := model.Trace[tallyState]{States: []tallyState{m.Init[0]}}
	mach := m.Erase()
	cur := any(m.Init[0])
	for _, s := range steps {
		next, _, err := mach.Apply(cur, s)
		if err != nil {
			t.Fatal(err)
		}
		tr.States = append(tr.States, next.(tallyState))
		tr.Steps = append(tr.Steps, s)
		cur = next
	}
	enc, err := tlaimport.EncodeTrace(m, tr)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tlaimport.WriteITF(&buf, enc); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "tally.itf.json")
	if err := os.WriteFile(file, buf.Bytes(), 0o666); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestReplay_TwoPhase(t *testing.T) {
	file := filepath.Join("..", "..", "tlaimport", "testdata", "decode", "TwoPhase.trace.json")
	// The trace is a behavior of the buggy model, and its last state
	// violates the model's invariant, as TLC found: a violation, exit 1.
	code, stdout, stderr := runReplay(t, file, "-model=Model", "-set=Buggy=true")
	if code != exitViolation {
		t.Fatalf("Buggy=true: exit code %d, want 1; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "ok:") {
		t.Errorf("Buggy=true: stdout says ok:\n%s", stdout)
	}
	for _, re := range []string{
		`(?m)^replaying .*TwoPhase.trace.json \(tlc-json, 8 states\) on TwoPhase \(twophase.Model, RM=3 Buggy=true\)$`,
		`(?m)^  TLC state 1: initial state 1 of TwoPhase$`,
		`(?m)^  step 3: RMPrepare\(1\): matches TLC state 4$`,
		`(?m)^  step 5: TMCommit: matches TLC state 6$`,
		`(?m)^the trace is a behavior of TwoPhase \(7 steps\)$`,
		`(?m)^violation: invariant Consistent \(.*twophase.go:\d+\) is false in TLC state 8, after step 7$`,
	} {
		if !regexp.MustCompile(re).MatchString(stdout) {
			t.Errorf("stdout lacks %s:\n%s", re, stdout)
		}
	}

	code, stdout, _ = runReplay(t, file, "-model=Model")
	if code != exitViolation {
		t.Fatalf("Buggy=false: exit code %d, want 1; stdout:\n%s", code, stdout)
	}
	for _, s := range []string{
		"  step 4: TMRcvPrepared(1): matches TLC state 5\nFAIL: TLC state 6 is not a step of TwoPhase from TLC state 5:\n",
		"\tTMCommit is not enabled in state 5: its guard is false (its effect would lead to state 6)\n",
	} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}
}

func TestReplay_Adapter(t *testing.T) {
	ok := writeTallyTrace(t, model.Step{Action: "Add", Args: []any{2}}, model.Step{Action: "Add", Args: []any{1}}, model.Step{Action: "Clear"})
	code, stdout, stderr := runReplay(t, ok, "-model=Tally", "-adapter=NewTally", "-driver.adapterfunc=NewTally")
	if code != exitOK {
		t.Fatalf("exit code %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, s := range []string{
		"  step 2: Add(1): matches ITF state 2\n",
		"  step 3: Clear: the implementation agrees (ITF state 3)\n",
		"ok: the implementation follows all 3 steps of the trace\n",
	} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}

	// Tally with Max=4 reaches 4; the model with Max=3 does not, the lax
	// implementation does, and the strict one refuses.
	over := writeTallyTrace(t, model.Step{Action: "Add", Args: []any{2}}, model.Step{Action: "Add", Args: []any{2}})
	code, stdout, _ = runReplay(t, over, "-model=Tally", "-adapter=NewTally", "-driver.adapterfunc=NewTally")
	if code != exitViolation || !strings.Contains(stdout, "FAIL: ITF state 2 is not a step of Tally from ITF state 1:") ||
		!strings.Contains(stdout, "Add(2) is not enabled in state 1: its guard is false (its effect would lead to state 2)") ||
		!strings.Contains(stdout, "driving the 1 step before it through the implementation (NewTally):") {
		t.Errorf("Max=3: exit code %d; stdout:\n%s", code, stdout)
	}
	code, stdout, _ = runReplay(t, over, "-model=Tally", "-set=Max=4", "-adapter=NewTally", "-driver.adapterfunc=NewTally")
	if code != exitViolation || !strings.Contains(stdout, "  step 2: Add(2): the implementation DISAGREES (ITF state 2):\n\tthe implementation refused a step the model allows: full\n") {
		t.Errorf("Max=4, strict implementation: exit code %d; stdout:\n%s", code, stdout)
	}
	code, stdout, _ = runReplay(t, over, "-model=Tally", "-set=Max=4", "-adapter=NewLaxTally", "-driver.adapterfunc=NewLaxTally")
	if code != exitOK {
		t.Errorf("Max=4, lax implementation: exit code %d; stdout:\n%s", code, stdout)
	}

	code, _, stderr = runReplay(t, ok, "-model=Tally", "-adapter=NewFailing", "-driver.adapterfunc=NewFailing")
	if code != exitError || !strings.Contains(stderr, "mbt: NewFailing failed: no server") {
		t.Errorf("failing constructor: exit code %d; stderr:\n%s", code, stderr)
	}
	code, _, stderr = runReplay(t, ok, "-model=Tally", "-adapter=NewCleaned", "-driver.adapterfunc=NewCleaned")
	if code != exitOK || !strings.Contains(stderr, "Replay/Tally: cleaned up") {
		t.Errorf("Cleanup: exit code %d; stderr:\n%s", code, stderr)
	}
}

func TestReplay_Errors(t *testing.T) {
	ok := writeTallyTrace(t, model.Step{Action: "Add", Args: []any{1}})
	bad := filepath.Join(t.TempDir(), "bad.itf.json")
	os.WriteFile(bad, []byte(`{"vars": ["n"], "states": [{"n": "x"`), 0o666)
	tests := []struct {
		name   string
		file   string
		args   []string
		code   int
		stderr string
		reason string
	}{
		{"format", ok, []string{"-format=json"}, exitUsage, "-format json: want one of itf, tlc-json, tlc", "formats are checked"},
		{"trace number", ok, []string{"-model=Tally", "-trace=2"}, exitUsage, "-trace 2: ", "a file of one trace has no second"},
		{"missing file", "nope.json", []string{"-model=Tally"}, exitUsage, "nope.json", "a missing file is a usage error"},
		{"parse error", bad, []string{"-model=Tally"}, exitUsage, "bad.itf.json:1:", "parse errors are positioned"},
		{"no adapter", ok, []string{"-model=Tally", "-adapter=X", "-driver.adapterfunc=X"}, exitUsage, `this driver has no adapter "X"`, "the command registers the adapter"},
		{"no file", "", []string{"-model=Tally"}, exitUsage, "missing -driver.trace", "the command passes the file"},
	}
	for _, tt := range tests {
		if tt.reason == "" {
			t.Fatalf("%s: missing reason", tt.name)
		}
		code, _, stderr := runReplay(t, tt.file, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%s: exit code %d, want %d; stderr:\n%s\nwant %q", tt.name, code, tt.code, stderr, tt.stderr)
		}
	}
	// States that do not fit the state type: exit 1, with the position.
	twophaseTrace := filepath.Join("..", "..", "tlaimport", "testdata", "decode", "TwoPhase.trace.json")
	code, stdout, _ := runReplay(t, twophaseTrace, "-model=Tally")
	if code != exitViolation || !strings.Contains(stdout, "FAIL: the trace's states do not fit Tally's state type driver.tallyState:\n") ||
		!strings.Contains(stdout, "TwoPhase.trace.json:1:") || !strings.Contains(stdout, "state 1: no variable n for field N of struct (driver.tallyState)") {
		t.Errorf("wrong state type: exit code %d; stdout:\n%s", code, stdout)
	}
}

func TestExplore_ITF(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cex.itf.json")
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"-model=Counter", "-set=Max=2", "-set=Buggy=true", "-itf=" + file}, &out, &errs, false,
		[]Entry{Register("Counter", counter)})
	if code != exitViolation {
		t.Fatalf("exit code %d; stdout:\n%s\nstderr:\n%s", code, out.String(), errs.String())
	}
	if !strings.Contains(out.String(), "wrote the counterexample (invariant InRange, 4 states) to "+file) {
		t.Errorf("stdout:\n%s", out.String())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := tlaimport.ReadITF(file, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.States) != 4 || tr.States[3].Action == nil || tr.States[3].Action.Name != "Inc" {
		t.Errorf("read back: %d states, last action %+v", len(tr.States), tr.States[len(tr.States)-1].Action)
	}
	states, err := tlaimport.DecodeTrace[counterState](tr)
	if err != nil || states[3].N != 3 {
		t.Errorf("decoded: %+v, %v", states, err)
	}
}
