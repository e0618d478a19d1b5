package tlaimport

import (
	"math/big"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Shorthands for building values in tests.
func dmv(s string) Value  { return ModelValueOf(s) }
func dstr(s string) Value { return StringValue(s) }
func dnum(i int64) Value  { return IntValue(i) }
func drec(kv ...any) Value {
	var fs []Field
	for i := 0; i < len(kv); i += 2 {
		fs = append(fs, Field{kv[i].(string), kv[i+1].(Value)})
	}
	return RecordValue(fs...)
}
func dfn(kv ...Value) Value {
	var ps []Pair
	for i := 0; i < len(kv); i += 2 {
		ps = append(ps, Pair{kv[i], kv[i+1]})
	}
	return FuncValue(ps...)
}
func dat(v Value, line, col int) Value {
	v.Pos = Pos{File: "t.out", Line: line, Col: col}
	return v
}

type dcolor string

type dpoint struct {
	X, Y int
}

type dvariant struct {
	Tag   string
	Value any
}

type dkitchen struct {
	Flag     bool             `tla:"flag"`
	Small    int8             `tla:"small"`
	Big      *big.Int         `tla:"big"`
	BigVal   big.Int          `tla:"bigVal"`
	Color    dcolor           `tla:"color"`
	Tags     []string         `tla:"tags"`
	TagSet   map[string]bool  `tla:"tagSet"`
	Empty    map[int]struct{} `tla:"empty"`
	ByRM     []dcolor         `tla:"byRM"`
	ByIndex  [3]int           `tla:"byIndex"`
	Marks    []bool           `tla:"marks"`
	Grid     map[dpoint]bool  `tla:"grid"`
	Pair     [2]any           `tla:"pair"`
	Point    dpoint           `tla:"point"`
	Status   dvariant         `tla:"status"`
	Maybe    *int             `tla:"maybe"`
	Nothing  *int             `tla:"nothing"`
	Leader   uint             `tla:"leader"`
	Raw      Value            `tla:"raw"`
	Any      any              `tla:"any"`
	Balances map[string]int64 `tla:"balances"`
	Ignored  int              `tla:"-"`
	CaseFold int
}

func TestDecodeState_Kitchen(t *testing.T) {
	huge, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	st := State{Vars: map[string]Value{
		"flag":     BoolValue(true),
		"small":    dnum(-128),
		"big":      BigValue(huge),
		"bigVal":   dnum(7),
		"color":    dmv("red"),
		"tags":     SetValue(dstr("b"), dstr("a")),
		"tagSet":   SetValue(dmv("x")),
		"empty":    SetValue(),
		"byRM":     dfn(dmv("r2"), dstr("green"), dmv("r1"), dstr("blue")),
		"byIndex":  dfn(dnum(0), dnum(10), dnum(1), dnum(11), dnum(2), dnum(12)),
		"marks":    SetValue(dmv("p3"), dmv("p1")),
		"grid":     dfn(TupleValue(dnum(0), dnum(-1)), BoolValue(false), TupleValue(dnum(2), dnum(3)), BoolValue(true)),
		"pair":     TupleValue(dnum(1), dstr("one")),
		"point":    drec("X", dnum(4), "Y", dnum(5)),
		"status":   drec("tag", dstr("Failed"), "value", drec("code", dnum(-1))),
		"maybe":    drec("tag", dstr("Some"), "value", dnum(9)),
		"nothing":  drec("tag", dstr("None"), "value", TupleValue()),
		"leader":   dmv("n3"),
		"raw":      SetValue(dnum(1)),
		"any":      SeqValue(dnum(1), dstr("s"), drec("f", BoolValue(false))),
		"balances": drec("alice", dnum(10), "bob", dnum(5)),
		"casefold": dnum(1),
		"extra":    dnum(99),
	}}
	got, err := DecodeState[dkitchen](st)
	if err != nil {
		t.Fatal(err)
	}
	nine := 9
	want := dkitchen{
		Flag: true, Small: -128, Big: huge, BigVal: *big.NewInt(7), Color: "red",
		Tags: []string{"a", "b"}, TagSet: map[string]bool{"x": true}, Empty: map[int]struct{}{},
		ByRM: []dcolor{"blue", "green"}, ByIndex: [3]int{10, 11, 12}, Marks: []bool{true, false, true},
		Grid: map[dpoint]bool{{0, -1}: false, {2, 3}: true}, Pair: [2]any{1, "one"}, Point: dpoint{4, 5},
		Status: dvariant{"Failed", map[string]any{"code": -1}}, Maybe: &nine, Leader: 2,
		Raw: SetValue(dnum(1)), Any: []any{1, "s", map[string]any{"f": false}},
		Balances: map[string]int64{"alice": 10, "bob": 5}, CaseFold: 1,
	}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 }),
		cmp.Comparer(func(a, b big.Int) bool { return a.Cmp(&b) == 0 }), cmp.Comparer(Equal)); d != "" {
		t.Errorf("DecodeState mismatch (-want +got):\n%s", d)
	}
}

