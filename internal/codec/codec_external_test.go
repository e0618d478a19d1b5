package codec_test

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/mbtgo/mbt/internal/codec"
)

// RM is a named string type, as a state's map keys often are.
type RM string

type pair struct {
	A int
	B string
}

type nested struct {
	P   pair
	Arr [2]pair
	Ptr *pair
}

// shape has one field of every shape the codec handles: the generic encoder
// and cloner, and the fast paths for map[string]{string,bool,int} with
// named types.
type shape struct {
	I   int
	F   float64
	F32 float32
	C   complex128
	S   []int
	Str []string
	M   map[string]int
	NM  map[RM]string      // named key type: fast path
	SK  map[pair]bool      // struct keys: generic path
	IM  map[int][]int      // slice values: generic path, deep clone
	PM  map[string]*pair   // pointer values
	Set map[RM]struct{}    // set-like map
	N   nested             // nested structs, arrays, pointers
	Any any                // interfaces: dynamic type and value
	Arr [3]int8            // raw array
	SA  [2][]int           // array of slices
	PP  **int              // pointer to pointer
	L   *list              // recursive type
	Bs  map[string][]byte  // byte slices in maps
	Nm  map[RM]map[RM]bool // maps of maps
}

type list struct {
	V    int
	Next *list
}

// tb is what helpers need of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

func codecOf[S any](t tb) *codec.Codec[S] {
	t.Helper()
	c, err := codec.For[S]()
	if err != nil {
		t.Fatalf("CodecFor[%v]() error: %v", reflect.TypeFor[S](), err)
	}
	return c
}

// checkTable rejects a table row without a reason or with a duplicate name.
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

// forward and backward build maps with equal content and different
// insertion (and deletion) histories, so their memory layouts and iteration
// orders differ.
func forward[K comparable, V any](n int, key func(int) K, val func(int) V) map[K]V {
	m := map[K]V{}
	for i := range n {
		m[key(i)] = val(i)
	}
	return m
}

func backward[K comparable, V any](n int, key func(int) K, val func(int) V) map[K]V {
	m := map[K]V{}
	for i := 3 * n; i >= n; i-- { // grow the table with keys deleted below
		m[key(i)] = val(i)
	}
	for i := n - 1; i >= 0; i-- {
		m[key(i)] = val(i)
	}
	for i := n; i <= 3*n; i++ {
		delete(m, key(i))
	}
	return m
}

func ptr[T any](v T) *T { return &v }

func str(i int) string  { return fmt.Sprint("k", i) }
func rm(i int) RM       { return RM(fmt.Sprint("r", i)) }
func pk(i int) pair     { return pair{i % 7, fmt.Sprint(i)} }
func ints(i int) []int  { return []int{i, -i} }
func bs(i int) []byte   { return []byte{byte(i), 0} }
func pp(i int) *pair    { return &pair{i, "p"} }
func yes(int) bool      { return true }
func unit(int) struct{} { return struct{}{} }
func ident(i int) int   { return i }
func rmset(i int) map[RM]bool {
	return forward(i%4, rm, yes)
}

