package tlaimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-multierror"
	"github.com/mbtgo/mbt/internal/golden"
	"pgregory.net/rapid"
)

// corpus returns the files matching pattern under testdata.
func corpus(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match testdata/%s (%v)", pattern, err)
	}
	return files
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// dumpTrace prints a trace for golden files: everything ReadITF and
// ReadTLCJSON fill in, with kinds and positions.
func dumpTrace(t *Trace) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format: %s\nfile: %s\nvars: %q\nparams: %q\nloop: %d\nstuttering: %v\nviolation: %q\nmeta: %s\n",
		t.Format, t.File, t.Vars, t.Params, t.Loop, t.Stuttering, t.Violation, t.Meta)
	for i, st := range t.States {
		fmt.Fprintf(&b, "\nstate %d at %s meta: %s\n", i, st.Pos, st.Meta)
		if a := st.Action; a != nil {
			fmt.Fprintf(&b, "  action %s", a.Name)
			if len(a.Args) > 0 {
				fmt.Fprintf(&b, " args %s", dumpValues(a.Args))
			}
			for _, k := range itfSortedNames(a.Picks) {
				fmt.Fprintf(&b, " pick %s=%s", k, dumpValue(a.Picks[k]))
			}
			if a.Location != "" {
				fmt.Fprintf(&b, " at %s", a.Location)
			}
			b.WriteByte('\n')
		}
		names := slices.Clone(t.Vars)
		for _, k := range itfSortedNames(st.Vars) {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
		for _, k := range names {
			v := st.Vars[k]
			fmt.Fprintf(&b, "  %s (%s at %d:%d) = %s\n", k, v.Kind, v.Pos.Line, v.Pos.Col, dumpValue(v))
		}
	}
	return b.String()
}

// dumpValue prints v in TLA+ syntax, except that it marks the kinds TLA+
// does not tell apart: a tuple is #tup<<...>>.
func dumpValue(v Value) string {
	switch v.Kind {
	case Set:
		return "{" + dumpValues(v.Elems) + "}"
	case Seq:
		return "<<" + dumpValues(v.Elems) + ">>"
	case Tuple:
		return "#tup<<" + dumpValues(v.Elems) + ">>"
	case Record:
		var parts []string
		for _, f := range v.Fields {
			parts = append(parts, f.Name+" |-> "+dumpValue(f.Value))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case Func:
		var parts []string
		for _, p := range v.Pairs {
			parts = append(parts, dumpValue(p.Key)+" :> "+dumpValue(p.Value))
		}
		return "(" + strings.Join(parts, " @@ ") + ")"
	}
	return v.String()
}

func dumpValues(vs []Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = dumpValue(v)
	}
	return strings.Join(parts, ", ")
}

// sameValue reports how a and b differ in kind or content, or "".
func sameValue(a, b Value, path string) string {
	if a.Kind != b.Kind {
		return fmt.Sprintf("%s: kind %s, want %s", path, b.Kind, a.Kind)
	}
	if !Equal(a, b) {
		return fmt.Sprintf("%s: %s, want %s", path, b, a)
	}
	for i := range a.Elems {
		if d := sameValue(a.Elems[i], b.Elems[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
			return d
		}
	}
	for i := range a.Fields {
		if d := sameValue(a.Fields[i].Value, b.Fields[i].Value, path+"."+a.Fields[i].Name); d != "" {
			return d
		}
	}
	for i := range a.Pairs {
		if d := sameValue(a.Pairs[i].Key, b.Pairs[i].Key, fmt.Sprintf("%s key %d", path, i)); d != "" {
			return d
		}
		if d := sameValue(a.Pairs[i].Value, b.Pairs[i].Value, fmt.Sprintf("%s[%s]", path, a.Pairs[i].Key)); d != "" {
			return d
		}
	}
	return ""
}

// sameStates reports how the states of b differ from a's, or "";
// exactKinds also compares kinds all the way down, and actions whether
// states have actions alike.
func sameStates(a, b *Trace, exactKinds, actions bool) string {
	if len(a.States) != len(b.States) {
		return fmt.Sprintf("%d states, want %d", len(b.States), len(a.States))
	}
	for i := range a.States {
		sa, sb := a.States[i], b.States[i]
		if !slices.Equal(itfSortedNames(sa.Vars), itfSortedNames(sb.Vars)) {
			return fmt.Sprintf("state %d: variables %q, want %q", i, itfSortedNames(sb.Vars), itfSortedNames(sa.Vars))
		}
		for k, va := range sa.Vars {
			vb := sb.Vars[k]
			if exactKinds {
				if d := sameValue(va, vb, k); d != "" {
					return fmt.Sprintf("state %d: %s", i, d)
				}
			} else if !Equal(va, vb) {
				return fmt.Sprintf("state %d: %s = %s, want %s", i, k, vb, va)
			}
		}
		if actions && (sa.Action == nil) != (sb.Action == nil) {
			return fmt.Sprintf("state %d: action %v, want %v", i, sb.Action, sa.Action)
		}
	}
	return ""
}

// genericJSON parses data as encoding/json does, numbers kept as text.
func genericJSON(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return v
}

// fatalfer is the part of testing.TB and *rapid.T that writeITF needs.
type fatalfer interface {
	Helper()
	Fatalf(format string, args ...any)
}

func writeITF(t fatalfer, tr *Trace) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteITF(&b, tr); err != nil {
		t.Fatalf("WriteITF: %v", err)
	}
	return b.Bytes()
}

func TestReadITF_Golden(t *testing.T) {
	for _, file := range corpus(t, "itf/*.itf.json") {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			tr, err := ReadITF(name, readFile(t, file))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", "itf", name+".golden"), []byte(dumpTrace(tr)))
		})
	}
}

func TestReadTLCJSON_Golden(t *testing.T) {
	for _, file := range corpus(t, "tlcjson/*.trace.json") {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			tr, err := ReadTLCJSON(name, readFile(t, file))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", "itf", name+".golden"), []byte(dumpTrace(tr)))
			// The same trace written as ITF.
			out := writeITF(t, tr)
			golden.Check(t, filepath.Join("testdata", "golden", "itf", strings.TrimSuffix(name, ".trace.json")+".tlc.itf.json"), out)
			back, err := ReadITF("written.itf.json", out)
			if err != nil {
				t.Fatalf("ReadITF(WriteITF()): %v", err)
			}
			if d := sameStates(tr, back, true, false); d != "" {
				t.Errorf("ReadITF(WriteITF()): %s", d)
			}
			if back.Loop != tr.Loop || !slices.Equal(back.Vars, tr.Vars) {
				t.Errorf("ReadITF(WriteITF()): loop %d vars %q, want %d %q", back.Loop, back.Vars, tr.Loop, tr.Vars)
			}
		})
	}
}

