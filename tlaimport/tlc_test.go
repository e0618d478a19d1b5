package tlaimport

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mbtgo/mbt/internal/golden"
	"pgregory.net/rapid"
)

// The golden files' -update flag is declared in itf_test.go.

// readTLCFile reads a file of the TLC corpus, naming it by its base name
// so that positions do not depend on the directory.
func readTLCFile(t testing.TB, file string) []*Trace {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	trs, err := ReadTLC(filepath.Base(file), strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("ReadTLC(%s): %v", file, err)
	}
	return trs
}

// tlcDump prints traces for golden files: every field ReadTLC fills in,
// values as Value.String prints them, with positions.
func tlcDump(trs []*Trace) string {
	if len(trs) == 0 {
		return "no traces\n"
	}
	var b strings.Builder
	for i, tr := range trs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "trace %d of %d\nformat: %s\nfile: %s\nviolation: %q\nvars: %s\n", i+1, len(trs), tr.Format, tr.File, tr.Violation, strings.Join(tr.Vars, ", "))
		switch {
		case tr.Loop >= 0:
			fmt.Fprintf(&b, "ends: back to state %d (Loop %d)\n", tr.Loop+1, tr.Loop)
		case tr.Stuttering:
			b.WriteString("ends: stuttering\n")
		default:
			b.WriteString("ends: finite\n")
		}
		for j, st := range tr.States {
			fmt.Fprintf(&b, "state %d at %s: %s\n", j+1, st.Pos, tlcDumpAction(st.Action))
			for _, name := range tr.Vars {
				v, ok := st.Vars[name]
				if !ok {
					fmt.Fprintf(&b, "  %s MISSING\n", name)
					continue
				}
				fmt.Fprintf(&b, "  %s = %s  (%s at %d:%d)\n", name, v, v.Kind, v.Pos.Line, v.Pos.Col)
			}
			if len(st.Vars) != len(tr.Vars) {
				fmt.Fprintf(&b, "  %d variables, want %d\n", len(st.Vars), len(tr.Vars))
			}
		}
	}
	return b.String()
}

func tlcDumpAction(a *Action) string {
	if a == nil {
		return "no action"
	}
	s := a.Name
	if s == "" {
		s = "unnamed"
	}
	if a.Args != nil {
		args := make([]string, len(a.Args))
		for i, v := range a.Args {
			args[i] = v.String()
		}
		s += "(" + strings.Join(args, ", ") + ")"
	}
	if a.Location != "" {
		s += " [" + a.Location + "]"
	}
	return s
}

func TestReadTLC_Golden(t *testing.T) {
	files, _ := filepath.Glob("testdata/tlc/*.out.txt")
	if len(files) < 8 {
		t.Fatalf("found %d TLC corpus files, want 8", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".out.txt")
		t.Run(name, func(t *testing.T) {
			got := tlcDump(readTLCFile(t, file))
			golden.Check(t, filepath.Join("testdata", "golden", "tlc", name+".golden"), []byte(got))
		})
	}
}

// tlcOne reads a corpus file that holds exactly one trace.
func tlcOne(t *testing.T, name string) *Trace {
	t.Helper()
	trs := readTLCFile(t, filepath.Join("testdata", "tlc", name))
	if len(trs) != 1 {
		t.Fatalf("%s: %d traces, want 1", name, len(trs))
	}
	return trs[0]
}

func actionNames(tr *Trace) []string {
	var out []string
	for _, st := range tr.States {
		if st.Action == nil {
			out = append(out, "-")
			continue
		}
		out = append(out, tlcDumpAction(&Action{Name: st.Action.Name, Args: st.Action.Args}))
	}
	return out
}

