package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/examples/bank"
	"github.com/mbtgo/mbt/examples/twophase"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/internal/golden"
	"github.com/mbtgo/mbt/model"
	"pgregory.net/rapid"
)

// Types for the JSON tests.

type jsonPoint struct{ X, Y int }

// jsonLevel is a map key that names itself.
type jsonLevel int

func (l jsonLevel) MarshalText() ([]byte, error) { return []byte(fmt.Sprintf("L%d", int(l))), nil }

// jsonCounter is embedded unexported: state that encoding/json leaves out.
type jsonCounter int

type jsonInner struct {
	Name  string
	count int
}

type jsonEmbedded struct {
	Shared int
	hidden string
}

// jsonState holds every kind of value a state may hold.
type jsonState struct {
	jsonEmbedded
	jsonCounter
	ByPoint map[jsonPoint]bool
	ByPair  map[[2]string]int
	ByFlag  map[bool]string
	ByFloat map[float64]int
	ByAny   map[any]int
	ByPtr   map[*jsonPoint]int
	ByLevel map[jsonLevel]int
	ByInt   map[int8]string
	ByName  map[string]int
	Nested  map[jsonPoint]map[[2]int]jsonInner
	Ptr     *jsonInner
	NilPtr  *jsonInner
	Iface   any
	Ifaces  []any
	Grid    [2][2]bool
	Floats  []float64
	Complex complex128
	Bytes   []byte
	Tagged  int `json:"tagged,omitempty"`
	Skipped int `json:"-"`
	secret  map[jsonPoint]string
}

func jsonKitchen() jsonState {
	return jsonState{
		jsonEmbedded: jsonEmbedded{Shared: 7, hidden: "h"},
		jsonCounter:  3,
		ByPoint:      map[jsonPoint]bool{{2, 1}: true, {1, 2}: false, {-1, 0}: true},
		ByPair:       map[[2]string]int{{"r1", "r2"}: 1, {"r1", "r1"}: 0, {"a", "z"}: 9},
		ByFlag:       map[bool]string{true: "yes", false: "no"},
		ByFloat:      map[float64]int{math.NaN(): 2, math.NaN(): 1, math.Inf(-1): 0, 0.5: 3},
		ByAny:        map[any]int{"a": 1, 1: 2, jsonPoint{1, 1}: 3, nil: 4},
		ByPtr:        map[*jsonPoint]int{{1, 1}: 5, {1, 1}: 4, nil: 0},
		ByLevel:      map[jsonLevel]int{2: 20, 10: 100},
		ByInt:        map[int8]string{-1: "m", 10: "ten", 2: "two"},
		ByName:       map[string]int{"b": 2, "a": 1, "<&>": 0},
		Nested:       map[jsonPoint]map[[2]int]jsonInner{{0, 0}: {{1, 2}: {Name: "n", count: 1}}},
		Ptr:          &jsonInner{Name: "p", count: 2},
		Iface:        map[jsonPoint]int{{3, 4}: 7},
		Ifaces:       []any{nil, 1, "s", jsonPoint{5, 6}, &jsonPoint{7, 8}, []any{true}},
		Grid:         [2][2]bool{{true, false}, {false, true}},
		Floats:       []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1e21, 1e-7, 0.1},
		Complex:      complex(1, -2),
		Bytes:        []byte("mbt"),
		Skipped:      5,
		secret:       map[jsonPoint]string{{9, 9}: "s"},
	}
}

// Golden: every value a state may hold, including what encoding/json
// refuses (maps with struct, array, bool, float, interface and pointer
// keys; NaN and infinities; complex numbers) or leaves out (unexported
// fields), in a deterministic order.
func TestMarshalJSON_Golden(t *testing.T) {
	st := jsonKitchen()
	//lint:ignore SA1026 the test checks that encoding/json refuses this state
	if _, err := json.Marshal(st); err == nil {
		t.Fatal("encoding/json encodes the kitchen state; the test needs a state it refuses")
	}
	got, err := marshalJSONIndent(st)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(got) {
		t.Fatalf("not valid JSON:\n%s", got)
	}
	// Maps iterate in a random order; the bytes must not depend on it.
	for range 20 {
		again, err := marshalJSONIndent(jsonKitchen())
		if err != nil || !bytes.Equal(again, got) {
			t.Fatalf("not deterministic (%v):\n%s\nthen\n%s", err, got, again)
		}
	}
	golden.Check(t, filepath.Join("testdata", "json_state.json"), got)
}