func TestCodec_FingerprintEquality(t *testing.T) {
	negZero := math.Copysign(0, -1)
	nan1 := math.Float64frombits(0x7ff8000000000001)
	nan2 := math.Float64frombits(0x7ff8000000000002)
	tests := []struct {
		name      string
		a, b      shape
		wantEqual bool
		reason    string
	}{
		{name: "zero", wantEqual: true, reason: "the zero value is one state"},
		{
			name: "map_string_int_history", wantEqual: true,
			a:      shape{M: forward(100, str, ident)},
			b:      shape{M: backward(100, str, ident)},
			reason: "maps are encoded in key order, whatever their insertion history",
		},
		{
			name: "named_map_history", wantEqual: true,
			a:      shape{NM: forward(50, rm, str)},
			b:      shape{NM: backward(50, rm, str)},
			reason: "map[RM]string takes the fast path for string maps and must sort too",
		},
		{
			name: "struct_key_history", wantEqual: true,
			a:      shape{SK: forward(60, pk, yes)},
			b:      shape{SK: backward(60, pk, yes)},
			reason: "struct keys go through the generic map encoder, which sorts by encoded key",
		},
		{
			name: "slice_value_history", wantEqual: true,
			a:      shape{IM: forward(40, ident, ints)},
			b:      shape{IM: backward(40, ident, ints)},
			reason: "int keys with slice values: generic encoder",
		},
		{
			name: "pointer_value_history", wantEqual: true,
			a:      shape{PM: forward(30, str, pp)},
			b:      shape{PM: backward(30, str, pp)},
			reason: "pointers are encoded by the value they point at, not their address",
		},
		{
			name: "set_history", wantEqual: true,
			a:      shape{Set: forward(30, rm, unit)},
			b:      shape{Set: backward(30, rm, unit)},
			reason: "map[RM]struct{} is a set",
		},
		{
			name: "bytes_history", wantEqual: true,
			a:      shape{Bs: forward(30, str, bs)},
			b:      shape{Bs: backward(30, str, bs)},
			reason: "[]byte values in a string-keyed map",
		},
		{
			name: "map_of_maps_history", wantEqual: true,
			a:      shape{Nm: forward(20, rm, rmset)},
			b:      shape{Nm: backward(20, rm, rmset)},
			reason: "inner maps are sorted as well",
		},
		{
			name: "interface_map_history", wantEqual: true,
			a:      shape{Any: forward(20, str, ident)},
			b:      shape{Any: backward(20, str, ident)},
			reason: "a map behind an interface is encoded like a map field",
		},
		{
			name:   "map_value_differs",
			a:      shape{M: map[string]int{"a": 1, "b": 2}},
			b:      shape{M: map[string]int{"a": 1, "b": 3}},
			reason: "different values are different states",
		},
		{
			name:   "map_key_differs",
			a:      shape{M: map[string]int{"a": 1}},
			b:      shape{M: map[string]int{"b": 1}},
			reason: "different keys are different states",
		},
		{
			name:   "map_extra_entry",
			a:      shape{SK: map[pair]bool{{1, "x"}: true}},
			b:      shape{SK: map[pair]bool{{1, "x"}: true, {2, "x"}: false}},
			reason: "an entry with a zero value is still an entry",
		},
		{
			name:   "named_map_value_differs",
			a:      shape{NM: map[RM]string{"r1": "working"}},
			b:      shape{NM: map[RM]string{"r1": "prepared"}},
			reason: "fast path string values",
		},
		{
			name: "nil_empty_slice", wantEqual: true,
			a:      shape{S: nil},
			b:      shape{S: []int{}},
			reason: "documented choice: a nil and an empty slice are the same state (both have length 0)",
		},
		{
			name: "nil_empty_map", wantEqual: true,
			a:      shape{M: nil, SK: nil, NM: nil},
			b:      shape{M: map[string]int{}, SK: map[pair]bool{}, NM: map[RM]string{}},
			reason: "documented choice: a nil and an empty map are the same state",
		},
		{
			name:   "slice_length",
			a:      shape{S: []int{1, 2}},
			b:      shape{S: []int{1, 2, 0}},
			reason: "a trailing zero makes a different slice",
		},
		{
			name:   "string_boundaries",
			a:      shape{Str: []string{"ab", ""}},
			b:      shape{Str: []string{"a", "b"}},
			reason: "strings are length-prefixed, so boundaries matter",
		},
		{
			name:   "slice_boundaries_between_fields",
			a:      shape{S: []int{1}, Str: nil},
			b:      shape{S: nil, Str: []string{"\x01"}},
			reason: "slices are length-prefixed, so one field cannot spill into the next",
		},
		{
			name: "negative_zero", wantEqual: true,
			a:      shape{F: negZero, F32: float32(negZero), C: complex(negZero, negZero)},
			b:      shape{F: 0, F32: 0, C: 0},
			reason: "documented: -0 is folded into +0, since -0 == 0 in Go",
		},
		{
			name: "nan_payloads", wantEqual: true,
			a:      shape{F: nan1},
			b:      shape{F: nan2},
			reason: "documented: NaN is one state",
		},
		{
			name:   "float_differs",
			a:      shape{F: 1.5},
			b:      shape{F: 2.5},
			reason: "different floats",
		},
		{
			name:   "nested_struct",
			a:      shape{N: nested{P: pair{1, "a"}}},
			b:      shape{N: nested{P: pair{1, "b"}}},
			reason: "a string deep in a nested struct",
		},
		{
			name:   "nested_array",
			a:      shape{N: nested{Arr: [2]pair{{}, {2, ""}}}},
			b:      shape{N: nested{Arr: [2]pair{{2, ""}, {}}}},
			reason: "array positions matter",
		},
		{
			name:   "raw_array",
			a:      shape{Arr: [3]int8{1, 2, 3}},
			b:      shape{Arr: [3]int8{1, 2, 4}},
			reason: "raw arrays are compared by bytes",
		},
		{
			name:   "array_of_slices",
			a:      shape{SA: [2][]int{{1}, nil}},
			b:      shape{SA: [2][]int{nil, {1}}},
			reason: "each element of an array of slices is length-prefixed",
		},
		{
			name: "pointer_addresses", wantEqual: true,
			a:      shape{N: nested{Ptr: &pair{3, "x"}}, PP: ptr(ptr(7))},
			b:      shape{N: nested{Ptr: &pair{3, "x"}}, PP: ptr(ptr(7))},
			reason: "pointers to equal values at different addresses are the same state",
		},
		{
			name:   "pointer_nil_vs_zero",
			a:      shape{N: nested{Ptr: nil}},
			b:      shape{N: nested{Ptr: &pair{}}},
			reason: "a nil pointer is not a pointer to a zero value",
		},
		{
			name:   "pointer_to_nil_pointer",
			a:      shape{PP: nil},
			b:      shape{PP: new(*int)},
			reason: "a nil **int differs from a pointer to a nil *int",
		},
		{
			name:   "pointee_differs",
			a:      shape{PP: ptr(ptr(1))},
			b:      shape{PP: ptr(ptr(2))},
			reason: "the value behind two pointers",
		},
		{
			name: "recursive_equal", wantEqual: true,
			a:      shape{L: &list{1, &list{2, nil}}},
			b:      shape{L: &list{1, &list{2, nil}}},
			reason: "recursive types are encoded by value",
		},
		{
			name:   "recursive_differs",
			a:      shape{L: &list{1, &list{2, nil}}},
			b:      shape{L: &list{1, &list{2, &list{}}}},
			reason: "a longer list",
		},
		{
			name:   "interface_nil_vs_zero",
			a:      shape{Any: nil},
			b:      shape{Any: 0},
			reason: "a nil interface is not an interface holding a zero",
		},
		{
			name:   "interface_dynamic_type",
			a:      shape{Any: int(1)},
			b:      shape{Any: int64(1)},
			reason: "interfaces are encoded with their dynamic type",
		},
		{
			name:   "interface_named_type",
			a:      shape{Any: RM("x")},
			b:      shape{Any: "x"},
			reason: "a named string type is another dynamic type",
		},
		{
			name:   "interface_typed_nil",
			a:      shape{Any: nil},
			b:      shape{Any: (*pair)(nil)},
			reason: "a typed nil pointer in an interface is not a nil interface",
		},
		{
			name: "interface_struct", wantEqual: true,
			a:      shape{Any: pair{1, "x"}},
			b:      shape{Any: pair{1, "x"}},
			reason: "equal dynamic values",
		},
		{
			name: "interface_pointer", wantEqual: true,
			a:      shape{Any: &pair{1, "x"}},
			b:      shape{Any: &pair{1, "x"}},
			reason: "pointers in interfaces are encoded by value too",
		},
		{
			name:   "interface_value_differs",
			a:      shape{Any: pair{1, "x"}},
			b:      shape{Any: pair{1, "y"}},
			reason: "different dynamic values",
		},
		{
			name: "interface_nil_empty_slice", wantEqual: true,
			a:      shape{Any: []int(nil)},
			b:      shape{Any: []int{}},
			reason: "same choice as for fields: nil and empty are one state",
		},
		{
			name: "interface_negative_zero", wantEqual: true,
			a:      shape{Any: negZero},
			b:      shape{Any: 0.0},
			reason: "-0 folds into 0 behind an interface as well",
		},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			c := codecOf[shape](t)
			ea, eb := c.Append(nil, &tt.a), c.Append(nil, &tt.b)
			fa, _ := c.Fingerprint(nil, &tt.a)
			fb, _ := c.Fingerprint(make([]byte, 0, 3), &tt.b)
			if got := bytes.Equal(ea, eb); got != tt.wantEqual {
				t.Errorf("Append(a) == Append(b): %v, want %v (%s)\na: %x\nb: %x", got, tt.wantEqual, tt.reason, ea, eb)
			}
			if got := fa == fb; got != tt.wantEqual {
				t.Errorf("Fingerprint(a) == Fingerprint(b): %v, want %v (%s)", got, tt.wantEqual, tt.reason)
			}
			// Encoding is a function of the value: twice the same bytes.
			if again := c.Append(nil, &tt.a); !bytes.Equal(ea, again) {
				t.Errorf("Append(a) twice differs:\n%x\n%x", ea, again)
			}
		})
	}
}

