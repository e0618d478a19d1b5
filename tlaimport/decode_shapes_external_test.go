package tlaimport_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mbtgo/mbt/tlaimport"
)

// The states of testdata/specs/Shapes.tla (N = 3, Nodes = {n1, n2}) in two
// Go shapes. TLC's text output and its -dumpTrace json write the same
// values differently: a function over 0..N-1 is (0 :> a @@ 1 :> b) in
// text and {"0": a, "1": b} in JSON, a function keyed by tuples is
// (<<n1, n2>> :> x) and {"<<n1, n2>>": x}, a set of tuples is {<<0, 1>>}
// and [[0, 1]].
type shapesUse struct{ Slot, N int }

type shapesCost struct {
	Name string
	N    int
}

type shapesLink struct{ From, To string }

type shapesA struct {
	Slots []int               `tla:"slots"`
	Links map[[2]string]bool  `tla:"links"`
	Seen  map[string]struct{} `tla:"seen"`
	Used  map[shapesUse]bool  `tla:"used"`
	Tags  map[string]int      `tla:"tags"`
	Cost  map[shapesCost]int  `tla:"cost"`
}

type shapesB struct {
	Slots [3]int              `tla:"slots"`
	Links map[shapesLink]bool `tla:"links"`
	Seen  []bool              `tla:"seen"` // n1 is index 0, by the numbering rule
	Used  map[[2]int]struct{} `tla:"used"`
	Tags  map[string]int      `tla:"tags"`
	Cost  map[[2]any]int      `tla:"cost"`
}

type shapesC struct {
	Slots map[int]int     `tla:"slots"`
	Seen  map[string]bool `tla:"seen"`
}

// shapesWantA returns the four states of Shapes.out.txt: Put(0), Put(0),
// then Link(n1, n1).
func shapesWantA() []shapesA {
	links := func(n1n1 bool) map[[2]string]bool {
		return map[[2]string]bool{{"n1", "n1"}: n1n1, {"n1", "n2"}: false, {"n2", "n1"}: false, {"n2", "n2"}: false}
	}
	cost := func(a2 int) map[shapesCost]int {
		return map[shapesCost]int{{"a", 1}: 0, {"a", 2}: a2, {"b", 1}: 0, {"b", 2}: 0}
	}
	tags := func(x int) map[string]int { return map[string]int{"x": x, "y": 0} }
	return []shapesA{
		{Slots: []int{0, 0, 0}, Links: links(false), Seen: map[string]struct{}{}, Used: map[shapesUse]bool{}, Tags: tags(0), Cost: cost(0)},
		{Slots: []int{1, 0, 0}, Links: links(false), Seen: map[string]struct{}{}, Used: map[shapesUse]bool{{0, 0}: true}, Tags: tags(0), Cost: cost(0)},
		{Slots: []int{2, 0, 0}, Links: links(false), Seen: map[string]struct{}{}, Used: map[shapesUse]bool{{0, 0}: true, {0, 1}: true}, Tags: tags(0), Cost: cost(0)},
		{Slots: []int{2, 0, 0}, Links: links(true), Seen: map[string]struct{}{"n1": {}}, Used: map[shapesUse]bool{{0, 0}: true, {0, 1}: true}, Tags: tags(1), Cost: cost(1)},
	}
}

// Reference: Shapes.tla; TLC's counterexample for the invariant Small,
// in its text output and with -dumpTrace json. Both decode into the same
// Go states, whichever Go shape holds them.
func TestDecodeTrace_TLCShapes(t *testing.T) {
	for _, file := range []string{"Shapes.out.txt", "Shapes.trace.json"} {
		t.Run(file, func(t *testing.T) {
			tr := readDecodeTestdata(t, file)
			got, err := tlaimport.DecodeTrace[shapesA](tr)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(shapesWantA(), got); d != "" {
				t.Errorf("DecodeTrace[shapesA] mismatch (-want +got):\n%s", d)
			}

			gotB, err := tlaimport.DecodeTrace[shapesB](tr)
			if err != nil {
				t.Fatal(err)
			}
			last := gotB[len(gotB)-1]
			wantB := shapesB{
				Slots: [3]int{2, 0, 0},
				Links: map[shapesLink]bool{{"n1", "n1"}: true, {"n1", "n2"}: false, {"n2", "n1"}: false, {"n2", "n2"}: false},
				Seen:  []bool{true},
				Used:  map[[2]int]struct{}{{0, 0}: {}, {0, 1}: {}},
				Tags:  map[string]int{"x": 1, "y": 0},
				Cost:  map[[2]any]int{{"a", 1}: 0, {"a", 2}: 1, {"b", 1}: 0, {"b", 2}: 0},
			}
			if d := cmp.Diff(wantB, last); d != "" {
				t.Errorf("DecodeTrace[shapesB] last state mismatch (-want +got):\n%s", d)
			}

			gotC, err := tlaimport.DecodeTrace[shapesC](tr)
			if err != nil {
				t.Fatal(err)
			}
			wantC := shapesC{Slots: map[int]int{0: 2, 1: 0, 2: 0}, Seen: map[string]bool{"n1": true}}
			if d := cmp.Diff(wantC, gotC[len(gotC)-1]); d != "" {
				t.Errorf("DecodeTrace[shapesC] last state mismatch (-want +got):\n%s", d)
			}
		})
	}
}