// Types for the differential test: what encoding/json encodes, with its
// rules for tags, embedding and methods.

type jsonTags struct {
	Renamed   int       `json:"renamed"`
	Omitted   string    `json:"omitted,omitempty"`
	Kept      string    `json:",omitempty"`
	ZeroTime  time.Time `json:"zeroTime,omitzero"`
	ZeroPoint jsonPoint `json:"zeroPoint,omitzero"`
	Quoted    int       `json:"quoted,string"`
	QuotedS   string    `json:"quotedS,string"`
	QuotedB   bool      `json:",string"`
	QuotedF   float64   `json:",string"`
	QuotedP   *int      `json:",string"`
	QuotedM   jsonLevel `json:",string"`
	//lint:ignore SA5008 "-," names a field "-", as encoding/json documents
	Dash int `json:"-,"`
	//lint:ignore SA5008 a name with a quote is not valid: the Go name is used
	Invalid  int            `json:"a\"b"`
	Punct    int            `json:"a-b.c:d"`
	NilMap   map[string]int `json:"nilMap"`
	NilSlice []int
	Empty    []int
	Number   json.Number
	Raw      json.RawMessage
	Big      *big.Int
	BigVal   big.Int
	When     time.Time
	Dur      time.Duration
	Bytes    []byte
	ByteArr  [3]byte
	HTML     string
	BadUTF8  string
	Seps     string
	Float32  float32
	Floats   []float64
}

type jsonA struct{ Same, OnlyA int }
type jsonB struct {
	Same  int
	OnlyB int `json:"onlyB"`
}
type jsonC struct {
	Same int `json:"Same"`
}
type jsonDeep struct{ jsonA }
type jsonHidden struct{ Exported int }

type jsonEmbeds struct {
	jsonA            // Same collides with jsonB's at the same depth: dropped
	jsonB            //
	*jsonC           // nil: its fields are skipped
	jsonDeep         // jsonA's fields one level deeper: hidden
	jsonHidden       // unexported type, exported field: promoted
	Named      jsonA `json:"named"`
	Level      jsonLevel
}

type jsonValueMarshaler struct{ N int }

func (m jsonValueMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(` { "n" : %d, "html": "<b>" } `, m.N)), nil
}

type jsonPtrMarshaler struct{ N int }

func (m *jsonPtrMarshaler) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprint(m.N * 100)), nil }

type jsonPtrText struct{ S string }

func (m *jsonPtrText) MarshalText() ([]byte, error) { return []byte("text:" + m.S), nil }

type jsonMethods struct {
	Value      jsonValueMarshaler
	ValuePtr   *jsonValueMarshaler
	NilPtr     *jsonValueMarshaler
	Ptr        jsonPtrMarshaler            // addressable here: the method runs
	PtrInMap   map[string]jsonPtrMarshaler // not addressable: a plain struct
	PtrInSlice []jsonPtrMarshaler          // addressable
	Text       jsonPtrText
	TextInMap  map[string]jsonPtrText
	Iface      any // a pointer: its method runs
	IfaceVal   any // a value in an interface: not addressable
	Levels     map[jsonLevel]string
	Ints       map[int]string
	Uints      map[uint16]bool
	Named      map[jsonName]int
}

type jsonName string

func (jsonName) MarshalText() ([]byte, error) { return []byte("ignored: string keys win"), nil }

