package tlaimport_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mbtgo/mbt/examples/bank"
	"github.com/mbtgo/mbt/examples/diehard"
	"github.com/mbtgo/mbt/examples/twophase"
	"github.com/mbtgo/mbt/tlaimport"
)

// readDecodeTestdata reads a file of testdata/decode with the reader its
// name calls for.
func readDecodeTestdata(t *testing.T, name string) *tlaimport.Trace {
	t.Helper()
	path := filepath.Join("testdata", "decode", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tr *tlaimport.Trace
	switch {
	case strings.HasSuffix(name, ".itf.json"):
		tr, err = tlaimport.ReadITF(name, data)
	case strings.HasSuffix(name, ".trace.json"):
		tr, err = tlaimport.ReadTLCJSON(name, data)
	case strings.HasSuffix(name, ".out.txt"):
		var trs []*tlaimport.Trace
		trs, err = tlaimport.ReadTLC(name, bytes.NewReader(data))
		if err == nil && len(trs) != 1 {
			t.Fatalf("%s: %d traces, want 1", name, len(trs))
		}
		if err == nil {
			tr = trs[0]
		}
	default:
		t.Fatalf("no reader for %s", name)
	}
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return tr
}

// twoPhaseStates are the states of TwoPhase.out.txt (TwoPhase.tla with
// Buggy = TRUE and RM = {r1, r2, r3}), as twophase.State values.
func twoPhaseStates() []twophase.State {
	w, p, c, a := twophase.Working, twophase.Prepared, twophase.Committed, twophase.Aborted
	st := func(rm []twophase.RMState, tm twophase.TMState, tmp []bool, prep []bool, commit bool) twophase.State {
		return twophase.State{RMState: rm, TMState: tm, TMPrepared: tmp, Msgs: twophase.Msgs{Prepared: prep, Commit: commit}}
	}
	f, T := false, true
	return []twophase.State{
		st([]twophase.RMState{w, w, w}, twophase.TMInit, []bool{f, f, f}, []bool{f, f, f}, false),
		st([]twophase.RMState{p, w, w}, twophase.TMInit, []bool{f, f, f}, []bool{T, f, f}, false),
		st([]twophase.RMState{p, w, w}, twophase.TMInit, []bool{T, f, f}, []bool{T, f, f}, false),
		st([]twophase.RMState{p, p, w}, twophase.TMInit, []bool{T, f, f}, []bool{T, T, f}, false),
		st([]twophase.RMState{p, p, w}, twophase.TMInit, []bool{T, T, f}, []bool{T, T, f}, false),
		st([]twophase.RMState{p, p, w}, twophase.TMCommitted, []bool{T, T, f}, []bool{T, T, f}, true),
		st([]twophase.RMState{c, p, w}, twophase.TMCommitted, []bool{T, T, f}, []bool{T, T, f}, true),
		st([]twophase.RMState{c, p, a}, twophase.TMCommitted, []bool{T, T, f}, []bool{T, T, f}, true),
	}
}

// Reference: TwoPhase.tla, the variables rmState, tmState, tmPrepared and
// msgs; twophase.State's tags name them.
func TestDecodeState_TwoPhaseHandBuilt(t *testing.T) {
	m, err := twophase.Model(twophase.Config{RM: 3, Buggy: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := func(fs ...tlaimport.Field) tlaimport.Value { return tlaimport.RecordValue(fs...) }
	prepared := func(r string) tlaimport.Value {
		return rec(tlaimport.Field{Name: "type", Value: tlaimport.StringValue("Prepared")},
			tlaimport.Field{Name: "rm", Value: tlaimport.ModelValueOf(r)})
	}
	commit := rec(tlaimport.Field{Name: "type", Value: tlaimport.StringValue("Commit")})
	rmState := func(s1, s2, s3 string) tlaimport.Value {
		return tlaimport.FuncValue(
			tlaimport.Pair{Key: tlaimport.ModelValueOf("r1"), Value: tlaimport.StringValue(s1)},
			tlaimport.Pair{Key: tlaimport.ModelValueOf("r2"), Value: tlaimport.StringValue(s2)},
			tlaimport.Pair{Key: tlaimport.ModelValueOf("r3"), Value: tlaimport.StringValue(s3)})
	}
	// State 6 of TwoPhase.out.txt.
	st := tlaimport.State{Vars: map[string]tlaimport.Value{
		"msgs":       tlaimport.SetValue(commit, prepared("r1"), prepared("r2")),
		"rmState":    rmState("prepared", "prepared", "working"),
		"tmState":    tlaimport.StringValue("committed"),
		"tmPrepared": tlaimport.SetValue(tlaimport.ModelValueOf("r1"), tlaimport.ModelValueOf("r2")),
	}}
	d := tlaimport.StateDecoder[twophase.State]{Template: &m.Init[0]}
	got, err := d.Decode(st)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(twoPhaseStates()[5], got); diff != "" {
		t.Errorf("decode state 6 (-want +got):\n%s", diff)
	}
	// Encode gives back a value that decodes to the same state.
	enc, err := tlaimport.Encode(got)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]tlaimport.Value{}
	for _, f := range enc.Fields {
		vars[f.Name] = f.Value
	}
	if !tlaimport.Equal(vars["msgs"], st.Vars["msgs"]) {
		t.Errorf("Msgs.EncodeTLA = %v, want %v", vars["msgs"], st.Vars["msgs"])
	}
	again, err := d.Decode(tlaimport.State{Vars: vars})
	if err != nil || !cmp.Equal(again, got) {
		t.Errorf("decode(encode(state)) = %+v, %v; want %+v", again, err, got)
	}
}

// dieHardStates are the states of DieHard.out.txt.
func dieHardStates() []diehard.State {
	var out []diehard.State
	for _, s := range [][2]int{{0, 0}, {0, 5}, {3, 2}, {0, 2}, {2, 0}, {2, 5}, {3, 4}} {
		out = append(out, diehard.State{Small: s[0], Big: s[1]})
	}
	return out
}

// Reference: TwoPhase.tla (Buggy = TRUE) and DieHard.tla, TLC's
// counterexamples in its text output.
func TestDecodeTrace_TLCCorpus(t *testing.T) {
	m, err := twophase.Model(twophase.Config{RM: 3, Buggy: true})
	if err != nil {
		t.Fatal(err)
	}
	d := tlaimport.StateDecoder[twophase.State]{Template: &m.Init[0]}
	got, err := d.DecodeTrace(readDecodeTestdata(t, "TwoPhase.out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(twoPhaseStates(), got); diff != "" {
		t.Errorf("TwoPhase.out.txt (-want +got):\n%s", diff)
	}
	dh, err := tlaimport.DecodeTrace[diehard.State](readDecodeTestdata(t, "DieHard.out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := dieHardStates()
	if diff := cmp.Diff(want, dh); diff != "" {
		t.Errorf("DieHard.out.txt (-want +got):\n%s", diff)
	}

	// A state that does not fit names TLC's state number and the line.
	_, err = tlaimport.DecodeTrace[struct {
		Small string `tla:"small"`
		Big   int    `tla:"big"`
	}](readDecodeTestdata(t, "DieHard.out.txt"))
	if want := "DieHard.out.txt:55:12: state 1: small: want string, got int 0"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// Reference: TwoPhase.tla and DieHard.tla counterexamples as TLC writes
// them with -dumpTrace json.
func TestDecodeTrace_TLCJSONCorpus(t *testing.T) {
	m, err := twophase.Model(twophase.Config{RM: 3, Buggy: true})
	if err != nil {
		t.Fatal(err)
	}
	d := tlaimport.StateDecoder[twophase.State]{Template: &m.Init[0]}
	got, err := d.DecodeTrace(readDecodeTestdata(t, "TwoPhase.trace.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(twoPhaseStates(), got); diff != "" {
		t.Errorf("TwoPhase.trace.json (-want +got):\n%s", diff)
	}

	dh, err := tlaimport.DecodeTrace[diehard.State](readDecodeTestdata(t, "DieHard.trace.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := dieHardStates()
	if diff := cmp.Diff(want, dh); diff != "" {
		t.Errorf("DieHard.trace.json (-want +got):\n%s", diff)
	}
}

// Reference: specs/twoPhaseCommit.qnt and specs/bank.qnt. Quint's
// two-phase commit keeps resource-manager and coordinator states as
// variants (Working, TMInit), which twophase.RMState and TMState decode
// through their DecodeTLA; into a plain string, the error says where and
// why. Its messages are variants too, which Msgs.DecodeTLA reads. Quint's
// bank has balances by name, which fit bank.State; its extra variables
// (lastTx, txCount) are ignored.
func TestDecodeTrace_QuintCorpus(t *testing.T) {
	m, err := twophase.Model(twophase.Config{RM: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := tlaimport.StateDecoder[twophase.State]{Template: &m.Init[0]}
	states, err := d.DecodeTrace(readDecodeTestdata(t, "tpc_ok_mbt_0.itf.json"))
	if err != nil || len(states) != 13 || states[1].RMState[1] != twophase.Aborted {
		t.Errorf("tpc_ok_mbt_0.itf.json: %d states, %v; want 13, rm2 aborted after the first step", len(states), err)
	}
	type plain struct {
		RMState map[string]string `tla:"rmState"`
	}
	_, err = (&tlaimport.StateDecoder[plain]{}).DecodeTrace(readDecodeTestdata(t, "tpc_ok_mbt_0.itf.json"))
	want := `tpc_ok_mbt_0.itf.json:1:532: state 0: rmState["rm1"]: want string, got variant Working ([tag |-> "Working", value |-> <<>>]); ` +
		`a variant goes into a struct with Tag and Value fields, or implement tlaimport.Decoder on string`
	if err == nil || err.Error() != want {
		t.Errorf("tpc_ok_mbt_0.itf.json into plain strings:\n got %v\nwant %s", err, want)
	}

	// The messages alone decode: Quint's variants MsgPrepared("rm1") and
	// MsgCommit, by the numbering rule rm1 -> 0.
	tr := readDecodeTestdata(t, "tpc_buggy_violation_mbt.itf.json")
	last := tr.States[len(tr.States)-1]
	msgs := twophase.Msgs{Prepared: make([]bool, 3)}
	if err := tlaimport.Decode(last.Vars["msgs"], &msgs); err != nil {
		t.Fatal(err)
	}
	if want := (twophase.Msgs{Prepared: []bool{true, false, true}, Commit: true}); !cmp.Equal(msgs, want) {
		t.Errorf("msgs of the last state = %+v, want %+v", msgs, want)
	}
	var prepared []bool
	if err := tlaimport.Decode(last.Vars["tmPrepared"], &prepared); err != nil || !slices.Equal(prepared, []bool{true, false, true}) {
		t.Errorf("tmPrepared = %v, %v; want [true false true]", prepared, err)
	}

	for _, name := range []string{"bank_ok_0.itf.json", "bank_violation_mbt.itf.json"} {
		tr := readDecodeTestdata(t, name)
		states, err := tlaimport.DecodeTrace[bank.State](tr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, want := states[0].Balances, map[string]int{"alice": 10, "bob": 5}; !cmp.Equal(got, want) {
			t.Errorf("%s: state 0 balances = %v, want %v", name, got, want)
		}
		for i, s := range states {
			if s.Total() != 15 {
				t.Errorf("%s: state %d: total %d, want 15 (bank.qnt's totalConserved)", name, i, s.Total())
			}
		}
	}
	strict := tlaimport.StateDecoder[bank.State]{Strict: true}
	_, err = strict.DecodeTrace(readDecodeTestdata(t, "bank_ok_0.itf.json"))
	if err == nil || !strings.Contains(err.Error(), "state 0: lastTx: variable lastTx has no field in struct (bank.State)") {
		t.Errorf("Strict: got %v", err)
	}
}