// TestCodec_AppendExtends checks that Append appends to dst rather than
// overwriting it, and Fingerprint ignores what its scratch buffer held.
func TestCodec_AppendExtends(t *testing.T) {
	c := codecOf[shape](t)
	s := shape{I: 42, M: map[string]int{"a": 1}}
	alone := c.Append(nil, &s)
	got := c.Append([]byte("prefix"), &s)
	if want := append([]byte("prefix"), alone...); !bytes.Equal(got, want) {
		t.Errorf("Append(prefix, s) = %x, want %x", got, want)
	}
	fp1, buf := c.Fingerprint(nil, &s)
	fp2, _ := c.Fingerprint(append(buf[:0], "garbage that is longer than the state"...), &s)
	if fp1 != fp2 || fp1 != codec.Hash(alone) {
		t.Errorf("Fingerprint = %#x then %#x, want Hash(Append) = %#x", fp1, fp2, codec.Hash(alone))
	}
}

// full returns a shape whose every reference field is populated.
func full() shape {
	return shape{
		I: 1, F: 2.5, F32: 3, C: complex(1, 2),
		S:   []int{1, 2, 3},
		Str: []string{"a", "b"},
		M:   map[string]int{"a": 1, "b": 2},
		NM:  map[RM]string{"r1": "working"},
		SK:  map[pair]bool{{1, "x"}: true},
		IM:  map[int][]int{1: {10, 11}},
		PM:  map[string]*pair{"p": {5, "five"}},
		Set: map[RM]struct{}{"r1": {}},
		N:   nested{P: pair{1, "n"}, Arr: [2]pair{{2, "a"}, {3, "b"}}, Ptr: &pair{4, "ptr"}},
		Any: map[string][]int{"x": {1}},
		Arr: [3]int8{1, 2, 3},
		SA:  [2][]int{{1}, {2, 3}},
		PP:  ptr(ptr(9)),
		L:   &list{1, &list{2, nil}},
		Bs:  map[string][]byte{"b": {1, 2}},
		Nm:  map[RM]map[RM]bool{"a": {"b": true}},
	}
}