// Every corpus file written back gives the same JSON values (key order
// and spacing aside), and reads back to the same trace with the same kinds.
func TestWriteITF_RoundTripCorpus(t *testing.T) {
	for _, file := range corpus(t, "itf/*.itf.json") {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data := readFile(t, file)
			tr, err := ReadITF(name, data)
			if err != nil {
				t.Fatal(err)
			}
			out := writeITF(t, tr)
			if d := cmp.Diff(genericJSON(t, data), genericJSON(t, out)); d != "" {
				t.Errorf("WriteITF(ReadITF(%s)) JSON mismatch (-file +written):\n%s", name, d)
			}
			back, err := ReadITF(name, out)
			if err != nil {
				t.Fatalf("ReadITF(WriteITF()): %v", err)
			}
			if d := sameStates(tr, back, true, true); d != "" {
				t.Errorf("ReadITF(WriteITF()): %s", d)
			}
			if !bytes.Equal(back.Meta, tr.Meta) || back.Loop != tr.Loop || !slices.Equal(back.Vars, tr.Vars) {
				t.Errorf("ReadITF(WriteITF()): meta/loop/vars differ")
			}
			if again := writeITF(t, back); !bytes.Equal(again, out) {
				t.Errorf("WriteITF is not stable:\n%s\n%s", out, again)
			}
		})
	}
}

// Reference: kitchen.qnt (the value-shape spec), state 1 and later.
func TestReadITF_Kitchen(t *testing.T) {
	tr, err := ReadITF("kitchen.itf.json", readFile(t, "testdata/itf/kitchen_ok_mbt_0.itf.json"))
	if err != nil {
		t.Fatal(err)
	}
	s0, s3, s6 := tr.States[0].Vars, tr.States[3].Vars, tr.States[6].Vars
	if got := s0["big"]; got.Kind != Int || got.Int.String() != "9007199254740993" {
		t.Errorf("big = %v, want 9007199254740993 (2^53+1, not representable as float64)", got)
	}
	if got := s6["big"].Int.String(); got != "-2188749418902061258" {
		t.Errorf("big = %s", got)
	}
	grid := s3["grid"]
	want := FuncValue(
		Pair{TupleValue(IntValue(0), IntValue(-1)), BoolValue(false)},
		Pair{TupleValue(IntValue(0), IntValue(2)), BoolValue(true)})
	if !Equal(grid, want) || grid.Pairs[0].Key.Kind != Tuple {
		t.Errorf("grid = %#v, want %v with tuple keys", grid, want)
	}
	status := s3["status"]
	if tag, val, ok := quintVariant(status); !ok || tag != "Busy" || val.Int.Int64() != 2 {
		t.Errorf("status = %v, want variant Busy(2)", status)
	}
	if got := s0["emptyThings"].String(); got != "[l |-> <<>>, m |-> <<>>, s |-> {}]" {
		t.Errorf("emptyThings = %s", got)
	}
	if tr.States[0].Action != nil {
		t.Errorf("state 0 action = %+v, want nil (actionTaken init)", tr.States[0].Action)
	}
	a := tr.States[4].Action
	if a == nil || a.Name != "inc" || len(a.Picks) != 2 || a.Picks["label"].Str != "hello world" || a.Picks["d"].Int.Int64() != 7 {
		t.Errorf("state 4 action = %+v, want inc with d=7, label=\"hello world\"", a)
	}
	if a := tr.States[2].Action; a == nil || a.Name != "reset" || a.Picks != nil {
		t.Errorf("state 2 action = %+v, want reset without picks (both None)", a)
	}
	if !slices.Contains(tr.Vars, "mbt::actionTaken") || s0["mbt::actionTaken"].Str != "init" {
		t.Errorf("mbt::actionTaken is not kept as a variable")
	}
}