func TestDecode_Errors(t *testing.T) {
	type inner struct {
		Name string `tla:"name"`
	}
	type st struct {
		RMState []string        `tla:"rmState"`
		N       int8            `tla:"n"`
		U       uint            `tla:"u"`
		Inner   inner           `tla:"inner"`
		Set     map[string]int  `tla:"set"`
		Idx     int             `tla:"idx"`
		Seq     [2]int          `tla:"seq"`
		Flags   []bool          `tla:"flags"`
		Enum    string          `tla:"enum"`
		Nested  map[string]bool `tla:"nested"`
		Missing int             `tla:"msising"`
	}
	good := map[string]Value{
		"rmState": dfn(dmv("r1"), dstr("working")),
		"n":       dnum(1), "u": dnum(1), "inner": drec("name", dstr("x")), "set": drec(), "idx": dnum(0),
		"seq": SeqValue(dnum(1), dnum(2)), "flags": SetValue(), "enum": dstr("a"), "nested": drec(),
		"msising": dnum(0),
	}
	tests := []struct {
		name   string
		vars   map[string]Value
		want   string
		reason string
	}{
		{"wrong kind in function", map[string]Value{"rmState": dfn(dmv("r1"), dstr("working"), dmv("r2"), dat(SetValue(), 41, 7))},
			`t.out:41:7: rmState[r2]: want string, got set {}`, "the path names the key, the position the value"},
		{"overflow", map[string]Value{"n": dat(dnum(300), 3, 1)}, `t.out:3:1: n: 300 overflows int8`, "int8 holds -128..127"},
		{"negative uint", map[string]Value{"u": dnum(-1)}, `t.out:9:1: u: -1 overflows uint`, "no position: the state's"},
		{"missing record field", map[string]Value{"inner": drec("nmae", dstr("x"))},
			`t.out:9:1: inner.nmae: record field nmae has no field in struct (tlaimport.inner) (did you mean name?)`, "did you mean"},
		{"set into map of ints", map[string]Value{"set": SetValue(dstr("a"))},
			`t.out:9:1: set: want map[string]int, got set {"a"} (a set goes into a map[T]bool or map[T]struct{})`, "map-as-set needs bool or struct{} values"},
		{"name without number", map[string]Value{"idx": dmv("leader")},
			`t.out:9:1: idx: want int, got model value leader (a name goes into an integer only if it ends in a number from 1, like r1)`, "the numbering rule"},
		{"array length", map[string]Value{"seq": SeqValue(dnum(1))}, `t.out:9:1: seq: want [2]int, got sequence of 1 element`, "arrays keep their length"},
		{"marks", map[string]Value{"flags": SetValue(dmv("a"), dmv("b1"))},
			`t.out:9:1: flags{a}: want a name that ends in a number from 1, like r1, for an index of []bool; got model value a`, "set elements are numbered"},
		{"sparse keys", map[string]Value{"rmState": dfn(dmv("r1"), dstr("a"), dmv("r3"), dstr("b"))},
			`t.out:9:1: rmState: want []string, got function with keys r1, r3; a function goes into a slice when its keys are 1..N, 0..N-1, or names numbered 1..N like r1, r2 (use a map otherwise)`, "keys must be dense"},
		{"dvariant into string", map[string]Value{"enum": drec("tag", dstr("Working"), "value", TupleValue())},
			`t.out:9:1: enum: want string, got variant Working ([tag |-> "Working", value |-> <<>>]); a variant goes into a struct with Tag and Value fields, or implement tlaimport.Decoder on string`, "hint at Decoder"},
		{"nested map value", map[string]Value{"nested": dfn(dstr("k"), dat(dnum(1), 5, 2))}, `t.out:5:2: nested["k"]: want bool, got int 1`, "string keys quoted"},
		{"missing variable", map[string]Value{"msising": {}}, "", "placeholder, replaced below"},
	}
	for _, tt := range tests {
		if tt.reason == "" {
			t.Fatalf("%s: missing reason", tt.name)
		}
		vars := map[string]Value{}
		for k, v := range good {
			vars[k] = v
		}
		for k, v := range tt.vars {
			vars[k] = v
		}
		if tt.name == "missing variable" {
			delete(vars, "msising")
			vars["missing"] = dnum(0)
			tt.want = `t.out:9:1: no variable msising for field Missing of struct (tlaimport.st) (did you mean missing? tag the field ` + "`tla:\"missing\"`)"
		}
		_, err := DecodeState[st](State{Vars: vars, Pos: Pos{File: "t.out", Line: 9, Col: 1}})
		if err == nil {
			t.Errorf("%s: no error, want %s", tt.name, tt.want)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("%s (%s):\n got %s\nwant %s", tt.name, tt.reason, got, tt.want)
		}
	}
}