// For values encoding/json encodes, marshalJSONIndent gives the same bytes,
// so -json output does not change for the states it already handled. (The
// tags cases are pointers: a big.Int that is not addressable has no
// MarshalJSON, and encoding/json writes it as {}, marshalJSON with its
// unexported fields.)
func TestMarshalJSON_AgreesWithEncodingJSON(t *testing.T) {
	seven := 7
	tests := []struct {
		name   string
		value  any
		reason string
	}{
		{"tags", &jsonTags{Renamed: 1, Kept: "k", Quoted: 5, QuotedS: `a"b`, QuotedB: true, QuotedF: 1.5, QuotedP: &seven, QuotedM: 3,
			Dash: 2, Invalid: 3, Punct: 4, Empty: []int{}, Number: "12.5e3", Raw: json.RawMessage(` [1, 2] `),
			Big: big.NewInt(-5), BigVal: *big.NewInt(6), When: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Dur: time.Second,
			Bytes: []byte{0, 1, 255}, ByteArr: [3]byte{1, 2, 3}, HTML: "<a href='x'>&</a>", BadUTF8: "a\xffb", Seps: "\u2028\u2029\x00\t",
			Float32: 0.1, Floats: []float64{1e21, 1e20, 1e-7, 1e-6, math.Copysign(0, -1), 123456789.125, 5e-324, math.MaxFloat64}},
			"names, omitempty, omitzero, string, invalid names, numbers, raw JSON, methods of the standard library, escaping, floats"},
		{"zero tags", &jsonTags{}, "omitzero with and without IsZero, nil and empty collections"},
		{"embedding", jsonEmbeds{jsonA: jsonA{1, 2}, jsonB: jsonB{3, 4}, jsonDeep: jsonDeep{jsonA{5, 6}}, jsonHidden: jsonHidden{7}, Named: jsonA{8, 9}, Level: 2},
			"encoding/json's rules for names of embedded structs' fields"},
		{"embedding with a pointer", &jsonEmbeds{jsonC: &jsonC{10}}, "a non-nil embedded pointer's fields"},
		{"methods", &jsonMethods{Value: jsonValueMarshaler{1}, ValuePtr: &jsonValueMarshaler{2}, Ptr: jsonPtrMarshaler{3},
			PtrInMap: map[string]jsonPtrMarshaler{"k": {4}}, PtrInSlice: []jsonPtrMarshaler{{5}}, Text: jsonPtrText{"t"},
			TextInMap: map[string]jsonPtrText{"k": {"m"}}, Iface: &jsonPtrMarshaler{6}, IfaceVal: jsonPtrMarshaler{7},
			Levels: map[jsonLevel]string{1: "a", 12: "b", 3: "c"}, Ints: map[int]string{-3: "a", 10: "b", 9: "c"},
			Uints: map[uint16]bool{7: true, 65535: false}, Named: map[jsonName]int{"x": 1, "y": 2}},
			"pointer methods run only on addressable values; map keys as encoding/json names and sorts them"},
		{"methods, not addressable", jsonMethods{Ptr: jsonPtrMarshaler{3}, Text: jsonPtrText{"t"}}, "the top value is not addressable"},
		{"top-level map", map[string]any{"z": []any{1, "x", nil}, "a": map[string]int{"q": 1}}, "interfaces and nesting"},
		{"top-level nil", nil, "null"},
		{"top-level scalar", "<x>", "a bare string, escaped"},
	}
	for _, tt := range tests {
		if tt.reason == "" {
			t.Fatalf("%s: missing reason", tt.name)
		}
		want, err := json.MarshalIndent(tt.value, "", "  ")
		if err != nil {
			t.Fatalf("%s: encoding/json: %v", tt.name, err)
		}
		got, err := marshalJSONIndent(tt.value)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s (%s):\n got %s\nwant %s", tt.name, tt.reason, got, want)
		}
	}
}

// The -json output of real explorations is what encoding/json wrote
// before: their states have only exported fields and string keys.
func TestMarshalJSON_AgreesOnExplorations(t *testing.T) {
	ctx := context.Background()
	tp, err := twophase.Model(twophase.Config{RM: 3, Buggy: true})
	if err != nil {
		t.Fatal(err)
	}
	bk, err := bank.Model(bank.Config{Accounts: 2, Max: 3, MaxAmount: 2, OverdraftBug: true})
	if err != nil {
		t.Fatal(err)
	}
	tpRes, err := explorer.Explore(ctx, tp, explorer.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	bkRes, err := explorer.Explore(ctx, bk, explorer.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{
		"twophase": jsonResult[twophase.State]{Function: "Model", Package: "p", Constants: map[string]any{"RM": 3}, Result: tpRes},
		"bank":     jsonResult[bank.State]{Function: "Model", Package: "p", Constants: map[string]any{"OverdraftBug": true}, Result: bkRes},
	} {
		want, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalJSONIndent(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: marshalJSONIndent differs from encoding/json:\n got %s\nwant %s", name, got, want)
		}
	}
}

// A map with struct keys gives the same bytes whatever the order its
// entries were made in.
func TestMarshalJSON_MapOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		keys := rapid.SliceOfDistinct(rapid.Custom(func(t *rapid.T) jsonPoint {
			return jsonPoint{rapid.IntRange(-3, 3).Draw(t, "x"), rapid.IntRange(-3, 3).Draw(t, "y")}
		}), func(p jsonPoint) jsonPoint { return p }).Draw(t, "keys")
		a, b := map[jsonPoint][]int{}, map[jsonPoint][]int{}
		for i, k := range keys {
			a[k] = []int{i}
		}
		perm := rapid.Permutation(keys).Draw(t, "perm")
		for _, k := range perm {
			b[k] = a[k]
		}
		ja, err := marshalJSON(a)
		if err != nil {
			t.Fatal(err)
		}
		jb, err := marshalJSON(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ja, jb) {
			t.Fatalf("%s\n%s", ja, jb)
		}
		var back []struct {
			Key   jsonPoint `json:"key"`
			Value []int     `json:"value"`
		}
		if err := json.Unmarshal(ja, &back); err != nil || len(back) != len(keys) {
			t.Fatalf("%s does not read back as %d pairs: %v", ja, len(keys), err)
		}
		for i, p := range back {
			if i > 0 && !(back[i-1].Key.X < p.Key.X || back[i-1].Key.X == p.Key.X && back[i-1].Key.Y < p.Key.Y) {
				if string(mustJSON(t, back[i-1].Key)) >= string(mustJSON(t, p.Key)) {
					t.Fatalf("pairs not in the order of their keys' JSON: %s", ja)
				}
			}
			if a[p.Key][0] != p.Value[0] {
				t.Fatalf("pair %v: value %v, want %v", p.Key, p.Value, a[p.Key])
			}
		}
	})
}