func TestReadITF_BigIntsAndNumbers(t *testing.T) {
	huge := "-123456789012345678901234567890123456789012345678901234567890"
	src := `{"vars": ["a", "b", "c", "d"], "states": [
  {"a": {"#bigint": "` + huge + `"}, "b": 42, "c": -9223372036854775809, "d": {"#bigint": "000"}}
]}`
	tr, err := ReadITF("n.itf.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	vs := tr.States[0].Vars
	for name, want := range map[string]string{"a": huge, "b": "42", "c": "-9223372036854775809", "d": "0"} {
		if v := vs[name]; v.Kind != Int || v.Int.String() != want {
			t.Errorf("%s = %v, want %s", name, v, want)
		}
	}
	// Ints are written back as #bigint, whatever they were read from.
	out := string(writeITF(t, tr))
	if !strings.Contains(out, `"b":{"#bigint":"42"}`) || !strings.Contains(out, `"a":{"#bigint":"`+huge+`"}`) {
		t.Errorf("WriteITF:\n%s", out)
	}
	// Arithmetic on a read integer must not disturb its neighbours, which
	// share the decoder's arenas.
	x := vs["b"].Int
	x.Add(x, big.NewInt(1<<62))
	x.Mul(x, x)
	if vs["d"].Int.Sign() != 0 || vs["c"].Int.String() != "-9223372036854775809" {
		t.Errorf("arithmetic on one integer changed others: %v %v", vs["c"], vs["d"])
	}
}

func TestReadITF_Strings(t *testing.T) {
	src := `{"vars":["s"],"states":[{"s":"a\"b\\c\/d\n\u00e9\ud83d\ude00\u0041é\ud800x"}]}`
	tr, err := ReadITF("s.itf.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tr.States[0].Vars["s"].Str, "a\"b\\c/d\né😀Aé\ufffdx"; got != want {
		t.Errorf("s = %q, want %q", got, want)
	}
	bad := []byte(`{"vars":["s"],"states":[{"s":"a` + "\xff" + `b"}]}`)
	tr, err = ReadITF("s.itf.json", bad)
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.States[0].Vars["s"].Str; got != "a\ufffdb" {
		t.Errorf("invalid UTF-8 = %q, want U+FFFD as encoding/json", got)
	}
}

func TestReadITF_LoopParamsMeta(t *testing.T) {
	src := "\ufeff" + `{
  "#meta": {"source": "x.tla", "n": 1.5e3, "deep": [null, true, {"a": []}]},
  "params": ["N"],
  "vars": ["x"],
  "states": [
    {"#meta": {"index": 0}, "N": 3, "x": {"#set": [3, 1, 2, 1]}},
    {"x": {"#set": []}}
  ],
  "loop": 1,
  "extra": {"ignored": [1.5]}
}`
	tr, err := ReadITF("l.itf.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Loop != 1 || !slices.Equal(tr.Params, []string{"N"}) {
		t.Errorf("loop %d params %q", tr.Loop, tr.Params)
	}
	if got := string(tr.Meta); got != `{"source": "x.tla", "n": 1.5e3, "deep": [null, true, {"a": []}]}` {
		t.Errorf("meta = %s, want it verbatim", got)
	}
	if got := string(tr.States[0].Meta); got != `{"index": 0}` || tr.States[1].Meta != nil {
		t.Errorf("state meta = %s, %s", got, tr.States[1].Meta)
	}
	if got := tr.States[0].Vars["x"].String(); got != "{1, 2, 3}" {
		t.Errorf("x = %s, want the set in canonical order without duplicates", got)
	}
	if p := tr.States[0].Pos; p.Line != 6 || p.Col != 5 {
		t.Errorf("state 0 at %s, want line 6 col 5", p)
	}
	out := writeITF(t, tr)
	back, err := ReadITF("l.itf.json", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if back.Loop != 1 || !bytes.Equal(back.Meta, tr.Meta) || back.States[0].Vars["N"].Int.Int64() != 3 {
		t.Errorf("round trip lost loop, meta or params:\n%s", out)
	}
}

func TestWriteITF_FromTLC(t *testing.T) {
	tr := &Trace{
		Format: "tlc", File: "TwoPhase.out.txt", Vars: []string{"rmState", "msgs"}, Loop: -1,
		States: []State{{Vars: map[string]Value{
			"rmState": FuncValue(Pair{ModelValueOf("r1"), StringValue("working")}),
			"msgs":    SetValue(RecordValue(Field{"type", StringValue("Prepared")}, Field{"rm", ModelValueOf("r1")})),
		}}, {Vars: map[string]Value{
			"rmState": RecordValue(Field{"#odd", IntValue(1)}),
			"msgs":    SeqValue(StringValue("tab\there"), StringValue("\x01\xff")),
		}, Action: &Action{Name: "RMPrepare", Args: []Value{ModelValueOf("r1")}}}},
	}
	got := string(writeITF(t, tr))
	want := `{
  "#meta": {"format":"ITF","format-description":"https://apalache-mc.org/docs/adr/015adr-trace.html","source":"TwoPhase.out.txt","description":"written by mbt"},
  "vars": ["rmState","msgs"],
  "states": [
    {"#meta":{"index":0},"rmState":{"#map":[["r1","working"]]},"msgs":{"#set":[{"rm":"r1","type":"Prepared"}]}},
    {"#meta":{"index":1},"rmState":{"#map":[["#odd",{"#bigint":"1"}]]},"msgs":["tab\there","\u0001\ufffd"]}
  ]
}
`
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("WriteITF mismatch (-want +got):\n%s", d)
	}
}

func TestWriteITF_Errors(t *testing.T) {
	st := func(kv ...string) State {
		m := map[string]Value{}
		for _, k := range kv {
			m[k] = IntValue(1)
		}
		return State{Vars: m}
	}
	tests := []struct {
		name   string
		trace  *Trace
		want   string
		reason string
	}{
		{"missing var", &Trace{Vars: []string{"x", "y"}, Loop: -1, States: []State{st("x")}},
			`write ITF: state 0 has no value for variable "y"`, "ReadITF would refuse the state"},
		{"unknown var", &Trace{Vars: []string{"x"}, Loop: -1, States: []State{st("x", "z")}},
			`write ITF: state 0: variable "z" is not in the trace's vars`, "ReadITF would refuse the state"},
		{"loop", &Trace{Vars: []string{"x"}, Loop: 1, States: []State{st("x")}},
			`write ITF: loop 1 is not the index of a state (the trace has 1)`, "loop must index a state"},
		{"meta", &Trace{Vars: []string{"x"}, Loop: -1, Meta: []byte("{"), States: []State{st("x")}},
			`write ITF: the trace's #meta is not valid JSON`, "meta is written verbatim"},
		{"var named #meta", &Trace{Vars: []string{"#meta"}, Loop: -1, States: []State{st("#meta")}},
			`write ITF: variable "#meta" would be read as the state's #meta`, "the key is reserved"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		var b bytes.Buffer
		err := WriteITF(&b, tt.trace)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: WriteITF() error = %v, want %s (%s)", tt.name, err, tt.want, tt.reason)
		}
		if b.Len() != 0 {
			t.Errorf("%s: WriteITF wrote %q before failing", tt.name, b.String())
		}
	}
}

func TestReadITF_Errors(t *testing.T) {
	deep := strings.Repeat("[", 1001) + strings.Repeat("]", 1001)
	tests := []struct {
		name   string
		src    string
		want   string
		reason string
	}{
		{"bigint letters", `{"vars":["balances"],"states":[{},{},{},{"balances":{"#bigint":"12x"}}]}`,
			`t.itf.json:1:64: state 3: variable balances: #bigint: "12x" is not an integer`, "the brief's example message"},
		{"meta object", `{"#meta":{"a":1 "b":2},"vars":[],"states":[{}]}`,
			`t.itf.json:1:17: expected ',' or '}' in object, found '"'`, "#meta is skipped, but checked: a missing comma in an object"},
		{"meta array", `{"#meta":{"a":[1 2]},"vars":[],"states":[{}]}`,
			`t.itf.json:1:18: expected ',' or ']' in array, found '2'`, "#meta is skipped, but checked: a missing comma in an array"},
		{"bigint empty", `{"vars":["x"],"states":[{"x":{"#bigint":""}}]}`,
			`t.itf.json:1:41: state 0: variable x: #bigint: "" is not an integer`, "no digits"},
		{"bigint number", `{"vars":["x"],"states":[{"x":{"#bigint":12}}]}`,
			`t.itf.json:1:41: state 0: variable x: #bigint: expected a string of decimal digits, found '1'`, "#bigint holds a string"},
		{"bigint too long", `{"vars":["x"],"states":[{"x":{"#bigint":"` + strings.Repeat("9", 100001) + `"}}]}`,
			`t.itf.json:1:41: state 0: variable x: integer with 100001 digits; the limit is 100000`, "absurd integers are refused"},
		{"fraction", "{\"vars\":[\"x\"],\n\"states\":[{\"x\":1.5}]}",
			`t.itf.json:2:16: state 0: variable x: number 1.5 is not an integer`, "ITF numbers are integers"},
		{"exponent", `{"vars":["x"],"states":[{"x":1e3}]}`,
			`t.itf.json:1:30: state 0: variable x: number 1e3 is not an integer`, "exponents are fractions' syntax"},
		{"leading zero", `{"vars":["x"],"states":[{"x":01}]}`,
			`t.itf.json:1:30: state 0: variable x: invalid number "01"`, "JSON forbids leading zeros"},
		{"minus", `{"vars":["x"],"states":[{"x":-}]}`,
			`t.itf.json:1:30: state 0: variable x: invalid number "-}"`, "a sign needs digits"},
		{"null", `{"vars":["x"],"states":[{"x":[1,null]}]}`,
			`t.itf.json:1:33: state 0: variable x: null is not a TLA+ value`, "TLA+ has no null"},
		{"unknown form", `{"vars":["x"],"states":[{"x":{"#bag":[]}}]}`,
			`t.itf.json:1:31: state 0: variable x: unknown ITF form "#bag": want #bigint, #tup, #set, #map or #unserializable (record fields must not start with #)`, "a typo in a form"},
		{"form with more keys", `{"vars":["x"],"states":[{"x":{"#set":[],"a":1}}]}`,
			`t.itf.json:1:41: state 0: variable x: #set: a #set object must have no other keys`, "forms are single-key objects"},
		{"hash field", `{"vars":["x"],"states":[{"x":{"a":1,"#set":[]}}]}`,
			`t.itf.json:1:37: state 0: variable x: record field "#set" starts with #: ITF forms such as {"#set": [...]} must be the only key of their object`, "ADR-015: field names do not start with #"},
		{"duplicate field", `{"vars":["x"],"states":[{"x":{"b":1,"a":2,"b":3}}]}`,
			`t.itf.json:1:47: state 0: variable x: field "b" appears twice`, "encoding/json would silently keep the last"},
		{"duplicate key", `{"vars":["x"],"states":[{"x":{"#map":[[{"#tup":[1]},1],[[1],2]]}}]}`,
			`t.itf.json:1:57: state 0: variable x: #map: key <<1>> appears twice`, "<<1>> as a tuple equals <<1>> as a sequence"},
		{"map triple", `{"vars":["x"],"states":[{"x":{"#map":[[1,2,3]]}}]}`,
			`t.itf.json:1:43: state 0: variable x: #map: a pair has more than two elements`, "pairs have two elements"},
		{"map not pairs", `{"vars":["x"],"states":[{"x":{"#map":[1]}}]}`,
			`t.itf.json:1:39: state 0: variable x: #map: expected a [key, value] pair, found '1'`, "the array holds pairs"},
		{"map object", `{"vars":["x"],"states":[{"x":{"#map":{}}}]}`,
			`t.itf.json:1:38: state 0: variable x: #map: expected an array of [key, value] pairs, found '{'`, "old Apalache wrote no objects here"},
		{"set object", `{"vars":["x"],"states":[{"x":{"#set":{}}}]}`,
			`t.itf.json:1:38: state 0: variable x: #set: expected an array, found '{'`, "the set holds an array"},
		{"missing var", "{\"vars\":[\"x\",\"y\"],\"states\":[\n  {\"x\":1}]}",
			`t.itf.json:2:3: state 0: no value for variable "y"`, "ADR-015: every state defines every variable"},
		{"unknown var", `{"vars":["balance"],"states":[{"balance":1,"balanse":2}]}`,
			`t.itf.json:1:54: state 0: variable "balanse" is not in vars (did you mean "balance"?)`, "a typo in a variable"},
		{"two errors", `{"vars":["x"],"states":[{},{}]}`,
			"2 problems:\n\tt.itf.json:1:25: state 0: no value for variable \"x\"\n\tt.itf.json:1:28: state 1: no value for variable \"x\"", "all states are checked, and all problems listed in order"},
		{"missing param", `{"params":["N"],"vars":[],"states":[{}]}`,
			`t.itf.json:1:37: state 0: no value for parameter "N"`, "ADR-015: params are set in the initial state"},
		{"no vars", `{"states":[]}`, `t.itf.json:1:1: the trace has no "vars"`, "vars is required"},
		{"no states", `{"vars":[]}`, `t.itf.json:1:1: the trace has no "states"`, "states is required"},
		{"vars twice", `{"vars":["a","a"],"states":[]}`, `t.itf.json:1:14: vars: "a" is listed twice`, "names are distinct"},
		{"vars not strings", `{"vars":[1],"states":[]}`, `t.itf.json:1:10: vars: expected a string, found '1'`, "names are strings"},
		{"key twice", `{"vars":[],"vars":[],"states":[]}`, `t.itf.json:1:12: key "vars" appears twice`, "ambiguous"},
		{"var twice", `{"vars":["x"],"states":[{"x":1,"x":2}]}`, `t.itf.json:1:32: state 0: variable "x" appears twice`, "ambiguous"},
		{"loop range", `{"vars":[],"states":[{}],"loop":1}`, `t.itf.json:1:33: loop: want the index of a state, 0 to 0, got 1`, "loop indexes states"},
		{"loop string", `{"vars":[],"states":[{}],"loop":"0"}`, `t.itf.json:1:33: loop: want the index of a state, 0 to 0, got "0"`, "loop is an int"},
		{"loop fraction", `{"vars":[],"states":[{}],"loop":0.5}`, `t.itf.json:1:33: loop: number 0.5 is not an integer`, "loop is an int"},
		{"trailing", `{"vars":[],"states":[]} x`, `t.itf.json:1:25: unexpected 'x' after the trace`, "one trace per file"},
		{"trailing comma", `{"vars":[],"states":[],}`, `t.itf.json:1:24: expected a string key, found '}'`, "JSON has no trailing commas"},
		{"array comma", `{"vars":["x"],"states":[{"x":[1,]}]}`, `t.itf.json:1:33: state 0: variable x: expected a value, found ']'`, "JSON has no trailing commas"},
		{"missing colon", `{"vars" ["x"]}`, `t.itf.json:1:9: expected ':' after key "vars", found '['`, "syntax"},
		{"unterminated string", `{"vars":["x`, `t.itf.json:1:10: unterminated string`, "syntax; points at the opening quote"},
		{"bad escape", `{"vars":["\x"]}`, `t.itf.json:1:11: invalid escape "\\x" in string`, "JSON escapes only"},
		{"bad unicode escape", `{"vars":["\u12"]}`, `t.itf.json:1:11: invalid escape \u in string: want four hex digits`, "JSON escapes only"},
		{"control char", "{\"vars\":[\"a\tb\"]}", `t.itf.json:1:12: invalid control character '\t' in string`, "JSON strings escape control characters"},
		{"eof", `{"vars":[],"states":[`, `t.itf.json:1:22: state 0: expected a state object, found end of input`, "truncated file"},
		{"eof value", `{"vars":["x"],"states":[{"x":`, `t.itf.json:1:30: state 0: variable x: expected a value, found end of input`, "truncated file"},
		{"empty", ``, `t.itf.json:1:1: expected an ITF trace (a JSON object with "vars" and "states"), found end of input`, "nothing to read"},
		{"array", `[]`, `t.itf.json:1:1: expected an ITF trace (a JSON object with "vars" and "states"), found '['`, "a trace is an object"},
		{"state not object", `{"vars":[],"states":[[]]}`, `t.itf.json:1:22: state 0: expected a state object, found '['`, "a state is an object"},
		{"deep", `{"vars":["x"],"states":[{"x":` + deep + `}]}`, `t.itf.json:1:1030: state 0: variable x: values nested deeper than 1000`, "no stack overflow on absurd nesting"},
		{"deep meta", `{"#meta":` + deep + `}`, `t.itf.json:1:1010: values nested deeper than 1000`, "skipped values are limited too"},
		{"action not string", `{"vars":["mbt::actionTaken"],"states":[{"mbt::actionTaken":1}]}`,
			`t.itf.json:1:60: state 0: variable mbt::actionTaken: want a string, got int`, "Quint writes the action's name"},
		{"picks not record", `{"vars":["mbt::actionTaken","mbt::nondetPicks"],"states":[{"mbt::actionTaken":"init","mbt::nondetPicks":{}},{"mbt::actionTaken":"a","mbt::nondetPicks":[]}]}`,
			`t.itf.json:1:152: state 1: variable mbt::nondetPicks: want a record, got sequence`, "Quint writes a record of picks"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			tr, err := ReadITF("t.itf.json", []byte(tt.src))
			if err == nil {
				t.Fatalf("ReadITF() = %s, want error %s (%s)", dumpTrace(tr), tt.want, tt.reason)
			}
			if err.Error() != tt.want {
				t.Errorf("ReadITF() error:\n got %s\nwant %s\n(%s)", err, tt.want, tt.reason)
			}
			if errs := readerErrors(err); len(errs) == 0 || errs[0].Pos.Line == 0 {
				t.Errorf("error %#v is not a list of positioned errors", err)
			}
		})
	}
}

// readerErrors returns the positioned errors in a reader's error, a
// *multierror.Error of *Errors (internal/problems), or nil if it is not
// one.
func readerErrors(err error) []*Error {
	var me *multierror.Error
	if !errors.As(err, &me) || len(me.Errors) == 0 {
		return nil
	}
	out := make([]*Error, 0, len(me.Errors))
	for _, e := range me.Errors {
		pe, ok := e.(*Error)
		if !ok {
			return nil
		}
		out = append(out, pe)
	}
	var first *Error
	if !errors.As(err, &first) || first != out[0] {
		return nil
	}
	return out
}

// Absurdly deep input must fail cleanly, not overflow the stack.
func TestReadITF_VeryDeep(t *testing.T) {
	for _, open := range []string{"[", `{"a":`, `{"#set":[`, `{"#map":[[`} {
		src := `{"vars":["x"],"states":[{"x":` + strings.Repeat(open, 200000)
		_, err := ReadITF("d.itf.json", []byte(src))
		if err == nil || !strings.Contains(err.Error(), "nested deeper than 1000") {
			t.Errorf("%s x 200000: error %v, want nesting limit", open, err)
		}
	}
	ok := `{"vars":["x"],"states":[{"x":` + strings.Repeat("[", 999) + strings.Repeat("]", 999) + `}]}`
	if _, err := ReadITF("d.itf.json", []byte(ok)); err != nil {
		t.Errorf("999 levels: %v", err)
	}
}

func TestReadTLCJSON_TwoPhase(t *testing.T) {
	// Reference: TwoPhase.tla, actions RMPrepare and TMCommit; TLC run with -dumpTrace json.
	tr, err := ReadTLCJSON("TwoPhase.trace.json", readFile(t, "testdata/tlcjson/TwoPhase.trace.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.States) != 8 || tr.Loop != -1 || !slices.Equal(tr.Vars, []string{"rmState", "tmState", "tmPrepared", "msgs"}) {
		t.Fatalf("states %d loop %d vars %q", len(tr.States), tr.Loop, tr.Vars)
	}
	a := tr.States[1].Action
	if a == nil || a.Name != "RMPrepare" || a.Location != "line 43, col 17 to line 46, col 52 of module TwoPhase" ||
		len(a.Args) != 1 || !Equal(a.Args[0], StringValue("r1")) || !Equal(a.Picks["r"], StringValue("r1")) {
		t.Errorf("state 2 action = %+v", a)
	}
	if a := tr.States[5].Action; a == nil || a.Name != "TMCommit" || a.Args != nil {
		t.Errorf("state 6 action = %+v, want TMCommit without arguments", a)
	}
	// TLC's JSON writes sets as arrays, functions over model values as
	// objects and model values as strings; they read as TLC's own
	// JsonDeserialize reads them.
	s := tr.States[7].Vars
	if got := s["rmState"].String(); got != `[r1 |-> "committed", r2 |-> "prepared", r3 |-> "aborted"]` {
		t.Errorf("rmState = %s", got)
	}
	if got := s["msgs"]; got.Kind != Seq || got.String() != `<<[type |-> "Commit"], [rm |-> "r1", type |-> "Prepared"], [rm |-> "r2", type |-> "Prepared"]>>` {
		t.Errorf("msgs = %#v", got)
	}
}

func TestReadTLCJSON_Lasso(t *testing.T) {
	// Reference: Clock.tla, property ReachesNoon; TLC prints "Back to state 1".
	tr, err := ReadTLCJSON("Clock_lasso.trace.json", readFile(t, "testdata/tlcjson/Clock_lasso.trace.json"))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Loop != 0 || len(tr.States) != 3 || tr.States[2].Action.Name != "Tick" {
		t.Errorf("loop %d, %d states, want loop 0 and 3 states", tr.Loop, len(tr.States))
	}
}

func TestReadTLCJSON_Errors(t *testing.T) {
	loc := `"location":{"beginLine":1,"beginColumn":2,"endLine":3,"endColumn":4,"module":"M"}`
	tests := []struct {
		name   string
		src    string
		want   string
		reason string
	}{
		{"no counterexample", `{"vars":[]}`, `t.json:1:1: the file has no "counterexample"`, "not TLC's format"},
		{"fraction", `{"counterexample":{"state":[[1,{"x":0.5}]],"action":[]}}`,
			`t.json:1:37: state 1: variable x: number 0.5 is not an integer`, "TLA+ values are integers"},
		{"null", `{"counterexample":{"state":[[1,{"x":null}]],"action":[]}}`,
			`t.json:1:37: state 1: variable x: null is not a TLA+ value`, "TLC writes no null"},
		{"gap", `{"counterexample":{"state":[[1,{"x":1}],[3,{"x":2}]],"action":[]}}`,
			`t.json:1:41: state 3: expected state 2 (states are numbered 1, 2, ...)`, "a behavior has no gaps"},
		{"twice", `{"counterexample":{"state":[[1,{"x":1}],[1,{"x":2}]],"action":[]}}`,
			`t.json:1:41: state 1 appears twice`, "several initial states are not one behavior"},
		{"state number", `{"counterexample":{"state":[["1",{}]]}}`,
			`t.json:1:30: expected a state number (1, 2, ...), found '"'`, "TLC numbers states"},
		{"state shape", `{"counterexample":{"state":[{"x":1}]}}`,
			`t.json:1:29: expected a state [number, {variables}], found '{'`, "states are [n, {...}]"},
		{"missing var", `{"counterexample":{"state":[[1,{"x":1}],[2,{}]]},"vars":["x"]}`,
			`t.json:1:41: state 2: no value for variable "x"`, "every state has every variable"},
		{"extra var", `{"counterexample":{"state":[[1,{"x":1,"y":2}]]},"vars":["x"]}`,
			`t.json:1:43: state 1: variable "y" is not in vars`, "vars lists the variables"},
		{"action range", `{"counterexample":{"state":[[1,{}]],"action":[[[1,{}],{"name":"A",` + loc + `},[2,{}]]]}}`,
			`t.json:1:47: action "A" goes from state 1 to state 2, but there is 1 state`, "actions join states"},
		{"action skips", `{"counterexample":{"state":[[1,{}],[2,{}],[3,{}]],"action":[[[1,{}],{"name":"A"},[3,{}]]]}}`,
			`t.json:1:61: action "A" goes from state 1 to state 3, which does not follow the trace`, "a behavior is a path"},
		{"action context", `{"counterexample":{"state":[[1,{}],[2,{}]],"action":[[[1,{}],{"name":"A","context":[1]},[2,{}]]]}}`,
			`t.json:1:84: action: context: want an object, got sequence`, "context maps parameters to values"},
		{"action parameter", `{"counterexample":{"state":[[1,{}],[2,{}]],"action":[[[1,{}],{"name":"A","context":{},"parameters":["r"]},[2,{}]]]}}`,
			`t.json:1:54: action A: parameter "r" has no value in the context`, "each parameter has a value"},
		{"location", `{"counterexample":{"state":[],"action":[[[1,{}],{"location":{"beginLine":"1"}},[1,{}]]]}}`,
			`t.json:1:74: action: beginLine: want a line or column number, got "1"`, "locations are numbers"},
		{"trailing", `{"counterexample":{}}}`, `t.json:1:22: unexpected '}' after the counterexample`, "one object per file"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			tr, err := ReadTLCJSON("t.json", []byte(tt.src))
			if err == nil {
				t.Fatalf("ReadTLCJSON() = %s, want error %s (%s)", dumpTrace(tr), tt.want, tt.reason)
			}
			if err.Error() != tt.want {
				t.Errorf("ReadTLCJSON() error:\n got %s\nwant %s\n(%s)", err, tt.want, tt.reason)
			}
		})
	}
}

func TestReadFormat(t *testing.T) {
	tests := []struct {
		name, src, format string
		want              string // the trace's format, or the error
		reason            string
	}{
		{"itf", `{"#meta":{},"vars":[],"states":[]}`, "", "itf", "#meta is ITF's"},
		{"itf vars first", ` {"vars":[],"states":[]}`, "", "itf", "vars is in both formats; states decides"},
		{"tlc-json", `{"counterexample":{"state":[],"action":[]},"vars":[]}`, "", "tlc-json", "counterexample is TLC's"},
		{"tlc-json vars first", `{"vars":[],"counterexample":{"state":[],"action":[]}}`, "", "tlc-json", "vars is in both formats"},
		{"broken json", `{"vars":[1,`, "", `b.txt:1:10: vars: expected a string, found '1'`, "JSON that is broken is reported as ITF"},
		{"override", `{"vars":[],"states":[]}`, "tlc-json", `b.txt:1:1: the file has no "counterexample"`, "the format can be forced"},
		{"unknown", `{}`, "tla", `unknown trace format "tla" (want itf, tlc-json or tlc)`, "a typo in the format"},
	}
	for _, tt := range tests {
		if tt.reason == "" {
			t.Fatalf("%s: missing reason", tt.name)
		}
		traces, err := ReadFormat("b.txt", []byte(tt.src), tt.format)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = traces[0].Format
		}
		if got != tt.want {
			t.Errorf("%s: ReadFormat() = %s, want %s (%s)", tt.name, got, tt.want, tt.reason)
		}
	}
	if got := detectFormat([]byte("TLC2 Version 2.18\n")); got != FormatTLC {
		t.Errorf("detectFormat(TLC text) = %s", got)
	}
	for _, f := range corpus(t, "itf/*.itf.json") {
		if got := detectFormat(readFile(t, f)); got != FormatITF {
			t.Errorf("detectFormat(%s) = %s", f, got)
		}
	}
	for _, f := range corpus(t, "tlcjson/*.trace.json") {
		if got := detectFormat(readFile(t, f)); got != FormatTLCJSON {
			t.Errorf("detectFormat(%s) = %s", f, got)
		}
	}
}