// Values of TLC's JSON shapes that do not fit the Go type say where, with
// the state, the TLA+ path and the position of the value.
func TestDecode_TLCJSONShapeErrors(t *testing.T) {
	tests := []struct {
		name   string
		value  string // the JSON of variable v
		into   func(tlaimport.State) error
		want   string
		reason string
	}{
		{"sparse numbers into a slice", `{"0": 1, "2": 3}`, decodeInto[[]int],
			`f.json:1:41: state 1: v: want []int, got a function with keys 0, 2; a function goes into a slice when its keys are 1..N, 0..N-1, or names numbered 1..N like r1, r2 (use a map otherwise)`,
			"a function over {0, 2} is not a slice"},
		{"numbers into a short array", `{"0": 1, "1": 2}`, decodeInto[[3]int],
			`f.json:1:41: state 1: v: want [3]int, got record with 2 keys`, "arrays keep their length"},
		{"tuple key into a wider array", `{"<<1, 2>>": true}`, decodeInto[map[[3]int]bool],
			`f.json:1:54: state 1: v[<<1, 2>>]: want [3]int, got sequence of 2 elements`, "the path shows the key as TLA+"},
		{"tuple key into a struct of other fields", `{"<<\"a\", 1>>": 5}`, decodeInto[map[shapesUse]int],
			`f.json:1:58: state 1: v[<<"a", 1>>][1]: want int, got string "a" (a name goes into an integer only if it ends in a number from 1, like r1)`, "the key's element that does not fit"},
		{"name that is no TLA+ value into a struct key", `{"a b": 1}`, decodeInto[map[shapesUse]int],
			`f.json:1:49: state 1: v.a b: want struct (tlaimport_test.shapesUse), got string "a b"`, "a name that does not parse stays a string"},
		{"set with an element twice into a set map", `[[1, 2], [1, 2]]`, decodeInto[map[[2]int]bool],
			`f.json:1:50: state 1: v{<<1, 2>>}: two keys go into the same Go key [1 2]`, "TLC never writes one, and no element is lost"},
		{"set of records into a set of ints", `[{"a": 1}]`, decodeInto[map[int]struct{}],
			`f.json:1:42: state 1: v{[a |-> 1]}: want int, got record [a |-> 1]`, "the element that does not fit"},
		{"tuple key holding a set into an array of interfaces", `{"<<{1}, 2>>": 1}`, decodeInto[map[[2]any]int],
			`f.json:1:56: state 1: v[<<{1}, 2>>]: sequence <<{1}, 2>> cannot be a key of map[[2]interface {}]int: it decodes into a Go value that is not comparable`,
			"a set decodes into a []any, which cannot be part of a map key (this panicked)"},
		{"sequence of booleans into a set of ints", `[true]`, decodeInto[map[int]bool],
			"", "a sequence of booleans into a map[int]bool is the function 1 :> TRUE"},
		{"set into map of ints", `[1, 2]`, decodeInto[map[int]int],
			"", "a sequence into a map[int]int is the function 1..2, not a set"},
	}
	names := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || names[tt.name] {
			t.Fatalf("%s: missing reason or duplicate name", tt.name)
		}
		names[tt.name] = true
		data := `{"counterexample": {"state": [[1, {"v": ` + tt.value + `}]], "action": []}}`
		tr, err := tlaimport.ReadTLCJSON("f.json", []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		err = tt.into(tr.States[0])
		if err != nil {
			var de *tlaimport.DecodeError
			if !asDecodeErrorExt(err, &de) {
				t.Errorf("%s: error %T, want *DecodeError", tt.name, err)
			}
			de.State = "state 1" // as DecodeTrace names TLC's first state
			err = de
		}
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%s (%s):\n got %s\nwant %s", tt.name, tt.reason, got, tt.want)
		}
	}
}

func decodeInto[T any](st tlaimport.State) error {
	_, err := tlaimport.DecodeState[struct {
		V T `tla:"v"`
	}](st)
	return err
}

func asDecodeErrorExt(err error, de **tlaimport.DecodeError) bool {
	d, ok := err.(*tlaimport.DecodeError)
	*de = d
	return ok && !strings.Contains(d.Path, "\n")
}