func TestCodec_CloneIsDeep(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *shape)
		reason string
	}{
		{"slice_elem", func(s *shape) { s.S[0] = 99 }, "slices get a new backing array"},
		{"slice_append", func(s *shape) { s.S = append(s.S[:1], 7) }, "append into spare capacity must not reach the original"},
		{"string_slice", func(s *shape) { s.Str[1] = "z" }, "[]string is a slice like any other"},
		{"map_set", func(s *shape) { s.M["a"] = 100 }, "map[string]int fast path must copy"},
		{"map_add", func(s *shape) { s.M["new"] = 1 }, "adding a key to the clone"},
		{"map_delete", func(s *shape) { delete(s.M, "a") }, "deleting a key from the clone"},
		{"named_map", func(s *shape) { s.NM["r1"] = "aborted" }, "map[RM]string fast path must copy"},
		{"struct_key_map", func(s *shape) { s.SK[pair{1, "x"}] = false }, "generic map cloner"},
		{"map_slice_value", func(s *shape) { s.IM[1][0] = -1 }, "slices inside map values are copied too"},
		{"map_pointer_value", func(s *shape) { s.PM["p"].A = -5 }, "pointers inside map values are copied too"},
		{"set", func(s *shape) { s.Set["r2"] = struct{}{} }, "map[RM]struct{} fast path must copy"},
		{"nested_pointer", func(s *shape) { s.N.Ptr.B = "changed" }, "pointers in nested structs get a new target"},
		{"interface_map", func(s *shape) { s.Any.(map[string][]int)["x"][0] = 42 }, "a map behind an interface is copied deeply"},
		{"interface_map_add", func(s *shape) { s.Any.(map[string][]int)["y"] = nil }, "a map behind an interface is a new map"},
		{"array_of_slices", func(s *shape) { s.SA[1][0] = 0 }, "slices inside arrays are copied"},
		{"pointer_to_pointer", func(s *shape) { **s.PP = 0 }, "both levels of a **int are copied"},
		{"pointer_to_pointer_mid", func(s *shape) { *s.PP = nil }, "the middle pointer is copied"},
		{"recursive", func(s *shape) { s.L.Next.V = 0 }, "recursive types are copied all the way down"},
		{"bytes_in_map", func(s *shape) { s.Bs["b"][0] = 0 }, "[]byte values in maps are copied"},
		{"map_of_maps", func(s *shape) { s.Nm["a"]["b"] = false }, "inner maps are copied"},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		t.Run(tt.name, func(t *testing.T) {
			c := codecOf[shape](t)
			orig := full()
			clone := c.Clone(&orig)
			if d := cmp.Diff(orig, clone); d != "" {
				t.Fatalf("Clone() differs from the original (-orig +clone):\n%s", d)
			}
			tt.mutate(&clone)
			if d := cmp.Diff(full(), orig); d != "" {
				t.Errorf("mutating the clone changed the original (%s) (-want +got):\n%s", tt.reason, d)
			}
			// And the other way round.
			orig2 := full()
			clone2 := c.Clone(&orig2)
			tt.mutate(&orig2)
			if d := cmp.Diff(full(), clone2); d != "" {
				t.Errorf("mutating the original changed the clone (%s) (-want +got):\n%s", tt.reason, d)
			}
		})
	}
}