func FuzzReadITF(f *testing.F) {
	for _, file := range corpus(f, "itf/*.itf.json") {
		f.Add(readFile(f, file))
	}
	f.Add([]byte(`{"params":["N"],"vars":["x"],"states":[{"N":1,"x":{"#map":[[{"#tup":[1,"a"]},{"#set":[true,false]}]]}},{"x":[{"#unserializable":"Int"}]}],"loop":0}`))
	f.Add([]byte(`{"vars":["s"],"states":[{"s":"\u00e9\ud83d\ude00\\\"\n"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := ReadITF("f.itf.json", data)
		if err != nil {
			if errs := readerErrors(err); len(errs) == 0 || errs[0].Pos.File != "f.itf.json" {
				t.Fatalf("error %#v is not a list of positioned errors", err)
			}
			return
		}
		out := writeITF(t, tr)
		back, err := ReadITF("f.itf.json", out)
		if err != nil {
			t.Fatalf("ReadITF(WriteITF()): %v\n%s", err, out)
		}
		if d := sameStates(tr, back, true, true); d != "" {
			t.Fatalf("ReadITF(WriteITF()): %s\n%s", d, out)
		}
		if back.Loop != tr.Loop || !slices.Equal(back.Vars, tr.Vars) || !slices.Equal(back.Params, tr.Params) || tr.Meta != nil && !bytes.Equal(back.Meta, tr.Meta) {
			t.Fatalf("ReadITF(WriteITF()): trace fields differ\n%s", out)
		}
		if again := writeITF(t, back); !bytes.Equal(again, out) {
			t.Fatalf("WriteITF not stable:\n%s\n%s", out, again)
		}
	})
}

func FuzzReadTLCJSON(f *testing.F) {
	for _, file := range corpus(f, "tlcjson/*.trace.json") {
		f.Add(readFile(f, file))
	}
	f.Add([]byte(`{"counterexample": {"state": [[1, {"v": {"0": [[1, 2]], "<<1, 2>>": {"2": true}, "<<\"a\", 1>>": []}}]], "action": []}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := ReadTLCJSON("f.json", data)
		if err != nil {
			if errs := readerErrors(err); len(errs) == 0 || errs[0].Pos.File != "f.json" {
				t.Fatalf("error %#v is not a list of positioned errors", err)
			}
			return
		}
		// Every value decodes into each Go type or says why not.
		for _, st := range tr.States {
			for _, v := range st.Vars {
				for _, dst := range decodeTargets() {
					if err := Decode(v, dst); err != nil {
						if de, ok := err.(*DecodeError); !ok || de.Pos.File != "f.json" {
							t.Fatalf("Decode(%v, %T): error %#v, want a *DecodeError in f.json", v, dst, err)
						}
					}
				}
			}
		}
		if slices.Contains(tr.Vars, "#meta") {
			return // ITF cannot have this variable; TLC cannot either
		}
		out := writeITF(t, tr)
		back, err := ReadITF("f.itf.json", out)
		if err != nil {
			t.Fatalf("ReadITF(WriteITF()): %v\n%s", err, out)
		}
		if d := sameStates(tr, back, false, false); d != "" {
			t.Fatalf("ReadITF(WriteITF()): %s\n%s", d, out)
		}
		if back.Loop != tr.Loop || !slices.Equal(back.Vars, tr.Vars) {
			t.Fatalf("ReadITF(WriteITF()): loop or vars differ\n%s", out)
		}
	})
}

// genValue draws a value of any kind except model values (which ITF
// writes as strings), nested up to depth.
func genValue(t *rapid.T, depth int) Value {
	kinds := []Kind{Bool, Int, String, Unserializable}
	if depth > 0 {
		kinds = append(kinds, Set, Seq, Tuple, Record, Func)
	}
	elems := func() []Value {
		n := rapid.IntRange(0, 3).Draw(t, "n")
		vs := make([]Value, n)
		for i := range vs {
			vs[i] = genValue(t, depth-1)
		}
		return vs
	}
	switch k := rapid.SampledFrom(kinds).Draw(t, "kind"); k {
	case Bool:
		return BoolValue(rapid.Bool().Draw(t, "b"))
	case Int:
		if rapid.Bool().Draw(t, "big") {
			n, _ := new(big.Int).SetString(rapid.StringMatching(`-?[1-9][0-9]{18,40}`).Draw(t, "digits"), 10)
			return BigValue(n)
		}
		return IntValue(rapid.Int64().Draw(t, "i"))
	case String:
		return StringValue(rapid.String().Draw(t, "s"))
	case Unserializable:
		return Value{Kind: Unserializable, Str: rapid.String().Draw(t, "u")}
	case Set:
		return SetValue(elems()...)
	case Seq:
		return SeqValue(elems()...)
	case Tuple:
		return TupleValue(elems()...)
	case Record:
		var fs []Field
		for _, name := range rapid.SliceOfDistinct(rapid.StringMatching(`#?[a-z]{0,3}`), rapid.ID).Draw(t, "fields") {
			fs = append(fs, Field{name, genValue(t, depth-1)})
		}
		return RecordValue(fs...)
	default:
		var ps []Pair
		for range rapid.IntRange(0, 3).Draw(t, "pairs") {
			ps = append(ps, Pair{genValue(t, depth-1), genValue(t, depth-1)})
		}
		return FuncValue(ps...)
	}
}

// Any trace written as ITF reads back equal.
func TestWriteITF_Property(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z:#][a-z:]{0,5}`).Filter(func(s string) bool { return s != "#meta" }), 0, 4, rapid.ID).Draw(t, "names")
		np := rapid.IntRange(0, len(names)).Draw(t, "params")
		tr := &Trace{Params: names[:np], Vars: names[np:], Loop: -1}
		if rapid.Bool().Draw(t, "meta") {
			tr.Meta = json.RawMessage(`{"source":"gen","n":[1.5,null]}`)
		}
		n := rapid.IntRange(0, 4).Draw(t, "states")
		for i := range n {
			st := State{Vars: map[string]Value{}}
			if tr.Meta != nil && rapid.Bool().Draw(t, "state meta") {
				st.Meta = json.RawMessage(fmt.Sprintf(`{"index":%d}`, i))
			}
			for j, name := range names {
				if j >= np || i == 0 {
					st.Vars[name] = genValue(t, 3)
				}
			}
			tr.States = append(tr.States, st)
		}
		if n > 0 && rapid.Bool().Draw(t, "lasso") {
			tr.Loop = rapid.IntRange(0, n-1).Draw(t, "loop")
		}
		out := writeITF(t, tr)
		back, err := ReadITF("p.itf.json", out)
		if err != nil {
			t.Fatalf("ReadITF(WriteITF()): %v\n%s", err, out)
		}
		if d := sameStates(tr, back, false, true); d != "" {
			t.Fatalf("%s\n%s", d, out)
		}
		if back.Loop != tr.Loop || !slices.Equal(back.Params, tr.Params) || !slices.Equal(back.Vars, tr.Vars) {
			t.Fatalf("loop/params/vars differ:\n%s", out)
		}
		if tr.Meta != nil {
			if !bytes.Equal(back.Meta, tr.Meta) {
				t.Fatalf("meta %s, want %s", back.Meta, tr.Meta)
			}
			for i := range tr.States {
				if !bytes.Equal(back.States[i].Meta, tr.States[i].Meta) {
					t.Fatalf("state %d meta %s, want %s", i, back.States[i].Meta, tr.States[i].Meta)
				}
			}
		}
	})
}