func mustParse(t *testing.T, s string) Value {
	t.Helper()
	v, err := ParseValue("want", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Reference: DieHard.tla, invariant NotSolved (big /= 4).
func TestReadTLC_DieHard(t *testing.T) {
	tr := tlcOne(t, "DieHard.out.txt")
	if len(tr.States) != 7 {
		t.Fatalf("%d states, want 7", len(tr.States))
	}
	if d := cmp.Diff([]string{"big", "small"}, tr.Vars); d != "" {
		t.Errorf("Vars (-want +got):\n%s", d)
	}
	want := []string{"-", "FillBig", "BigToSmall", "EmptySmall", "BigToSmall", "FillBig", "BigToSmall"}
	if d := cmp.Diff(want, actionNames(tr)); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
	last := tr.States[6]
	if !Equal(last.Vars["big"], IntValue(4)) || !Equal(last.Vars["small"], IntValue(3)) {
		t.Errorf("last state = %v, want big = 4, small = 3", last.Vars)
	}
	if tr.Violation != "Invariant NotSolved is violated." || tr.Loop != -1 || tr.Stuttering {
		t.Errorf("Violation %q, Loop %d, Stuttering %v", tr.Violation, tr.Loop, tr.Stuttering)
	}
	if got := tr.States[1].Action.Location; got != "line 19, col 15 to line 20, col 31 of module DieHard" {
		t.Errorf("Location = %q", got)
	}
	if got := tr.States[6].Pos.String(); got != "DieHard.out.txt:77:1" {
		t.Errorf("state 7 at %s, want DieHard.out.txt:77:1 (its header)", got)
	}
	if got := last.Vars["big"].Pos.String(); got != "DieHard.out.txt:78:10" {
		t.Errorf("big at %s, want DieHard.out.txt:78:10", got)
	}
}

// TestReadTLC_SameStates checks that -tool and -difftrace output give the
// same states as the plain output of the same run.
func TestReadTLC_SameStates(t *testing.T) {
	plain := tlcOne(t, "DieHard.out.txt")
	for _, name := range []string{"DieHard_tool.out.txt", "DieHard_difftrace.out.txt"} {
		tr := tlcOne(t, name)
		if d := cmp.Diff(plain.Vars, tr.Vars); d != "" {
			t.Errorf("%s: Vars (-plain +got):\n%s", name, d)
		}
		if d := cmp.Diff(actionNames(plain), actionNames(tr)); d != "" {
			t.Errorf("%s: actions (-plain +got):\n%s", name, d)
		}
		if len(tr.States) != len(plain.States) {
			t.Fatalf("%s: %d states, want %d", name, len(tr.States), len(plain.States))
		}
		for i := range tr.States {
			if !sameState(tr.States[i], plain.States[i]) {
				t.Errorf("%s: state %d = %v, want %v", name, i+1, tr.States[i].Vars, plain.States[i].Vars)
			}
		}
		if tr.Violation != plain.Violation || tr.Loop != plain.Loop {
			t.Errorf("%s: Violation %q Loop %d, want %q %d", name, tr.Violation, tr.Loop, plain.Violation, plain.Loop)
		}
	}
}

// Reference: TwoPhase.tla with Buggy = TRUE, invariant Consistent.
func TestReadTLC_TwoPhase(t *testing.T) {
	tr := tlcOne(t, "TwoPhase.out.txt")
	if len(tr.States) != 8 {
		t.Fatalf("%d states, want 8", len(tr.States))
	}
	want := []string{"-", "RMPrepare(r1)", "TMRcvPrepared(r1)", "RMPrepare(r2)", "TMRcvPrepared(r2)", "TMCommit", "RMRcvCommitMsg(r1)", "RMChooseToAbort(r3)"}
	if d := cmp.Diff(want, actionNames(tr)); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
	if a := tr.States[1].Action; a.Args[0].Kind != ModelValue || a.Args[0].Pos.String() != "TwoPhase.out.txt:56:21" {
		t.Errorf("RMPrepare's argument is %#v at %s, want model value r1 at 56:21", a.Args[0], a.Args[0].Pos)
	}
	last := tr.States[7]
	msgs := last.Vars["msgs"]
	wantMsgs := mustParse(t, `{[type |-> "Commit"], [type |-> "Prepared", rm |-> r1], [rm |-> r2, type |-> "Prepared"]}`)
	if !Equal(msgs, wantMsgs) || msgs.Kind != Set || msgs.Elems[1].Kind != Record {
		t.Errorf("msgs = %#v, want a set of records %s", msgs, wantMsgs)
	}
	// Records sort by field names (rm < type): the Commit message is last.
	if got := msgs.Elems[1].Pos.String() + " " + msgs.Elems[2].Pos.String(); got != "TwoPhase.out.txt:99:3 TwoPhase.out.txt:97:13" {
		t.Errorf("r2's Prepared message and the Commit message are at %s, want TwoPhase.out.txt:99:3 (a wrapped line) and 97:13", got)
	}
	rm := last.Vars["rmState"]
	if rm.Kind != Func || len(rm.Pairs) != 3 || rm.Pairs[0].Key.Kind != ModelValue {
		t.Fatalf("rmState = %#v, want a function over model values", rm)
	}
	if !Equal(rm, mustParse(t, `(r1 :> "committed" @@ r2 :> "prepared" @@ r3 :> "aborted")`)) {
		t.Errorf("rmState = %s", rm)
	}
	if d := cmp.Diff([]string{"msgs", "rmState", "tmState", "tmPrepared"}, tr.Vars); d != "" {
		t.Errorf("Vars in TLC's order (-want +got):\n%s", d)
	}
}

// Reference: Starvation.tla, property NoStarvation.
func TestReadTLC_Lasso(t *testing.T) {
	tr := tlcOne(t, "Starvation_lasso.out.txt")
	if len(tr.States) != 12 || tr.Loop != 9 || tr.Stuttering {
		t.Errorf("%d states, Loop %d, Stuttering %v; want 12, 9 (Back to state 10), false", len(tr.States), tr.Loop, tr.Stuttering)
	}
	if tr.Violation != "Temporal property NoStarvation was violated." {
		t.Errorf("Violation = %q", tr.Violation)
	}
	if a := tr.States[2].Action; a.Name != "Acquire" || !Equal(a.Args[0], IntValue(2)) {
		t.Errorf("state 3's action = %s", tlcDumpAction(a))
	}
}

// Reference: Starvation.tla with StarvationStutter.cfg, property
// EventuallyDone.
func TestReadTLC_Stuttering(t *testing.T) {
	tr := tlcOne(t, "Starvation_stuttering.out.txt")
	if len(tr.States) != 9 || tr.Loop != -1 || !tr.Stuttering {
		t.Errorf("%d states, Loop %d, Stuttering %v; want 9, -1, true", len(tr.States), tr.Loop, tr.Stuttering)
	}
}

// Reference: Clock.tla, one variable hr.
func TestReadTLC_OneVariable(t *testing.T) {
	tr := tlcOne(t, "Clock_lasso.out.txt")
	if d := cmp.Diff([]string{"hr"}, tr.Vars); d != "" {
		t.Errorf("Vars (-want +got):\n%s", d)
	}
	var hrs []string
	for _, st := range tr.States {
		hrs = append(hrs, st.Vars["hr"].String())
	}
	if d := cmp.Diff([]string{"1", "2", "3"}, hrs); d != "" {
		t.Errorf("hr (-want +got):\n%s", d)
	}
	if tr.Loop != 0 {
		t.Errorf("Loop = %d, want 0 (Back to state 1)", tr.Loop)
	}
}

func TestReadTLC_NoTrace(t *testing.T) {
	if trs := readTLCFile(t, "testdata/tlc/TwoPhaseOK.out.txt"); len(trs) != 0 {
		t.Errorf("TwoPhaseOK: %d traces, want none", len(trs))
	}
}

// tlcBrief prints traces on one line each, for the format table; withPos
// adds each state's line.
func tlcBrief(trs []*Trace, withPos bool) string {
	var b strings.Builder
	for _, tr := range trs {
		fmt.Fprintf(&b, "[%s] vars=%s", tr.Violation, strings.Join(tr.Vars, ","))
		for i, st := range tr.States {
			fmt.Fprintf(&b, " | %d", i+1)
			if st.Action != nil {
				a := *st.Action
				a.Location = ""
				b.WriteString(" " + tlcDumpAction(&a))
			}
			for _, name := range tr.Vars {
				fmt.Fprintf(&b, " %s=%s", name, st.Vars[name])
			}
			if withPos {
				fmt.Fprintf(&b, " @%d", st.Pos.Line)
			}
		}
		if tr.Loop >= 0 {
			fmt.Fprintf(&b, " | loop %d", tr.Loop)
		}
		if tr.Stuttering {
			b.WriteString(" | stuttering")
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// TestReadTLC_Formats covers what TLC prints in versions, modes and
// errors the corpus lacks.
func TestReadTLC_Formats(t *testing.T) {
	tests := []struct {
		name, src, want, reason string
	}{
		{"old labels",
			"Error: Invariant Inv is violated.\nError: The behavior up to this point is:\nState 1: <Initial predicate>\n/\\ x = 0\n\nState 2: <Inc line 7, col 8 to line 7, col 20 of module M>\n/\\ x = 1\n\n",
			"[Invariant Inv is violated.] vars=x | 1 x=0 @3 | 2 Inc x=1 @6",
			"TLC before 2023 printed no action arguments"},
		{"oldest labels",
			"State 1: <Initial predicate>\n/\\ x = 0\n\nState 2: <Action line 7, col 8 to line 7, col 20 of module M>\n/\\ x = 1\n\n",
			"[] vars=x | 1 x=0 @1 | 2 unnamed x=1 @4",
			"TLC before 2019 wrote the word Action instead of the name"},
		{"simulation labels",
			"Error: Invariant Inv is violated.\nError: The behavior up to this point is:\nState 1: <Init line 5, col 9 to line 5, col 14 of module M>\n/\\ x = 0\n\nState 2: <Next line 7, col 9 to line 7, col 20 of module M>\n/\\ x = 1\n\n",
			"[Invariant Inv is violated.] vars=x | 1 x=0 @3 | 2 Next x=1 @6",
			"simulation and old versions label states with Init and Next; the initial state gets no action"},
		{"no labels",
			"Error: Deadlock reached.\nError: The behavior up to this point is:\nState 1:\n/\\ x = 0\n\nState 2:\n/\\ x = 1\n\n",
			"[Deadlock reached.] vars=x | 1 x=0 @3 | 2 x=1 @6",
			"depth-first search prints states without labels"},
		{"uppercase STATE",
			"STATE 1:\n/\\ x = 0\n\nSTATE 2:\n/\\ x = 1\n\n",
			"[] vars=x | 1 x=0 @1 | 2 x=1 @4",
			"the oldest versions print STATE N:; a trace needs no error message"},
		{"label without location",
			"State 1: <Initial predicate>\n/\\ x = 0\n\nState 2: <Send(r1, [to |-> \"a)b\"])>\n/\\ x = 1\n\n",
			`[] vars=x | 1 x=0 @1 | 2 Send(r1, [to |-> "a)b"]) x=1 @4`,
			"arguments are values, even with ) inside a string"},
		{"several arguments",
			"State 1: <Initial predicate>\n/\\ x = 0\n\nState 2: <Move(1, <<2, 3>>, {}) line 1, col 1 to line 2, col 2 of module M>\n/\\ x = 1\n\n",
			"[] vars=x | 1 x=0 @1 | 2 Move(1, <<2, 3>>, {}) x=1 @4",
			"arguments are separated by commas"},
		{"initial state violation",
			"Error: Invariant TypeOK is violated by the initial state:\n/\\ x = -1\n/\\ y = {}\n\n",
			"[Invariant TypeOK is violated by the initial state.] vars=x,y | 1 x=-1 y={} @2",
			"TLC prints a violating initial state without a header"},
		{"assertion",
			"Error: The first argument of Assert evaluated to FALSE; the second argument was:\n\"x is negative\"\nError: The behavior up to this point is:\nState 1: <Initial predicate>\n/\\ x = 0\n\n",
			"[The first argument of Assert evaluated to FALSE; the second argument was:\n\"x is negative\"] vars=x | 1 x=0 @4",
			"multi-line error messages are kept whole"},
		{"older temporal",
			"Error: Temporal properties were violated.\n\nError: The following behavior constitutes a counter-example:\n\nState 1: <Initial predicate>\nx = 0\n\nState 2: Stuttering\n",
			"[Temporal properties were violated.] vars=x | 1 x=0 @5 | stuttering",
			"older liveness message; one variable without /\\"},
		{"action property",
			"Error: Action property Mono is violated.\nError: The behavior up to this point is:\nState 1: <Initial predicate>\n/\\ x = 1\n\nState 2: <Dec line 1, col 1 to line 1, col 9 of module M>\n/\\ x = 0\n\n",
			"[Action property Mono is violated.] vars=x | 1 x=1 @3 | 2 Dec x=0 @6",
			"action properties"},
		{"continue",
			"Error: Invariant A is violated.\nError: The behavior up to this point is:\nState 1: <Initial predicate>\n/\\ x = 0\n\nError: Invariant B is violated.\nError: The behavior up to this point is:\nState 1: <Initial predicate>\n/\\ x = 0\n\nState 2: <Inc line 1, col 1 to line 1, col 9 of module M>\n/\\ x = 1\n\n",
			"[Invariant A is violated.] vars=x | 1 x=0 @3\n[Invariant B is violated.] vars=x | 1 x=0 @8 | 2 Inc x=1 @11",
			"-continue prints a trace per violation"},
		{"old lasso",
			"State 1: <Initial predicate>\n/\\ x = 0\n\nState 2: <Inc line 1, col 1 to line 1, col 9 of module M>\n/\\ x = 1\n\nState 3: <Reset line 2, col 1 to line 2, col 9 of module M>\n/\\ x = 0\n\nBack to state 1\n",
			"[] vars=x | 1 x=0 @1 | 2 Inc x=1 @4 | loop 0",
			"old TLC printed the state it loops back to again, then Back to state K"},
		{"brief lasso",
			"State 1: <Initial predicate>\n/\\ x = 0\n\nState 2: <Inc line 1, col 1 to line 1, col 9 of module M>\n/\\ x = 1\n\n3: Back to state 2\n",
			"[] vars=x | 1 x=0 @1 | 2 Inc x=1 @4 | loop 1",
			"N: Back to state K loops to state K"},
		{"tool lasso",
			"@!@!@STARTMSG 2217:4 @!@!@\n1: <Initial predicate>\nhr = 1\n\n@!@!@ENDMSG 2217 @!@!@\n@!@!@STARTMSG 2217:4 @!@!@\n2: <Tick line 1, col 1 to line 1, col 9 of module Clock>\nhr = 2\n\n@!@!@ENDMSG 2217 @!@!@\n@!@!@STARTMSG 2122:4 @!@!@\n1: Back to state: <Tick line 1, col 1 to line 1, col 9 of module Clock>\n\n@!@!@ENDMSG 2122 @!@!@\n",
			"[] vars=hr | 1 hr=1 @2 | 2 Tick hr=2 @7 | loop 0",
			"-tool prints K: Back to state: <action>"},
		{"tool stuttering",
			"@!@!@STARTMSG 2116:1 @!@!@\nTemporal property Live was violated.\n\n@!@!@ENDMSG 2116 @!@!@\n@!@!@STARTMSG 2264:1 @!@!@\nThe following behavior constitutes a counter-example:\n\n@!@!@ENDMSG 2264 @!@!@\n@!@!@STARTMSG 2216:4 @!@!@\n1:\n/\\ x = 0\n\n@!@!@ENDMSG 2216 @!@!@\n@!@!@STARTMSG 2218:4 @!@!@\n2: Stuttering\n@!@!@ENDMSG 2218 @!@!@\n",
			"[Temporal property Live was violated.] vars=x | 1 x=0 @10 | stuttering",
			"-tool prints N: Stuttering, and unlabeled states as N:"},
		{"tool initial violation",
			"@!@!@STARTMSG 2107:1 @!@!@\nInvariant Inv is violated by the initial state:\n/\\ x = 0\n\n@!@!@ENDMSG 2107 @!@!@\n",
			"[Invariant Inv is violated by the initial state.] vars=x | 1 x=0 @3",
			"-tool frames the headerless initial state in the error message"},
		{"marker mid-line",
			"some Print output@!@!@STARTMSG 2217:4 @!@!@\n1: <Initial predicate>\n/\\ x = 0\n\n@!@!@ENDMSG 2217 @!@!@\n",
			"[] vars=x | 1 x=0 @2",
			"output that did not end its line runs into the next -tool marker"},
		{"crlf",
			"State 1: <Initial predicate>\r\n/\\ x = {1,\r\n  2}\r\n\r\nState 2: <A line 1, col 1 to line 1, col 2 of module M>\r\n/\\ x = {}\r\n\r\n",
			"[] vars=x | 1 x={1, 2} @1 | 2 A x={} @5",
			"Windows line ends"},
		{"difftrace",
			"State 1: <Initial predicate>\n/\\ a = 1\n/\\ b = 2\n/\\ c = 3\n\nState 2: <A line 1, col 1 to line 1, col 2 of module M>\n/\\ b = 20\n\nState 3: <B line 1, col 1 to line 1, col 2 of module M>\n/\\ c = 30\n/\\ a = 10\n\n",
			"[] vars=a,b,c | 1 a=1 b=2 c=3 @1 | 2 A a=1 b=20 c=3 @6 | 3 B a=10 b=20 c=30 @9",
			"-difftrace prints changed variables only, in any order"},
		{"value on next line",
			"State 1: <Initial predicate>\n/\\ x =\n  <<1, 2>>\n\n",
			"[] vars=x | 1 x=<<1, 2>> @1",
			"a value may start on the line after its name"},
		{"no trace",
			"Error: TLC threw an unexpected exception.\nThis was probably caused by an error in the spec or model.\n\nFinished in 00s at (2026-11-28 06:44:18)\n",
			"",
			"errors without a behavior give no trace"},
		{"empty", "", "", "empty output"},
	}
	names := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || names[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		names[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			trs, err := ReadTLC("t.out", strings.NewReader(tt.src))
			if err != nil {
				t.Fatalf("ReadTLC: %v (%s)", err, tt.reason)
			}
			if got := tlcBrief(trs, true); got != tt.want {
				t.Errorf("ReadTLC:\n got %s\nwant %s\n(%s)", got, tt.want, tt.reason)
			}
			for _, tr := range trs {
				if tr.Format != "tlc" || tr.File != "t.out" {
					t.Errorf("Format %q File %q", tr.Format, tr.File)
				}
			}
		})
	}
}

func TestReadTLC_Errors(t *testing.T) {
	const s1 = "State 1: <Initial predicate>\n/\\ x = 0\n/\\ small = 1\n\n"
	tests := []struct {
		name, src, want, reason string
	}{
		{"bad value", "State 1: <Initial predicate>\n/\\ x = {1, 2\n\n", `t.out:2:13: expected "," or "}", got end of value`, "value errors point into the file"},
		{"bad wrapped value", "State 1: <Initial predicate>\n/\\ x = {1,\n  2,\n  #}\n\n", "t.out:4:3: unexpected character '#'", "on the value's later lines too"},
		{"bad tool value", "@!@!@STARTMSG 2217:4 @!@!@\n1: <Initial predicate>\n/\\ x = <<1 2>>\n\n@!@!@ENDMSG 2217 @!@!@\n", `t.out:3:12: expected "," or ">>", got integer 2`, "in -tool mode too"},
		{"unknown variable", s1 + "State 2: <A line 1, col 1 to line 1, col 2 of module M>\n/\\ smal = 2\n\n", "t.out:6:4: state 2: unknown variable smal (did you mean small?)", "a later state names a variable state 1 lacks"},
		{"unknown variable no suggestion", s1 + "State 2:\n/\\ zzz = 2\n\n", "t.out:6:4: state 2: unknown variable zzz; state 1 has x, small", "no close name"},
		{"duplicate variable", "State 1: <Initial predicate>\n/\\ x = 0\n/\\ x = 1\n\n", "t.out:3:4: state 1: variable x appears twice (first at line 2)", "each variable once"},
		{"skipped state", s1 + "State 3: <A line 1, col 1 to line 1, col 2 of module M>\n/\\ x = 2\n\n", "t.out:5:1: state 3 follows state 1; want state 2", "states count up"},
		{"no state 1", "State 2: <A line 1, col 1 to line 1, col 2 of module M>\n/\\ x = 2\n\n", "t.out:1:1: state 2 does not follow a state 1", "a trace starts at state 1"},
		{"back too far", s1 + "Back to state 5: <A line 1, col 1 to line 1, col 2 of module M>\n", "t.out:5:1: Back to state 5, but the trace has states 1 to 1", "a lasso returns to a state of the trace"},
		{"back outside", "Back to state 1\n", "t.out:1:1: Back to state 1 outside a trace", "no trace to loop"},
		{"stuttering misplaced", s1 + "State 3: Stuttering\n", "t.out:5:1: state 3: Stuttering must follow state 2 of a trace", "stuttering is the state after the last"},
		{"bad label", "State 1: <Initial predicate>\n/\\ x = 0\n\nState 2: Foo\n", `t.out:4:10: expected <action>, Stuttering or Back to state after "State 2:", got "Foo"`, "labels are in angle brackets"},
		{"bad args", s1 + "State 2: <A(1,) line 1, col 1 to line 1, col 2 of module M>\n/\\ x = 2\n\n", `t.out:5:15: expected a value, got end of value`, "arguments are values"},
		{"unclosed args", s1 + "State 2: <A(1 line 1, col 1 to line 1, col 2 of module M>\n/\\ x = 2\n\n", `t.out:5:14: expected ")" after the arguments of A`, "arguments end with )"},
		{"no action name", s1 + "State 2: <(1) line 1, col 1 to line 1, col 2 of module M>\n/\\ x = 2\n\n", `t.out:5:11: expected an action name, got "(1) line 1, col 1 to line 1, col 2 of module M"`, "an action has a name"},
		{"bad var line", "State 1: <Initial predicate>\n/\\ x := 1\n\n", `t.out:2:4: state 1: expected "/\ variable = value", got "/\\ x := 1"`, "conjuncts are var = value"},
		{"bad var name", "State 1: <Initial predicate>\n/\\ x.y = 1\n\n", `t.out:2:4: state 1: expected a variable name, got "x.y"`, "variable names are identifiers"},
		{"bad single var", "State 1: <Initial predicate>\nhello world\n\n", `t.out:2:1: state 1: expected "/\ variable = value" or "variable = value", got "hello world"`, "a one-variable state is var = value"},
		{"bad tool header", "@!@!@STARTMSG 2217:4 @!@!@\nxyz\n@!@!@ENDMSG 2217 @!@!@\n", `t.out:2:1: expected a state header "N: <action>", got "xyz"`, "-tool state messages start with N:"},
		{"two errors", "State 1: <Initial predicate>\n/\\ x = {\n/\\ y = }\n\n", "2 problems:\n\tt.out:2:9: expected a value or \"}\", got end of value\n\tt.out:3:8: unexpected \"}\" after the value", "every problem is reported, in order"},
		{"deep", "State 1: <Initial predicate>\n/\\ x = " + strings.Repeat("<<", 1001) + "\n\n", "t.out:2:2008: value is nested more than 1000 levels deep", "absurd nesting is refused"},
		{"long line", "State 1: <Initial predicate>\n/\\ x = \"" + strings.Repeat("a", 16<<20) + "\"\n", "t.out:2:1: line is longer than 16 MiB", "absurd lines are refused"},
	}
	names := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || names[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		names[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			trs, err := ReadTLC("t.out", strings.NewReader(tt.src))
			if err == nil {
				t.Fatalf("ReadTLC() = %s, want error %s (%s)", tlcBrief(trs, true), tt.want, tt.reason)
			}
			if err.Error() != tt.want {
				t.Errorf("ReadTLC() error:\n got %s\nwant %s\n(%s)", err, tt.want, tt.reason)
			}
			if errs := readerErrors(err); len(errs) == 0 || errs[0].Pos.File != "t.out" {
				t.Errorf("error %T is not a list of positioned errors", err)
			}
		})
	}
}

func TestReadTLC_TooManyErrors(t *testing.T) {
	src := "State 1: <Initial predicate>\n" + strings.Repeat("/\\ x = #\n", 50) + "\n"
	_, err := ReadTLC("t.out", strings.NewReader(src))
	if len(readerErrors(err)) != maxTLCErrors {
		t.Errorf("ReadTLC() = %v, want %d errors", err, maxTLCErrors)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadTLC_ReadError(t *testing.T) {
	_, err := ReadTLC("t.out", failingReader{})
	if err == nil || err.Error() != "read t.out: disk on fire" {
		t.Errorf("ReadTLC() error = %v, want read t.out: disk on fire", err)
	}
}

// tlcMode is how tlcWrite prints a trace.
type tlcMode struct {
	tool, diff, wrap bool
}

// tlcWrite prints traces as TLC does, for round trips through ReadTLC.
func tlcWrite(trs []*Trace, m tlcMode) string {
	var b strings.Builder
	msg := func(code, class int, body string) {
		if m.tool {
			fmt.Fprintf(&b, "@!@!@STARTMSG %d:%d @!@!@\n%s\n@!@!@ENDMSG %d @!@!@\n", code, class, body, code)
			return
		}
		switch class {
		case classError:
			body = "Error: " + body
		case classState:
			body = "State " + body
		}
		if code == codeBackToState {
			body = strings.TrimPrefix(body, "State ")
		}
		b.WriteString(body + "\n")
	}
	b.WriteString("TLC2 Version 2.18\n")
	for _, tr := range trs {
		msg(2110, classError, tr.Violation)
		msg(2121, classError, "The behavior up to this point is:")
		for i, st := range tr.States {
			label := "<Initial predicate>"
			if a := st.Action; a != nil {
				name := a.Name
				if name == "" {
					name = "Action" // as TLC before 2019
				}
				label = "<" + name
				if a.Args != nil {
					var args []string
					for _, v := range a.Args {
						args = append(args, v.String())
					}
					label += "(" + strings.Join(args, ", ") + ")"
				}
				if a.Location != "" {
					label += " " + a.Location
				}
				label += ">"
			}
			var body strings.Builder
			for _, name := range tr.Vars {
				v := st.Vars[name]
				if m.diff && i > 0 && Equal(v, tr.States[i-1].Vars[name]) && v.String() == tr.States[i-1].Vars[name].String() {
					continue
				}
				s := v.String()
				if m.wrap {
					s = tlcWrap(s)
				}
				if len(tr.Vars) == 1 {
					fmt.Fprintf(&body, "%s = %s\n", name, s)
				} else {
					fmt.Fprintf(&body, "/\\ %s = %s\n", name, s)
				}
			}
			msg(2217, classState, fmt.Sprintf("%d: %s\n%s", i+1, label, body.String()))
		}
		switch {
		case tr.Loop >= 0 && m.tool:
			msg(codeBackToState, classState, fmt.Sprintf("%d: Back to state: <Loop line 1, col 1 to line 1, col 2 of module M>\n", tr.Loop+1))
		case tr.Loop >= 0:
			msg(codeBackToState, classState, fmt.Sprintf("Back to state %d: <Loop line 1, col 1 to line 1, col 2 of module M>\n", tr.Loop+1))
		case tr.Stuttering:
			msg(2218, classState, fmt.Sprintf("%d: Stuttering", len(tr.States)+1))
		}
	}
	b.WriteString("Finished in 01s at (2026-11-28 06:44:07)\n")
	return b.String()
}

// tlcWrap breaks a printed value after its commas, outside strings, and
// indents the continuation lines, as TLC's pretty printer does.
func tlcWrap(s string) string {
	var b strings.Builder
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		b.WriteByte(c)
		switch {
		case inString && c == '\\':
			i++
			b.WriteByte(s[i])
		case c == '"':
			inString = !inString
		case !inString && c == ',' && i+1 < len(s) && s[i+1] == ' ':
			b.WriteString("\n  ")
			i++
		}
	}
	return b.String()
}

// TestReadTLC_RoundTrip writes random traces the way TLC prints them, in
// every mode, and reads them back.
func TestReadTLC_RoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nvars := rapid.IntRange(1, 4).Draw(t, "nvars")
		vars := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-zA-Z0-9_]{0,5}`), nvars, nvars, rapid.ID[string]).Draw(t, "vars")
		val := pvGenValue(2)
		var trs []*Trace
		for range rapid.IntRange(1, 3).Draw(t, "traces") {
			tr := &Trace{Format: "tlc", File: "rt.out", Vars: vars, Loop: -1, Violation: "Invariant Inv is violated."}
			n := rapid.IntRange(1, 5).Draw(t, "states")
			for i := range n {
				st := State{Vars: map[string]Value{}}
				for _, v := range vars {
					if i > 0 && rapid.Bool().Draw(t, "keep") {
						st.Vars[v] = tr.States[i-1].Vars[v]
					} else {
						st.Vars[v] = val.Draw(t, v)
					}
				}
				if i > 0 {
					name := rapid.StringMatching(`[A-Z][a-zA-Z]{0,6}`).Filter(func(s string) bool { return s != "Action" }).Draw(t, "action")
					st.Action = &Action{Name: name, Location: "line 1, col 2 to line 3, col 4 of module M"}
					if rapid.Bool().Draw(t, "hasArgs") {
						st.Action.Args = rapid.SliceOfN(val, 0, 3).Draw(t, "args")
					}
				}
				tr.States = append(tr.States, st)
			}
			switch rapid.IntRange(0, 2).Draw(t, "end") {
			case 1:
				tr.Loop = rapid.IntRange(0, n-1).Draw(t, "loop")
				if tr.Loop < n-1 && sameState(tr.States[n-1], tr.States[tr.Loop]) {
					tr.Loop = -1 // reads as TLC's old duplicate of the loop state
				}
			case 2:
				tr.Stuttering = true
			}
			trs = append(trs, tr)
		}
		mode := tlcMode{tool: rapid.Bool().Draw(t, "tool"), diff: rapid.Bool().Draw(t, "diff"), wrap: rapid.Bool().Draw(t, "wrap")}
		src := tlcWrite(trs, mode)
		got, err := ReadTLC("rt.out", strings.NewReader(src))
		if err != nil {
			t.Fatalf("ReadTLC: %v\n%s", err, src)
		}
		if len(got) != len(trs) {
			t.Fatalf("%d traces, want %d\n%s", len(got), len(trs), src)
		}
		for i, tr := range trs {
			g := got[i]
			if d := cmp.Diff(tr.Vars, g.Vars); d != "" {
				t.Fatalf("trace %d: Vars (-want +got):\n%s\n%s", i, d, src)
			}
			if g.Loop != tr.Loop || g.Stuttering != tr.Stuttering || g.Violation != tr.Violation || len(g.States) != len(tr.States) {
				t.Fatalf("trace %d: got %s\nwant %s\n%s", i, tlcBrief(got[i:i+1], false), tlcBrief(trs[i:i+1], false), src)
			}
			for j := range tr.States {
				w, s := tr.States[j], g.States[j]
				if !sameState(w, s) || tlcDumpAction(w.Action) != tlcDumpAction(s.Action) {
					t.Fatalf("trace %d state %d: got %s\nwant %s\n%s", i, j+1, tlcBrief(got[i:i+1], false), tlcBrief(trs[i:i+1], false), src)
				}
			}
		}
	})
}

func FuzzReadTLC(f *testing.F) {
	files, _ := filepath.Glob("testdata/tlc/*.out.txt")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	for _, s := range []string{
		"State 1: <Initial predicate>\n/\\ x = 0\n\nState 2: <A(1) line 1, col 1 to line 1, col 2 of module M>\n/\\ x = 1\n\nBack to state 1: <B line 1, col 1 to line 1, col 2 of module M>\n",
		"@!@!@STARTMSG 2217:4 @!@!@\n1: <Initial predicate>\nhr = 1\n\n@!@!@ENDMSG 2217 @!@!@\n@!@!@STARTMSG 2218:4 @!@!@\n2: Stuttering\n@!@!@ENDMSG 2218 @!@!@\n",
		"Error: Invariant I is violated by the initial state:\n/\\ x = {1,\n  2}\n\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		trs, err := ReadTLC("f.out", strings.NewReader(src))
		if err != nil {
			list := readerErrors(err)
			if len(list) == 0 {
				t.Fatalf("error %T %q is not a list of positioned errors", err, err)
			}
			for _, e := range list {
				if e.Pos.File != "f.out" || e.Pos.Line < 1 {
					t.Fatalf("error %q has no position", e)
				}
			}
			return
		}
		for _, tr := range trs {
			if len(tr.States) == 0 {
				t.Fatal("a trace without states")
			}
			if tr.Loop < -1 || tr.Loop >= len(tr.States) || tr.Loop >= 0 && tr.Stuttering {
				t.Fatalf("Loop %d, Stuttering %v with %d states", tr.Loop, tr.Stuttering, len(tr.States))
			}
			for i, st := range tr.States {
				if len(st.Vars) != len(tr.Vars) || st.Pos.Line < 1 {
					t.Fatalf("state %d has %d of %d variables, at %s", i+1, len(st.Vars), len(tr.Vars), st.Pos)
				}
				for _, name := range tr.Vars {
					v, ok := st.Vars[name]
					if !ok || v.Pos.Line < 1 {
						t.Fatalf("state %d: variable %s missing or without position", i+1, name)
					}
				}
			}
		}
		// What was read, written again, reads back the same.
		again, err := ReadTLC("f.out", strings.NewReader(tlcWrite(trs, tlcMode{})))
		if err != nil || len(again) != len(trs) {
			t.Fatalf("rewritten traces do not read back: %v", err)
		}
		for i := range trs {
			if strings.Contains(trs[i].Violation, toolDelim) {
				continue // would read as -tool framing
			}
			if tlcBrief(again[i:i+1], false) != tlcBrief(trs[i:i+1], false) {
				t.Fatalf("rewritten trace %d reads back as\n%s\nwant\n%s", i, tlcBrief(again[i:i+1], false), tlcBrief(trs[i:i+1], false))
			}
		}
	})
}

// tlcBenchTrace writes a TLC-style counterexample of at least size bytes:
// TwoPhase-like states whose message set and record fields grow, with long
// values wrapped over several lines as TLC wraps them.
// With distinct, every message carries the state number, so no value
// repeats from one state to the next.
func tlcBenchTrace(size int, distinct bool) []byte {
	var b bytes.Buffer
	b.WriteString("TLC2 Version 2.18 of Day Month 20??\nError: Invariant Consistent is violated.\nError: The behavior up to this point is:\n")
	const rms = 8
	msgs := []string{}
	for n := 1; b.Len() < size; n++ {
		if n == 1 {
			b.WriteString("State 1: <Initial predicate>\n")
		} else {
			fmt.Fprintf(&b, "State %d: <RMPrepare(r%d) line 43, col 17 to line 46, col 52 of module TwoPhase>\n", n, n%rms+1)
		}
		if n > 1 && len(msgs) < 200 {
			msgs = append(msgs, fmt.Sprintf(`[type |-> "Prepared", rm |-> r%d, seq |-> %d, payload |-> <<%d, "x\"y", TRUE>>]`, n%rms+1, n, n*7))
		}
		b.WriteString(`/\ msgs = {`)
		for i, m := range msgs {
			if i > 0 {
				b.WriteString(",\n  ")
			}
			if distinct {
				m = strings.Replace(m, "TRUE", strconv.Itoa(n), 1)
			}
			b.WriteString(m)
		}
		b.WriteString("}\n")
		b.WriteString(`/\ rmState = (`)
		for i := 1; i <= rms; i++ {
			if i > 1 {
				b.WriteString(" @@ ")
			}
			fmt.Fprintf(&b, `r%d :> "%s"`, i, []string{"working", "prepared", "committed"}[(n+i)%3])
		}
		b.WriteString(")\n")
		fmt.Fprintf(&b, "/\\ tmState = \"init\"\n/\\ tmPrepared = {%s}\n/\\ counter = %d\n\n", strings.Repeat("r1, ", n%5)+"r2", n)
	}
	b.WriteString("1000 states generated, 100 distinct states found, 0 states left on queue.\n")
	return b.Bytes()
}

// BenchmarkReadTLC reads a 10 MB counterexample in which, as in real
// traces, most variables keep their value from one state to the next.
func BenchmarkReadTLC(b *testing.B) { benchReadTLC(b, tlcBenchTrace(10<<20, false)) }

// BenchmarkReadTLC_Distinct is the worst case: every value differs from
// the state before, so every value goes through the parser.
func BenchmarkReadTLC_Distinct(b *testing.B) { benchReadTLC(b, tlcBenchTrace(10<<20, true)) }

func benchReadTLC(b *testing.B, src []byte) {
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		trs, err := ReadTLC("bench.out.txt", bytes.NewReader(src))
		if err != nil {
			b.Fatal(err)
		}
		if len(trs) != 1 || len(trs[0].States) < 100 {
			b.Fatalf("got %d traces", len(trs))
		}
	}
}

// BenchmarkReadTLC_Corpus reads every file of real TLC output in
// testdata/tlc, each a few kilobytes.
func BenchmarkReadTLC_Corpus(b *testing.B) {
	var files [][]byte
	size := 0
	for _, f := range corpus(b, "tlc/*.out.txt") {
		files = append(files, readFile(b, f))
		size += len(files[len(files)-1])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			if _, err := ReadTLC("b.out.txt", bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