func TestCodec_ClonePreservesNil(t *testing.T) {
	c := codecOf[shape](t)
	in := shape{S: []int{}, M: map[string]int{}, IM: map[int][]int{}, Any: []int{}}
	out := c.Clone(&in)
	if out.S == nil || out.M == nil || out.IM == nil || out.Any.([]int) == nil {
		t.Errorf("Clone() turned empty into nil: %#v", out)
	}
	if out.Str != nil || out.NM != nil || out.SK != nil || out.N.Ptr != nil || out.PP != nil || out.L != nil {
		t.Errorf("Clone() turned nil into non-nil: %#v", out)
	}
}

func TestCodec_Flat(t *testing.T) {
	type flatState struct {
		A int
		B [2]bool
		S string
		P pair
	}
	type withSlice struct {
		A int
		S []int
	}
	if !codecOf[flatState](t).Flat() {
		t.Errorf("Flat() = false for %T, want true: strings, arrays and structs of values copy by assignment", flatState{})
	}
	if codecOf[withSlice](t).Flat() {
		t.Errorf("Flat() = true for %T, want false", withSlice{})
	}
	if codecOf[cloned](t).Flat() {
		t.Errorf("Flat() = true for a Cloner, want false: its Clone must be called")
	}
	// A flat state is still copied: the clone is a distinct value.
	c := codecOf[flatState](t)
	s := flatState{A: 1, S: "x"}
	cl := c.Clone(&s)
	cl.A = 2
	if s.A != 1 {
		t.Errorf("Clone() of a flat state aliases the original")
	}
}

func TestCodecFor_Cached(t *testing.T) {
	a, b := codecOf[shape](t), codecOf[shape](t)
	if a != b {
		t.Errorf("CodecFor[shape]() returned two codecs; it is cached per type")
	}
	if got, want := a.Type(), reflect.TypeFor[shape](); got != want {
		t.Errorf("Type() = %v, want %v", got, want)
	}
}

// keyed supplies its own key, which ignores Note.
type keyed struct {
	A, B int
	Note string
}

func (k keyed) AppendKey(dst []byte) []byte { return fmt.Appendf(dst, "%d/%d", k.A, k.B) }

// keyedPtr supplies its key with a pointer receiver.
type keyedPtr struct {
	A    int
	Note string
}

func (k *keyedPtr) AppendKey(dst []byte) []byte { return fmt.Appendf(dst, "p%d", k.A) }

// cloned supplies its own copy, which counts generations.
type cloned struct {
	M   map[string]int
	Gen int
}