// benchITF returns an ITF file of at least size bytes: many states of
// nested values, written by WriteITF (Quint-like: compact, #bigint ints).
func benchITF(b *testing.B, size int) []byte {
	b.Helper()
	tr := &Trace{Vars: []string{"balances", "log", "pending", "step", "status", "grid"}, Loop: -1,
		Meta: json.RawMessage(`{"format":"ITF","source":"bench.qnt"}`)}
	users := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}
	var log []Value
	for i := 0; ; i++ {
		var bal []Pair
		for j, u := range users {
			bal = append(bal, Pair{StringValue(u), IntValue(int64(i*31+j*17) % 1000)})
		}
		if len(log) > 20 {
			log = log[1:]
		}
		log = append(log, RecordValue(Field{"from", StringValue(users[i%8])}, Field{"to", StringValue(users[(i+3)%8])},
			Field{"amount", IntValue(int64(i % 97))}, Field{"ok", BoolValue(i%3 != 0)}))
		var pending []Value
		for j := range i % 7 {
			pending = append(pending, TupleValue(IntValue(int64(j)), StringValue(users[j])))
		}
		var grid []Pair
		for j := range 4 {
			grid = append(grid, Pair{TupleValue(IntValue(int64(j)), IntValue(int64(i%5))), SetValue(IntValue(int64(j)), IntValue(int64(i)))})
		}
		tr.States = append(tr.States, State{Meta: json.RawMessage(fmt.Sprintf(`{"index":%d}`, i)), Vars: map[string]Value{
			"balances": FuncValue(bal...),
			"log":      SeqValue(log...),
			"pending":  SetValue(pending...),
			"step":     BigValue(new(big.Int).Lsh(big.NewInt(int64(i)), 70)),
			"status":   RecordValue(Field{"tag", StringValue("Busy")}, Field{"value", IntValue(int64(i))}),
			"grid":     FuncValue(grid...),
		}})
		if i%256 == 0 {
			if out := writeITF(b, tr); len(out) >= size {
				return out
			}
		}
	}
}