func mustJSON(t *rapid.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type jsonBadMarshaler struct{}

func (jsonBadMarshaler) MarshalJSON() ([]byte, error) { return []byte("{"), nil }

type jsonPanicMarshaler struct{}

func (jsonPanicMarshaler) MarshalJSON() ([]byte, error) { panic("boom") }

type jsonFailText struct{}

func (jsonFailText) MarshalText() ([]byte, error) { return nil, errors.New("no text") }

type jsonCycle struct{ Next *jsonCycle }

// What no state holds is an error that says where, never a panic.
func TestMarshalJSON_Errors(t *testing.T) {
	cyc := &jsonCycle{}
	cyc.Next = cyc
	tests := []struct {
		name   string
		value  any
		want   string
		reason string
	}{
		{"channel", struct{ C map[jsonPoint]chan int }{map[jsonPoint]chan int{{1, 2}: nil}},
			`C[{"X":1,"Y":2}]: cannot encode a chan int as JSON (a state holds data, not chans)`, "the path names the map entry"},
		{"func", []any{1, func() {}}, `[1]: cannot encode a func() as JSON (a state holds data, not funcs)`, "an element of a slice"},
		{"invalid MarshalJSON", map[string]jsonBadMarshaler{"k": {}}, `["k"]: MarshalJSON of driver.jsonBadMarshaler: unexpected end of JSON input`, "output is checked"},
		{"panicking MarshalJSON", struct{ P jsonPanicMarshaler }{}, `P: MarshalJSON of driver.jsonPanicMarshaler panicked: boom`, "user code may panic"},
		{"failing MarshalText key", map[jsonFailText]int{{}: 1}, `[key]: MarshalText of driver.jsonFailText: no text`, "a key's text"},
		{"cycle", cyc, "more than 1000 levels deep (a cycle of pointers?)", "no infinite recursion"},
		{"bad number", struct{ N json.Number }{"1x"}, `N: invalid number literal "1x"`, "json.Number is checked as encoding/json checks it"},
	}
	for _, tt := range tests {
		if tt.reason == "" {
			t.Fatalf("%s: missing reason", tt.name)
		}
		_, err := marshalJSONIndent(tt.value)
		if err == nil {
			t.Errorf("%s: no error, want %s", tt.name, tt.want)
			continue
		}
		if got := err.Error(); !strings.HasSuffix(got, tt.want) {
			t.Errorf("%s (%s):\n got %s\nwant …%s", tt.name, tt.reason, got, tt.want)
		}
	}
}

type gridState struct {
	Cells map[jsonPoint]string
	Seen  map[[2]int]bool
	hits  int
}

// grid marks cells of a 2x2 grid; its state has struct and array keys,
// which encoding/json refuses, and an unexported field.
func grid() (*model.Model[gridState], error) {
	m := dsl.New[gridState]("Grid")
	m.Init(gridState{Cells: map[jsonPoint]string{}, Seen: map[[2]int]bool{}})
	dsl.Action2(m, "Mark", dsl.Range("x", 0, 1), dsl.Range("y", 0, 1),
		func(s gridState, x, y int) bool { return s.Cells[jsonPoint{x, y}] == "" },
		func(s *gridState, x, y int) {
			s.Cells[jsonPoint{x, y}] = "x"
			s.Seen[[2]int{x, y}] = true
			s.hits++
		})
	m.Invariant("FewHits", func(s gridState) bool { return s.hits < 2 })
	return m.Build()
}

// mbt explore -json on a state with struct-keyed maps failed with
// "json: unsupported type"; it writes the pairs.
func TestRun_jsonStructKeys(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-json", "-progress=0", "-workers=1"}, &stdout, &stderr, false,
		[]Entry{RegisterNoConfig("Grid", grid)})
	if code != exitViolation {
		t.Fatalf("exit code %d, want %d; stderr:\n%s", code, exitViolation, &stderr)
	}
	var got struct {
		Violations []struct {
			Trace struct {
				States []struct {
					Cells []struct {
						Key   jsonPoint `json:"key"`
						Value string    `json:"value"`
					}
					Seen []struct {
						Key   [2]int `json:"key"`
						Value bool   `json:"value"`
					}
					Hits int `json:"hits"`
				} `json:"states"`
			} `json:"trace"`
		} `json:"violations"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, &stdout)
	}
	if len(got.Violations) != 1 || len(got.Violations[0].Trace.States) != 3 {
		t.Fatalf("violations: %+v", got.Violations)
	}
	last := got.Violations[0].Trace.States[2]
	if len(last.Cells) != 2 || last.Cells[0].Key != (jsonPoint{0, 0}) || last.Cells[1].Key != (jsonPoint{0, 1}) || last.Hits != 2 ||
		len(last.Seen) != 2 || last.Seen[0].Key != [2]int{0, 0} {
		t.Errorf("last state: %+v\n%s", last, &stdout)
	}
}

// fuzzJSONValue builds a value from fuzz input: each byte picks a kind,
// and nested values take the bytes that follow.
func fuzzJSONValue(data []byte, pos *int, depth int) any {
	next := func() byte {
		if *pos >= len(data) {
			return 0
		}
		b := data[*pos]
		*pos++
		return b
	}
	k := next()
	if depth > 3 {
		k %= 5
	}
	n := int(next() % 4)
	switch k % 9 {
	case 0:
		return k&0x10 != 0
	case 1:
		return int64(int8(next())) << (next() % 60)
	case 2:
		var bits uint64
		for range 8 {
			bits = bits<<8 | uint64(next())
		}
		return math.Float64frombits(bits)
	case 3:
		return string(data[min(*pos, len(data)):min(*pos+n, len(data))])
	case 4:
		return jsonPoint{int(int8(next())), int(int8(next()))}
	case 5:
		var out []any
		for range n {
			out = append(out, fuzzJSONValue(data, pos, depth+1))
		}
		return out
	case 6:
		out := map[string]any{}
		for range n {
			out[string(rune('a'+next()%4))] = fuzzJSONValue(data, pos, depth+1)
		}
		return out
	case 7:
		out := map[jsonPoint]any{}
		for range n {
			out[jsonPoint{int(next() % 3), int(next() % 3)}] = fuzzJSONValue(data, pos, depth+1)
		}
		return out
	}
	out := map[int]any{}
	for range n {
		out[int(int8(next()))] = fuzzJSONValue(data, pos, depth+1)
	}
	return out
}

// FuzzMarshalJSON checks that any value encodes to valid JSON, the same
// bytes every time, and, when encoding/json encodes it, to encoding/json's
// bytes.
func FuzzMarshalJSON(f *testing.F) {
	f.Add([]byte{7, 2, 1, 2, 0, 0, 0, 1, 1, 3, 3, 'a', 'b', 'c'})
	f.Add([]byte{6, 3, 0, 2, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 8, 2, 0x80, 1, 5})
	f.Add([]byte{5, 3, 3, 3, '<', 0xff, '"', 4, 0, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		pos := 0
		v := fuzzJSONValue(data, &pos, 0)
		got, err := marshalJSONIndent(v)
		if err != nil {
			t.Fatalf("marshalJSONIndent(%#v): %v", v, err)
		}
		if !json.Valid(got) {
			t.Fatalf("not valid JSON:\n%s", got)
		}
		pos = 0
		again, err := marshalJSONIndent(fuzzJSONValue(data, &pos, 0))
		if err != nil || !bytes.Equal(again, got) {
			t.Fatalf("not deterministic:\n%s\n%s", got, again)
		}
		if want, err := json.MarshalIndent(v, "", "  "); err == nil && !bytes.Equal(got, want) {
			t.Fatalf("differs from encoding/json:\n got %s\nwant %s", got, want)
		}
	})
}