func (c cloned) Clone() cloned { return cloned{M: maps.Clone(c.M), Gen: c.Gen + 1} }

// clonedPtr supplies its copy with a pointer receiver.
type clonedPtr struct {
	S   []int
	Gen int
}

func (c *clonedPtr) Clone() clonedPtr {
	return clonedPtr{S: append([]int(nil), c.S...), Gen: c.Gen + 1}
}

// opaque hides a func behind a Keyer and a Cloner, so it can be a state.
type opaque struct {
	N int
	F func() int
}

func (o opaque) AppendKey(dst []byte) []byte { return fmt.Appendf(dst, "o%d", o.N) }
func (o opaque) Clone() opaque               { return o }

// onlyKeyed has a func field and a Keyer but no Cloner.
type onlyKeyed struct{ F func() }

func (o onlyKeyed) AppendKey(dst []byte) []byte { return dst }

// onlyCloned has a func field and a Cloner but no Keyer.
type onlyCloned struct{ F func() }

func (o onlyCloned) Clone() onlyCloned { return o }

func TestCodec_KeyerFastPath(t *testing.T) {
	c := codecOf[keyed](t)
	a, b := keyed{1, 2, "x"}, keyed{1, 2, "y"}
	if got := string(c.Append([]byte(">"), &a)); got != ">1/2" {
		t.Errorf("Append() = %q, want %q: the Keyer's key", got, ">1/2")
	}
	fa, _ := c.Fingerprint(nil, &a)
	fb, _ := c.Fingerprint(nil, &b)
	if fa != fb {
		t.Errorf("states with equal keys have different fingerprints: the Keyer was not used")
	}
	d := keyed{2, 1, "x"}
	if fd, _ := c.Fingerprint(nil, &d); fd == fa {
		t.Errorf("states with different keys have the same fingerprint")
	}

	cp := codecOf[keyedPtr](t)
	p := keyedPtr{7, "z"}
	if got := string(cp.Append(nil, &p)); got != "p7" {
		t.Errorf("Append() with a pointer-receiver Keyer = %q, want %q", got, "p7")
	}
}

func TestCodec_ClonerFastPath(t *testing.T) {
	c := codecOf[cloned](t)
	s := cloned{M: map[string]int{"a": 1}}
	got := c.Clone(&s)
	if got.Gen != 1 {
		t.Errorf("Clone().Gen = %d, want 1: the state's own Clone was not called", got.Gen)
	}
	got.M["a"] = 2
	if s.M["a"] != 1 {
		t.Errorf("the user's Clone copies the map, but the original changed")
	}

	cp := codecOf[clonedPtr](t)
	sp := clonedPtr{S: []int{1}}
	if got := cp.Clone(&sp); got.Gen != 1 {
		t.Errorf("Clone().Gen = %d with a pointer-receiver Cloner, want 1", got.Gen)
	}
}

func TestCodecFor_Opaque(t *testing.T) {
	c, err := codec.For[opaque]()
	if err != nil {
		t.Fatalf("CodecFor[opaque]() error %v; a func behind a Keyer and a Cloner is allowed", err)
	}
	s := opaque{N: 3, F: func() int { return 1 }}
	if got := string(c.Append(nil, &s)); got != "o3" {
		t.Errorf("Append() = %q, want %q", got, "o3")
	}
	if got := c.Clone(&s); got.N != 3 || got.F == nil {
		t.Errorf("Clone() = %+v, want N=3 and F kept", got)
	}
}

func codecErr[S any]() error {
	_, err := codec.For[S]()
	return err
}