func TestDecodeTrace_StateLabels(t *testing.T) {
	type st struct {
		X int `tla:"x"`
	}
	for _, tt := range []struct {
		format, want string
	}{
		{"tlc", `T.out:7:1: state 3: x: want int, got string "a" (a name goes into an integer only if it ends in a number from 1, like r1)`},
		{"itf", `T.out:7:1: state 2: x: want int, got string "a" (a name goes into an integer only if it ends in a number from 1, like r1)`},
	} {
		tr := &Trace{Format: tt.format, File: "T.out", States: []State{
			{Vars: map[string]Value{"x": dnum(1)}},
			{Vars: map[string]Value{"x": dnum(2)}},
			{Vars: map[string]Value{"x": dstr("a")}, Pos: Pos{File: "T.out", Line: 7, Col: 1}},
		}}
		_, err := DecodeTrace[st](tr)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: got %v, want %s", tt.format, err, tt.want)
		}
		var de *DecodeError
		if !asDecodeError(err, &de) || de.Path != "x" || de.State == "" {
			t.Errorf("%s: error is not a *DecodeError with its path: %#v", tt.format, err)
		}
	}
}

func asDecodeError(err error, de **DecodeError) bool {
	e, ok := err.(*DecodeError)
	*de = e
	return ok
}

func TestStateDecoder_TemplateAndNames(t *testing.T) {
	type st struct {
		Prepared []bool
		Count    int
	}
	tmpl := st{Prepared: make([]bool, 3)}
	d := StateDecoder[st]{Template: &tmpl, Names: map[string]string{"Prepared": "tmPrepared", "Count": "n"}}
	got, err := d.Decode(State{Vars: map[string]Value{"tmPrepared": SetValue(dmv("r2")), "n": dnum(4)}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (st{Prepared: []bool{false, true, false}, Count: 4}); !cmp.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if tmpl.Prepared[1] {
		t.Error("decoding changed the template")
	}
	got, err = d.Decode(State{Vars: map[string]Value{"tmPrepared": SetValue(dmv("r5")), "n": dnum(4)}})
	if err != nil || len(got.Prepared) != 5 || !got.Prepared[4] {
		t.Errorf("a set with an index past the template's length: got %+v, %v; want it grown to 5", got, err)
	}
	strict := StateDecoder[st]{Names: d.Names, Strict: true}
	_, err = strict.Decode(State{Vars: map[string]Value{"tmPrepared": SetValue(), "n": dnum(4), "n2": dnum(1)}})
	if err == nil || !strings.Contains(err.Error(), "variable n2 has no field") {
		t.Errorf("Strict: got %v, want an error about n2", err)
	}
}

// dmsgs decodes itself from a set of names.
type dmsgs struct{ names []string }

func (m *dmsgs) DecodeTLA(v Value) error {
	if v.Kind != Set {
		return errDecodeTest
	}
	m.names = nil
	for _, e := range v.Elems {
		var s string
		if err := Decode(e, &s); err != nil {
			return err
		}
		m.names = append(m.names, s)
	}
	return nil
}

var errDecodeTest = &Error{Msg: "want a set"}

func TestDecode_Decoder(t *testing.T) {
	type st struct {
		M dmsgs            `tla:"m"`
		P map[string]dmsgs `tla:"p"`
	}
	var s st
	err := Decode(drec("m", SetValue(dstr("a"), dstr("b")), "p", dfn(dstr("k"), SetValue(dstr("c")))), &s)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(s.M.names, []string{"a", "b"}) || !cmp.Equal(s.P["k"].names, []string{"c"}) {
		t.Errorf("got %+v", s)
	}
	err = Decode(drec("m", dnum(1), "p", drec()), &s)
	if err == nil || err.Error() != "m: want a set" {
		t.Errorf("Decoder error: got %v", err)
	}
	err = Decode(drec("m", SetValue(dnum(1)), "p", drec()), &s)
	if err == nil || err.Error() != "m: want string, got int 1" {
		t.Errorf("nested Decode error: got %v", err)
	}
	if err := Decode(dnum(1), s); err == nil {
		t.Error("Decode into a non-pointer: no error")
	}
}