const benchSize = 10 << 20

func BenchmarkReadITF(b *testing.B) {
	data := benchITF(b, benchSize)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := ReadITF("bench.itf.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkITF_EncodingJSON decodes the same bytes with encoding/json
// into an any, for comparison.
func BenchmarkITF_EncodingJSON(b *testing.B) {
	data := benchITF(b, benchSize)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteITF(b *testing.B) {
	data := benchITF(b, benchSize)
	tr, err := ReadITF("bench.itf.json", data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := WriteITF(io.Discard, tr); err != nil {
			b.Fatal(err)
		}
	}
}

// tlcJSONShape maps v to what TLC's JSON output keeps of it: model values
// become strings, sets and sequences become sets (the JSON cannot tell
// them apart, and TLC orders sets its own way), functions and records
// become records keyed by the printed key.
func tlcJSONShape(v Value) Value {
	switch v.Kind {
	case ModelValue:
		return StringValue(v.Str)
	case Set, Seq, Tuple:
		es := make([]Value, len(v.Elems))
		for i, e := range v.Elems {
			es[i] = tlcJSONShape(e)
		}
		return SetValue(es...)
	case Record, Func:
		var fs []Field
		for _, p := range asFunc(v) {
			name := p.Key.Str
			if p.Key.Kind != String && p.Key.Kind != ModelValue {
				name = p.Key.String()
			}
			fs = append(fs, Field{name, tlcJSONShape(p.Value)})
		}
		return RecordValue(fs...)
	}
	return v
}

// TLC's text output and its -dumpTrace json file of the same run give the
// same trace, up to what the JSON loses.
func TestReadTLCJSON_AgreesWithText(t *testing.T) {
	for _, name := range []string{"DieHard", "TwoPhase", "Clock_lasso"} {
		t.Run(name, func(t *testing.T) {
			text, err := Read(name+".out.txt", readFile(t, filepath.Join("testdata", "tlc", name+".out.txt")))
			if err != nil || len(text) != 1 {
				t.Fatalf("Read(text) = %d traces, %v", len(text), err)
			}
			js, err := Read(name+".trace.json", readFile(t, filepath.Join("testdata", "tlcjson", name+".trace.json")))
			if err != nil {
				t.Fatal(err)
			}
			a, b := text[0], js[0]
			if a.Format != FormatTLC || b.Format != FormatTLCJSON {
				t.Errorf("formats %s, %s", a.Format, b.Format)
			}
			if len(a.States) != len(b.States) || a.Loop != b.Loop || !slices.Equal(itfSortedNames(a.States[0].Vars), itfSortedNames(b.States[0].Vars)) {
				t.Fatalf("text: %d states, loop %d, vars %q; json: %d states, loop %d, vars %q",
					len(a.States), a.Loop, a.Vars, len(b.States), b.Loop, b.Vars)
			}
			for i := range a.States {
				for k, va := range a.States[i].Vars {
					if wa, wb := tlcJSONShape(va), tlcJSONShape(b.States[i].Vars[k]); !Equal(wa, wb) {
						t.Errorf("state %d: %s: text %s, json %s", i, k, va, b.States[i].Vars[k])
					}
				}
				aa, ab := a.States[i].Action, b.States[i].Action
				if (aa == nil) != (ab == nil) {
					t.Fatalf("state %d: actions %+v, %+v", i, aa, ab)
				}
				if aa == nil {
					continue
				}
				if aa.Name != ab.Name || aa.Location != ab.Location || len(aa.Args) != len(ab.Args) {
					t.Errorf("state %d: text action %+v, json action %+v", i, aa, ab)
				}
				for j := range aa.Args {
					if !Equal(tlcJSONShape(aa.Args[j]), tlcJSONShape(ab.Args[j])) {
						t.Errorf("state %d: argument %d: text %s, json %s", i, j, aa.Args[j], ab.Args[j])
					}
				}
			}
		})
	}
}

// modelValuesToStrings is what WriteITF makes of model values.
func modelValuesToStrings(v Value) Value {
	switch v.Kind {
	case ModelValue:
		return StringValue(v.Str)
	case Set, Seq, Tuple:
		es := make([]Value, len(v.Elems))
		for i, e := range v.Elems {
			es[i] = modelValuesToStrings(e)
		}
		if v.Kind == Set {
			return SetValue(es...)
		}
		return Value{Kind: v.Kind, Elems: es}
	case Record:
		fs := make([]Field, len(v.Fields))
		for i, f := range v.Fields {
			fs[i] = Field{f.Name, modelValuesToStrings(f.Value)}
		}
		return RecordValue(fs...)
	case Func:
		ps := make([]Pair, len(v.Pairs))
		for i, p := range v.Pairs {
			ps[i] = Pair{modelValuesToStrings(p.Key), modelValuesToStrings(p.Value)}
		}
		return FuncValue(ps...)
	}
	return v
}

// Every trace in TLC's text corpus can be written as ITF and read back.
func TestWriteITF_TLCTextCorpus(t *testing.T) {
	for _, file := range corpus(t, "tlc/*.out.txt") {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			traces, err := Read(name, readFile(t, file))
			if err != nil {
				t.Fatal(err)
			}
			for n, tr := range traces {
				out := writeITF(t, tr)
				back, err := ReadITF(name, out)
				if err != nil {
					t.Fatalf("trace %d: ReadITF(WriteITF()): %v\n%s", n, err, out)
				}
				want := *tr
				want.States = slices.Clone(tr.States)
				for i, st := range want.States {
					vars := map[string]Value{}
					for k, v := range st.Vars {
						vars[k] = modelValuesToStrings(v)
					}
					want.States[i].Vars = vars
				}
				if d := sameStates(&want, back, true, false); d != "" {
					t.Errorf("trace %d: %s", n, d)
				}
				wantLoop := tr.Loop
				if tr.Stuttering {
					wantLoop = len(tr.States) - 1
				}
				if back.Loop != wantLoop || !slices.Equal(back.Vars, tr.Vars) {
					t.Errorf("trace %d: loop %d vars %q, want %d %q", n, back.Loop, back.Vars, wantLoop, tr.Vars)
				}
			}
		})
	}
}