func TestCodecFor_Errors(t *testing.T) {
	type withFunc struct {
		A int
		F func()
	}
	type withChan struct{ C chan int }
	type withUnsafe struct{ P unsafe.Pointer }
	type deepFunc struct {
		M map[string][]func()
	}
	type funcKey struct {
		M map[[1]chan int]int
	}
	type ptrFunc struct {
		P *withFunc
	}
	tests := []struct {
		name   string
		err    error
		want   []string // substrings of the error
		reason string
	}{
		{"func_field", codecErr[withFunc](), []string{"withFunc", "field F", "func"}, "a func is code, not data"},
		{"chan_field", codecErr[withChan](), []string{"field C", "chan"}, "a channel is not data"},
		{"unsafe_pointer", codecErr[withUnsafe](), []string{"field P", "unsafe.Pointer"}, "an unsafe.Pointer cannot be followed"},
		{"func_in_map_value", codecErr[deepFunc](), []string{"field M", "func"}, "found through map values and slices"},
		{"chan_in_map_key", codecErr[funcKey](), []string{"field M", "chan"}, "found through map keys"},
		{"func_behind_pointer", codecErr[ptrFunc](), []string{"field P", "func"}, "found through pointers"},
		{"keyer_without_cloner", codecErr[onlyKeyed](), []string{"func"}, "a Keyer alone does not tell how to copy a func"},
		{"cloner_without_keyer", codecErr[onlyCloned](), []string{"func"}, "a Cloner alone does not tell how to fingerprint a func"},
		{"bare_func", codecErr[func()](), []string{"func"}, "a func as the whole state"},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		checkTable(t, i, tt.name, tt.reason, seen)
		if tt.err == nil {
			t.Errorf("%s: CodecFor() = nil error, want one (%s)", tt.name, tt.reason)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(tt.err.Error(), w) {
				t.Errorf("%s: CodecFor() error %q does not mention %q", tt.name, tt.err, w)
			}
		}
	}
}

// TestCodec_InterfaceHoldingFunc checks that a func stored in an interface
// at run time, which CodecFor cannot see, is reported when fingerprinted.
func TestCodec_InterfaceHoldingFunc(t *testing.T) {
	c := codecOf[shape](t)
	s := shape{Any: func() {}}
	defer func() {
		v := recover()
		if v == nil || !strings.Contains(fmt.Sprint(v), "func") {
			t.Errorf("Append() of a state holding a func in an interface: recovered %v, want a panic naming the func type", v)
		}
	}()
	c.Append(nil, &s)
}

func TestCodec_Concurrent(t *testing.T) {
	c := codecOf[shape](t)
	s := full()
	want := c.Append(nil, &s)
	done := make(chan []byte)
	for range 4 {
		go func() {
			var buf []byte
			for range 200 {
				cl := c.Clone(&s)
				buf = c.Append(buf[:0], &cl)
			}
			done <- buf
		}()
	}
	for range 4 {
		if got := <-done; !bytes.Equal(got, want) {
			t.Errorf("concurrent Append/Clone gave a different encoding")
		}
	}
}

func TestHash_NoCollisions(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	// Distinct inputs by construction; a collision is two equal hashes.
	hashes := make([]uint64, 0, n+n/4+200)
	var b []byte
	for i := range n {
		// Little-endian ints of 1 to 3 bytes: many short encodings that
		// differ in one byte.
		b = b[:0]
		for v := i; ; v >>= 8 {
			b = append(b, byte(v))
			if v < 256 {
				break
			}
		}
		hashes = append(hashes, codec.Hash(b))
	}
	// The empty input, zero runs of 4 to 64 bytes, and runs that differ
	// from them only in their last byte or their length.
	hashes = append(hashes, codec.Hash(nil))
	for l := 4; l <= 64; l++ {
		hashes = append(hashes, codec.Hash(make([]byte, l)))
		for _, c := range []byte{1, 0x80, 0xff} {
			x := make([]byte, l+1)
			x[l] = c
			hashes = append(hashes, codec.Hash(x))
		}
	}
	for i := range n / 4 {
		b = append(strconv.AppendInt(append(b[:0], "state-"...), int64(i), 10), "-with-a-longer-encoding-than-sixteen-bytes"...)
		hashes = append(hashes, codec.Hash(b))
	}
	slices.Sort(hashes)
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			t.Fatalf("two of %d distinct inputs hash to %#x", len(hashes), hashes[i])
		}
	}
}

func TestHash_Deterministic(t *testing.T) {
	b := []byte("the same bytes in two buffers")
	c := append(make([]byte, 0, 100), b...)
	if codec.Hash(b) != codec.Hash(c) {
		t.Errorf("Hash depends on the buffer, not only its bytes")
	}
	if codec.Hash(nil) != codec.Hash([]byte{}) {
		t.Errorf("Hash(nil) != Hash([]byte{})")
	}
	if codec.Hash(nil) == codec.Hash([]byte{0}) {
		t.Errorf("Hash(nil) == Hash([]byte{0}): the length must count")
	}
}
