package tlaimport

import (
	"encoding"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mbtgo/mbt/internal/codec"
	"github.com/mbtgo/mbt/internal/suggest"
	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/internal/traceformat"
)

// Decoder is implemented by Go types that decode themselves from a TLA+
// value, for shapes the rules of [Decode] do not cover: a set of records
// [type |-> "Prepared", rm |-> r1] kept as a struct of flags, say. Decode
// calls DecodeTLA on a pointer to the value being decoded, which holds
// what it held before (the template's value, see [StateDecoder]). An error
// it returns is reported with the path and position of v.
type Decoder interface {
	DecodeTLA(v Value) error
}

// DecodeError is a TLA+ value that does not fit the Go type it is decoded
// into. It prints as
//
//	TwoPhase.out.txt:38:14: state 3: rmState[r2]: want string (twophase.RMState), got set {}
//
// with the position of the innermost value whose position is known.
type DecodeError struct {
	// Pos is where the value is in the trace file, when known.
	Pos Pos
	// State names the state, like "state 3", or is "" outside a trace.
	State string
	// Path is where the value is inside the state, in TLA+ syntax: a
	// variable, then .field for a record's field, [key] for a function's
	// key or a sequence's index (from 1), and {elem} for a set's element.
	Path string
	// Msg says what is wrong.
	Msg string
	// Err is the error of a Decoder or of UnmarshalText, if any.
	Err error
}

// Error renders the error as file:line:col: state N: path: message.
func (e *DecodeError) Error() string {
	var b strings.Builder
	if p := e.Pos.String(); p != "" {
		b.WriteString(p + ": ")
	}
	b.WriteString(e.Message())
	return b.String()
}

// Position returns where the value is in the trace file.
func (e *DecodeError) Position() Pos { return e.Pos }

// Message returns the problem without its position.
func (e *DecodeError) Message() string {
	var b strings.Builder
	if e.State != "" {
		b.WriteString(e.State + ": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the error of a Decoder, if any.
func (e *DecodeError) Unwrap() error { return e.Err }

// Decode decodes the TLA+ value v into the Go value that dst points at,
// the way encoding/json decodes JSON. Kinds of values go into these Go
// types:
//
//   - Booleans into bool kinds.
//   - Integers into any integer kind, with overflow reported, into floats
//     when exact, and into big.Int or *big.Int.
//   - Strings and model values into string kinds, or types that implement
//     encoding.TextUnmarshaler. A string or model value that ends in a
//     number, like r2 or "rm2", goes into an integer kind as that number
//     minus one: the numbering rule below.
//   - Records into structs, field by field: a Go field takes the record
//     field its `tla:"name"` tag names, else the one with its Go name, else
//     the one whose name matches it ignoring case; `tla:"-"` skips a field.
//     Every record field needs a Go field and every Go field a record
//     field. A variant as Quint and Apalache write it, [tag |-> "Some",
//     value |-> 3], is a record and goes into a struct with Tag and Value
//     fields; Some and None go into a pointer as the value and nil.
//   - Records and functions into maps, keys decoded like values: a
//     function's keys may be tuples, which go into struct or array keys. A
//     map is replaced, not merged into.
//   - Sequences and tuples into slices, arrays (of the same length) and
//     structs, element by element.
//   - Sets into slices, in canonical order (see [Value]); into map[T]bool and
//     map[T]struct{} as the set of keys; and a set of numbered names, like
//     {r1, r3}, into a []bool with true at each index the numbering rule
//     gives (a set of booleans goes into a []bool element by element).
//   - Functions and records into slices and arrays by the numbering rule.
//
// TLC's -dumpTrace json writes sets as JSON arrays, and functions that
// are not sequences or records as JSON objects whose names are the keys as
// TLC prints them ("0", "<<r1, r2>>"), which [ReadTLCJSON] reads as
// sequences and records. They decode by the Go type they go into, so that
// a TLC trace decodes alike from its text and from its JSON:
//
//   - A sequence goes into a map[T]bool or map[T]struct{} as a set (TLC's
//     [[0, 1]] for {<<0, 1>>}), except that a sequence of booleans goes
//     into a map[T]bool whose keys are not booleans as the function on
//     1..N it also is; a sequence of numbered names goes into a []bool as
//     a set, and an empty sequence clears a []bool that has elements, as
//     {} does.
//   - A record goes into a slice or an array, and into a map whose keys
//     are neither of a string kind, nor interfaces, nor implement
//     encoding.TextUnmarshaler, as the function whose keys its field names
//     give when read as TLA+ values: {"0": a, "1": b} is (0 :> a @@ 1 :> b)
//     and goes into a []T, {"<<r1, r2>>": x} is (<<r1, r2>> :> x) and goes
//     into a map[[2]string]T or a map with struct keys. A name that is not a
//     TLA+ value is a string.
//   - Any value into a [Value], as it is, and into an interface{} as bool,
//     int (or *big.Int when it does not fit), string, []any for sets and
//     sequences, map[string]any for records and map[any]any for functions.
//   - Any value into a type whose pointer implements [Decoder], which
//     decodes it.
//
// The numbering rule turns TLA+'s constants r1, r2, r3 (model values, or
// strings in Quint) into Go's indexes 0, 1, 2: a name that is a non-empty
// prefix followed by a decimal number n ≥ 1 has the index n-1. A function
// whose keys are such names with the same prefix, numbered 1 to N (the
// function rmState \in [RM -> ...] with RM = {r1, r2, r3}), goes into a
// slice of length N by index, and so does a function whose keys are the
// integers 1..N or 0..N-1. A set of such names goes into a []bool that keeps
// its length (grown if an index does not fit): decode into a value that
// already has the right length, such as a model's initial state (see
// [StateDecoder.Template]), so that {r1} becomes [true false false] rather
// than [true].
//
// Decoding starts from what dst holds: the elements of a slice and the
// values of a map start from the old element at the same index or key, so
// that the lengths of a template carry into nested values. An error is a
// *[DecodeError] that names the path of the value that does not fit.
func Decode(v Value, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("tlaimport: Decode needs a non-nil pointer, got %T", dst)
	}
	d := &goDecoder{}
	if err := d.value(v, rv.Elem()); err != nil {
		return d.finish(err)
	}
	return nil
}

// StateDecoder decodes the states of a trace into a Go state type S: a
// struct whose fields are the trace's variables, matched by name as
// [Decode] matches record fields (`tla:"name"` tags, Go names, then names
// ignoring case). Variables the struct has no field for are ignored, and so
// are ITF's mbt::actionTaken and mbt::nondetPicks; a field without a
// variable is an error. S may also be a map from strings to values, or a
// type whose pointer implements [Decoder], which gets the state as a
// record of its variables.
//
// The zero value decodes each state into a zero S.
type StateDecoder[S any] struct {
	_ struct{}

	// Template, if not nil, is the value each state starts from, such as
	// the model's initial state: it gives []bool sets their lengths (see
	// [Decode]). It is copied deeply and never changed.
	Template *S
	// Names maps the Go names of S's fields (promoted fields of embedded
	// structs count as S's own) to TLA+ variable names. It overrides tags,
	// for state types you cannot tag.
	Names map[string]string
	// Strict makes variables without a field an error.
	Strict bool
}

// DecodeState decodes one state into a zero S with the zero
// [StateDecoder].
func DecodeState[S any](st State) (S, error) {
	var d StateDecoder[S]
	return d.Decode(st)
}

// DecodeTrace decodes every state of t into a zero S with the zero
// [StateDecoder].
func DecodeTrace[S any](t *Trace) ([]S, error) {
	var d StateDecoder[S]
	return d.DecodeTrace(t)
}

// Decode decodes one state. Errors have no state label; see
// [StateDecoder.DecodeTrace].
func (sd *StateDecoder[S]) Decode(st State) (S, error) {
	var s S
	if sd.Template != nil {
		c, err := codec.For[S]()
		if err != nil {
			return s, fmt.Errorf("tlaimport: %w", err)
		}
		s = c.Clone(sd.Template)
	}
	d := &goDecoder{names: sd.Names, strict: sd.Strict, statePos: st.Pos}
	if err := d.state(st, reflect.ValueOf(&s).Elem()); err != nil {
		return s, d.finish(err)
	}
	return s, nil
}

// DecodeTrace decodes every state of t. An error names the state as the
// tool numbers it: from 1 for TLC ("state 4" is TLC's "State 4:"), from 0
// for ITF (its #meta index).
func (sd *StateDecoder[S]) DecodeTrace(t *Trace) ([]S, error) {
	out := make([]S, len(t.States))
	for i, st := range t.States {
		s, err := sd.Decode(st)
		if err != nil {
			if de, ok := err.(*DecodeError); ok {
				de.State = traceformat.StateLabel(t.Format, i)
				if de.Pos.File == "" && de.Pos.Line == 0 {
					de.Pos.File = t.File
				}
			}
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// goDecoder holds the path of the value being decoded, for errors.
type goDecoder struct {
	path     []string
	pos      Pos // the innermost known position
	names    map[string]string
	strict   bool
	statePos Pos
}

// finish fills in a *DecodeError's position from the state when the value
// had none.
func (d *goDecoder) finish(err error) error {
	var de *DecodeError
	if errors.As(err, &de) && de.Pos.Line == 0 && d.statePos.Line != 0 {
		de.Pos = d.statePos
	}
	return err
}

// errorf returns a *DecodeError at the current path and position.
func (d *goDecoder) errorf(v Value, format string, args ...any) error {
	pos := d.pos
	if v.Pos.Line != 0 {
		pos = v.Pos
	}
	return &DecodeError{Pos: pos, Path: strings.Join(d.path, ""), Msg: fmt.Sprintf(format, args...)}
}

// push descends into a part of the current value.
func (d *goDecoder) push(elem string) { d.path = append(d.path, elem) }
func (d *goDecoder) pop()             { d.path = d.path[:len(d.path)-1] }

// pathField, pathKey and pathSetElem render path elements.
func pathField(name string, top bool) string {
	if top {
		return name
	}
	return "." + name
}

func pathKey(k Value) string { return "[" + clipText(k.String(), 40) + "]" }

func pathSetElem(e Value) string { return "{" + clipText(e.String(), 40) + "}" }

// clipText clips s to n runes.
func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// describeValue renders a value for an error: its kind and, if short, itself.
func describeValue(v Value) string {
	if isVariantRecord(v) {
		tag, _ := v.Field("tag")
		return "variant " + tag.Str + " (" + clipText(v.String(), 60) + ")"
	}
	s := v.String()
	if v.Kind == Unserializable {
		return "unserializable value " + clipText(strconv.Quote(v.Str), 60)
	}
	return v.Kind.String() + " " + clipText(s, 60)
}

// isVariantRecord reports whether v is a record [tag |-> "T", value |-> x], as
// Quint and Apalache write variants.
func isVariantRecord(v Value) bool {
	if v.Kind != Record || len(v.Fields) != 2 {
		return false
	}
	tag, ok := v.Field("tag")
	_, ok2 := v.Field("value")
	return ok && ok2 && tag.Kind == String
}

// goTypeName describes a Go type for an error: "string (twophase.RMState)".
func goTypeName(t reflect.Type) string {
	if t.Name() != "" && t.PkgPath() != "" {
		k := t.Kind().String()
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map, reflect.Pointer:
			return t.String()
		}
		return k + " (" + t.String() + ")"
	}
	return t.String()
}

var (
	typeOfValue           = reflect.TypeFor[Value]()
	typeOfBigInt          = reflect.TypeFor[big.Int]()
	typeOfDecoder         = reflect.TypeFor[Decoder]()
	typeOfTextUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	typeOfEmptyStruct     = reflect.TypeFor[struct{}]()
	typeOfInt             = reflect.TypeFor[int]()
)

// state decodes the variables of st into rv, the state.
func (d *goDecoder) state(st State, rv reflect.Value) error {
	vars := make([]Field, 0, len(st.Vars))
	for name, v := range st.Vars {
		if strings.HasPrefix(name, "mbt::") {
			continue
		}
		vars = append(vars, Field{name, v})
	}
	rec := RecordValue(vars...)
	rec.Pos = st.Pos
	d.pos = st.Pos
	if rv.CanAddr() && reflect.PointerTo(rv.Type()).Implements(typeOfDecoder) {
		return d.callDecoder(rec, rv)
	}
	switch rv.Kind() {
	case reflect.Struct:
		return d.record(rec.Fields, rec, rv, true)
	case reflect.Map:
		return d.mapOf(rec, rv, true)
	case reflect.Pointer:
		if rv.IsNil() {
			rv.Set(reflect.New(rv.Type().Elem()))
		}
		return d.state(st, rv.Elem())
	}
	return d.errorf(rec, "a state decodes into a struct or a map, not %s", goTypeName(rv.Type()))
}

// value decodes v into rv, which is settable.
func (d *goDecoder) value(v Value, rv reflect.Value) error {
	if v.Pos.Line != 0 {
		saved := d.pos
		d.pos = v.Pos
		defer func() { d.pos = saved }()
	}
	t := rv.Type()
	switch {
	case t == typeOfValue:
		rv.Set(reflect.ValueOf(v))
		return nil
	case t == typeOfBigInt:
		return d.bigInt(v, rv)
	case t.Kind() == reflect.Pointer && t.Elem() == typeOfBigInt:
		if rv.IsNil() {
			rv.Set(reflect.New(typeOfBigInt))
		}
		return d.bigInt(v, rv.Elem())
	case reflect.PointerTo(t).Implements(typeOfDecoder) && rv.CanAddr():
		return d.callDecoder(v, rv)
	case (v.Kind == String || v.Kind == ModelValue) && reflect.PointerTo(t).Implements(typeOfTextUnmarshaler) && rv.CanAddr():
		if err := rv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(v.Str)); err != nil {
			de := d.errorf(v, "decode %s into %s: %v", describeValue(v), goTypeName(t), err).(*DecodeError)
			de.Err = err
			return de
		}
		return nil
	}
	if v.Kind == Unserializable {
		return d.errorf(v, "want %s, got %s", goTypeName(t), describeValue(v))
	}
	switch t.Kind() {
	case reflect.Pointer:
		if isVariantRecord(v) && !hasTagAndValue(t.Elem()) && !t.Implements(typeOfDecoder) {
			tag, _ := v.Field("tag")
			switch tag.Str {
			case "None":
				rv.SetZero()
				return nil
			case "Some":
				inner, _ := v.Field("value")
				if rv.IsNil() {
					rv.Set(reflect.New(t.Elem()))
				}
				d.push(".value")
				defer d.pop()
				return d.value(inner, rv.Elem())
			}
		}
		if rv.IsNil() {
			rv.Set(reflect.New(t.Elem()))
		}
		return d.value(v, rv.Elem())
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return d.errorf(v, "cannot decode %s into the interface %s", describeValue(v), t)
		}
		x, err := d.natural(v)
		if err != nil {
			return err
		}
		if x == nil {
			rv.SetZero()
		} else {
			rv.Set(reflect.ValueOf(x))
		}
		return nil
	case reflect.Bool:
		if v.Kind != Bool {
			return d.mismatch(v, t)
		}
		rv.SetBool(v.Bool)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return d.number(v, rv)
	case reflect.String:
		if v.Kind != String && v.Kind != ModelValue {
			return d.mismatch(v, t)
		}
		rv.SetString(v.Str)
		return nil
	case reflect.Struct:
		return d.structOf(v, rv)
	case reflect.Slice:
		return d.slice(v, rv)
	case reflect.Array:
		return d.array(v, rv)
	case reflect.Map:
		return d.mapOf(v, rv, false)
	}
	return d.errorf(v, "cannot decode into %s", goTypeName(t))
}

// hasTagAndValue reports whether t is a struct with fields for a variant's
// tag and value.
func hasTagAndValue(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	fs := goFields(t)
	return findGoField(fs, "tag", nil) >= 0 && findGoField(fs, "value", nil) >= 0
}

// mismatch reports a value of the wrong kind for t.
func (d *goDecoder) mismatch(v Value, t reflect.Type) error {
	msg := fmt.Sprintf("want %s, got %s", goTypeName(t), describeValue(v))
	if isVariantRecord(v) && t.Kind() != reflect.Struct {
		msg += fmt.Sprintf("; a variant goes into a struct with Tag and Value fields, or implement tlaimport.Decoder on %s", t)
	}
	return d.errorf(v, "%s", msg)
}

// callDecoder calls the Decoder of the addressable rv.
func (d *goDecoder) callDecoder(v Value, rv reflect.Value) error {
	err := rv.Addr().Interface().(Decoder).DecodeTLA(v)
	if err == nil {
		return nil
	}
	var de *DecodeError
	if errors.As(err, &de) {
		// A nested Decode: put its path under ours.
		out := *de
		out.Path = strings.Join(d.path, "") + de.Path
		if out.Pos.Line == 0 {
			out.Pos = d.pos
			if v.Pos.Line != 0 {
				out.Pos = v.Pos
			}
		}
		return &out
	}
	e := d.errorf(v, "%v", err).(*DecodeError)
	e.Err = err
	return e
}

// bigInt decodes an integer into a big.Int.
func (d *goDecoder) bigInt(v Value, rv reflect.Value) error {
	if v.Kind != Int {
		return d.mismatch(v, rv.Type())
	}
	b := new(big.Int)
	if v.Int != nil {
		b.Set(v.Int)
	}
	rv.Set(reflect.ValueOf(b).Elem())
	return nil
}

// number decodes an integer, or a numbered name, into a number kind.
func (d *goDecoder) number(v Value, rv reflect.Value) error {
	t := rv.Type()
	var n *big.Int
	switch v.Kind {
	case Int:
		n = v.Int
		if n == nil {
			n = new(big.Int)
		}
	case String, ModelValue:
		isFloat := t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64
		if _, i, ok := ordinal(v); ok && !isFloat {
			n = big.NewInt(int64(i))
			break
		}
		msg := fmt.Sprintf("want %s, got %s", goTypeName(t), describeValue(v))
		if !isFloat {
			msg += " (a name goes into an integer only if it ends in a number from 1, like r1)"
		}
		return d.errorf(v, "%s", msg)
	default:
		return d.mismatch(v, t)
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !n.IsInt64() || rv.OverflowInt(n.Int64()) {
			return d.errorf(v, "%s overflows %s", n, goTypeName(t))
		}
		rv.SetInt(n.Int64())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n.Sign() < 0 || !n.IsUint64() || rv.OverflowUint(n.Uint64()) {
			return d.errorf(v, "%s overflows %s", n, goTypeName(t))
		}
		rv.SetUint(n.Uint64())
	default: // floats
		f, acc := new(big.Float).SetInt(n).Float64()
		if acc != big.Exact || rv.OverflowFloat(f) {
			return d.errorf(v, "%s is not exact as %s", n, goTypeName(t))
		}
		rv.SetFloat(f)
	}
	return nil
}

// ordinal applies the numbering rule (see [Decode]) to a model value or a
// string: r3 gives the prefix "r" and the index 2. ok is false for other
// values and names that do not end in a number from 1.
func ordinal(v Value) (prefix string, index int, ok bool) {
	if v.Kind != String && v.Kind != ModelValue {
		return "", 0, false
	}
	s := v.Str
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == 0 || i == len(s) || len(s)-i > 9 {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[i:])
	if err != nil || n < 1 {
		return "", 0, false
	}
	return s[:i], n - 1, true
}

// natural decodes v into the Go value an interface{} holds.
func (d *goDecoder) natural(v Value) (any, error) {
	switch v.Kind {
	case Bool:
		return v.Bool, nil
	case Int:
		if v.Int == nil {
			return 0, nil
		}
		if v.Int.IsInt64() && int64(int(v.Int.Int64())) == v.Int.Int64() {
			return int(v.Int.Int64()), nil
		}
		return new(big.Int).Set(v.Int), nil
	case String, ModelValue:
		return v.Str, nil
	case Set, Seq, Tuple:
		out := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			if v.Kind == Set {
				d.push(pathSetElem(e))
			} else {
				d.push("[" + strconv.Itoa(i+1) + "]")
			}
			x, err := d.natural(e)
			d.pop()
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case Record:
		out := make(map[string]any, len(v.Fields))
		for _, f := range v.Fields {
			d.push("." + f.Name)
			x, err := d.natural(f.Value)
			d.pop()
			if err != nil {
				return nil, err
			}
			out[f.Name] = x
		}
		return out, nil
	case Func:
		out := make(map[any]any, len(v.Pairs))
		for _, p := range v.Pairs {
			k, err := d.natural(p.Key)
			if err != nil {
				return nil, err
			}
			if k != nil && !reflect.TypeOf(k).Comparable() {
				k = p.Key.String()
			}
			d.push(pathKey(p.Key))
			x, err := d.natural(p.Value)
			d.pop()
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	}
	return nil, d.errorf(v, "cannot decode %s", describeValue(v))
}

// goField is a Go struct field that takes a TLA+ name.
type goField struct {
	name  string // the TLA+ name: the tag's, or the Go name
	goN   string // the Go name
	index []int
	typ   reflect.Type
	tag   bool // named by a tag
}

var goFieldCache sync.Map // reflect.Type -> []goField

// goFields lists the fields of the struct type t that decode: exported,
// not tagged "-", promoted fields of embedded structs as t's own.
func goFields(t reflect.Type) []goField {
	if fs, ok := goFieldCache.Load(t); ok {
		return fs.([]goField)
	}
	var out []goField
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() {
			continue
		}
		tag, hasTag := f.Tag.Lookup("tla")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && (f.Type.Kind() == reflect.Struct ||
			f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct) {
			continue // its fields are promoted
		}
		// A promoted field hidden under a tagged or skipped embedded
		// struct does not count.
		if len(f.Index) > 1 && promotedHidden(t, f.Index) {
			continue
		}
		ff := goField{name: f.Name, goN: f.Name, index: f.Index, typ: f.Type}
		if hasTag && name != "" {
			ff.name, ff.tag = name, true
		}
		out = append(out, ff)
	}
	goFieldCache.Store(t, out)
	return out
}

// promotedHidden reports whether an embedded struct on the path index is tagged,
// so that it is one field and its fields are not promoted, or skipped.
func promotedHidden(t reflect.Type, index []int) bool {
	for _, i := range index[:len(index)-1] {
		f := t.Field(i)
		if f.Tag.Get("tla") != "" {
			return true
		}
		t = f.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	return false
}

// findGoField returns the index in fs of the field for the TLA+ name, or -1:
// a tag or Go name equal to it, else the one field whose name matches it
// ignoring case. names, if not nil, maps Go names to TLA+ names first.
func findGoField(fs []goField, name string, names map[string]string) int {
	tlaName := func(f goField) string {
		if n, ok := names[f.goN]; ok {
			return n
		}
		return f.name
	}
	for i, f := range fs {
		if tlaName(f) == name {
			return i
		}
	}
	found := -1
	for i, f := range fs {
		if strings.EqualFold(tlaName(f), name) {
			if found >= 0 {
				return -1 // ambiguous
			}
			found = i
		}
	}
	return found
}

// structOf decodes a record, a function on names, or a tuple into a
// struct.
func (d *goDecoder) structOf(v Value, rv reflect.Value) error {
	switch v.Kind {
	case Record:
		return d.record(v.Fields, v, rv, false)
	case Func:
		fs := make([]Field, 0, len(v.Pairs))
		for _, p := range v.Pairs {
			if p.Key.Kind != String && p.Key.Kind != ModelValue {
				return d.errorf(v, "want %s, got %s (a function goes into a struct only if its keys are names)", goTypeName(rv.Type()), describeValue(v))
			}
			fs = append(fs, Field{p.Key.Str, p.Value})
		}
		return d.record(fs, v, rv, false)
	case Seq, Tuple:
		fs := goFields(rv.Type())
		if len(fs) != len(v.Elems) {
			return d.errorf(v, "want %s with %d fields, got %s of %d %s", goTypeName(rv.Type()), len(fs), v.Kind, len(v.Elems), text.Plural(len(v.Elems), "element", "elements"))
		}
		for i, e := range v.Elems {
			d.push("[" + strconv.Itoa(i+1) + "]")
			err := d.value(e, goFieldAt(rv, fs[i].index))
			d.pop()
			if err != nil {
				return err
			}
		}
		return nil
	}
	return d.mismatch(v, rv.Type())
}

// goFieldAt returns the field at index, allocating nil embedded
// pointers on the way.
func goFieldAt(rv reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				rv.Set(reflect.New(rv.Type().Elem()))
			}
			rv = rv.Elem()
		}
		rv = rv.Field(x)
	}
	return rv
}

// record decodes named values into the fields of a struct. top says they
// are a state's variables: extra ones are ignored unless strict.
func (d *goDecoder) record(vals []Field, v Value, rv reflect.Value, top bool) error {
	t := rv.Type()
	fs := goFields(t)
	names := d.names
	if !top {
		names = nil
	}
	seen := make([]bool, len(fs))
	var fieldNames []string
	for _, f := range fs {
		n := f.name
		if m, ok := names[f.goN]; ok {
			n = m
		}
		fieldNames = append(fieldNames, n)
	}
	for _, val := range vals {
		i := findGoField(fs, val.Name, names)
		if i < 0 {
			if top && !d.strict {
				continue
			}
			what := "record field"
			if top {
				what = "variable"
			}
			msg := fmt.Sprintf("%s %s has no field in %s", what, val.Name, goTypeName(t))
			if s := suggest.Closest(val.Name, unseenNames(fieldNames, seen)); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			d.push(pathField(val.Name, len(d.path) == 0))
			err := d.errorf(val.Value, "%s", msg)
			d.pop()
			return err
		}
		if seen[i] {
			return d.errorf(val.Value, "%s and another name both go into field %s of %s", val.Name, fs[i].goN, goTypeName(t))
		}
		seen[i] = true
		d.push(pathField(val.Name, len(d.path) == 0))
		err := d.value(val.Value, goFieldAt(rv, fs[i].index))
		d.pop()
		if err != nil {
			return err
		}
	}
	var have []string
	for _, val := range vals {
		have = append(have, val.Name)
	}
	for i, f := range fs {
		if seen[i] {
			continue
		}
		name := fieldNames[i]
		var msg string
		if top {
			msg = fmt.Sprintf("no variable %s for field %s of %s", name, f.goN, goTypeName(t))
		} else {
			msg = fmt.Sprintf("want field %s (for %s.%s), got %s", name, t.Name(), f.goN, describeValue(v))
		}
		if s := suggest.Closest(name, have); s != "" {
			msg += fmt.Sprintf(" (did you mean %s? tag the field `tla:%q`)", s, s)
		} else if top {
			msg += fmt.Sprintf("; the state has %s", strings.Join(have, ", "))
		}
		return d.errorf(v, "%s", msg)
	}
	return nil
}

// unseenNames returns the names whose fields have not been decoded.
func unseenNames(names []string, seen []bool) []string {
	var out []string
	for i, n := range names {
		if !seen[i] {
			out = append(out, n)
		}
	}
	return out
}

// slice decodes into a slice.
func (d *goDecoder) slice(v Value, rv reflect.Value) error {
	t := rv.Type()
	switch v.Kind {
	case Seq, Tuple:
		if t.Elem().Kind() == reflect.Bool && !anyOfKind(v.Elems, Bool) && (len(v.Elems) > 0 || rv.Len() > 0) {
			// TLC's JSON writes sets as arrays: {r1} as ["r1"], {} as [].
			return d.marks(v, rv)
		}
		return d.elems(v, v.Elems, rv, false)
	case Set:
		if t.Elem().Kind() == reflect.Bool && !allOfKind(v.Elems, Bool) {
			return d.marks(v, rv)
		}
		return d.elems(v, v.Elems, rv, true)
	case Func, Record:
		pairs := keyedPairs(v, typeOfInt)
		idx, err := d.indexes(v, pairs, t)
		if err != nil {
			return err
		}
		n := len(pairs)
		out := reflect.MakeSlice(t, n, n)
		reflect.Copy(out, rv)
		for i, p := range pairs {
			d.push(pathKey(p.Key))
			err := d.value(p.Value, out.Index(idx[i]))
			d.pop()
			if err != nil {
				return err
			}
		}
		rv.Set(out)
		return nil
	}
	return d.mismatch(v, t)
}

// array decodes into an array of the same length.
func (d *goDecoder) array(v Value, rv reflect.Value) error {
	t := rv.Type()
	switch v.Kind {
	case Seq, Tuple, Set:
		if t.Elem().Kind() == reflect.Bool && v.Kind == Set && !allOfKind(v.Elems, Bool) {
			return d.marks(v, rv)
		}
		if len(v.Elems) != t.Len() {
			return d.errorf(v, "want %s, got %s of %d %s", goTypeName(t), v.Kind, len(v.Elems), text.Plural(len(v.Elems), "element", "elements"))
		}
		for i, e := range v.Elems {
			if v.Kind == Set {
				d.push(pathSetElem(e))
			} else {
				d.push("[" + strconv.Itoa(i+1) + "]")
			}
			err := d.value(e, rv.Index(i))
			d.pop()
			if err != nil {
				return err
			}
		}
		return nil
	case Func, Record:
		pairs := keyedPairs(v, typeOfInt)
		if len(pairs) != t.Len() {
			return d.errorf(v, "want %s, got %s with %d %s", goTypeName(t), v.Kind, len(pairs), text.Plural(len(pairs), "key", "keys"))
		}
		idx, err := d.indexes(v, pairs, t)
		if err != nil {
			return err
		}
		for i, p := range pairs {
			d.push(pathKey(p.Key))
			err := d.value(p.Value, rv.Index(idx[i]))
			d.pop()
			if err != nil {
				return err
			}
		}
		return nil
	}
	return d.mismatch(v, t)
}

// allOfKind reports whether every value is of kind k (and there is one).
func allOfKind(vs []Value, k Kind) bool {
	for _, v := range vs {
		if v.Kind != k {
			return false
		}
	}
	return len(vs) > 0
}

// anyOfKind reports whether some value is of kind k.
func anyOfKind(vs []Value, k Kind) bool {
	for _, v := range vs {
		if v.Kind == k {
			return true
		}
	}
	return false
}

// elems decodes the elements of a sequence, tuple or set into a new slice.
func (d *goDecoder) elems(v Value, es []Value, rv reflect.Value, set bool) error {
	n := len(es)
	out := reflect.MakeSlice(rv.Type(), n, n)
	reflect.Copy(out, rv)
	for i, e := range es {
		if set {
			d.push(pathSetElem(e))
		} else {
			d.push("[" + strconv.Itoa(i+1) + "]")
		}
		err := d.value(e, out.Index(i))
		d.pop()
		if err != nil {
			return err
		}
	}
	rv.Set(out)
	return nil
}

// marks decodes a set of numbered names into a []bool or [N]bool.
func (d *goDecoder) marks(v Value, rv reflect.Value) error {
	t := rv.Type()
	idx := make([]int, len(v.Elems))
	prefix := ""
	size := 0
	for i, e := range v.Elems {
		p, n, ok := ordinal(e)
		if !ok {
			d.push(pathSetElem(e))
			err := d.errorf(e, "want a name that ends in a number from 1, like r1, for an index of %s; got %s", goTypeName(t), describeValue(e))
			d.pop()
			return err
		}
		if i > 0 && p != prefix {
			return d.errorf(v, "the elements of a set that goes into %s must have one prefix; got %s and %s", goTypeName(t), v.Elems[0], e)
		}
		prefix = p
		idx[i] = n
		size = max(size, n+1)
	}
	if rv.Kind() == reflect.Array {
		if size > t.Len() {
			return d.errorf(v, "%s: index %d does not fit %s", describeValue(v), size-1, goTypeName(t))
		}
		for i := range t.Len() {
			rv.Index(i).SetBool(false)
		}
	} else {
		n := max(size, rv.Len())
		out := reflect.MakeSlice(t, n, n)
		rv.Set(out)
	}
	for _, i := range idx {
		rv.Index(i).SetBool(true)
	}
	return nil
}

// indexes returns, for each key of a function, the index that the
// numbering rule gives it.
func (d *goDecoder) indexes(v Value, pairs []Pair, t reflect.Type) ([]int, error) {
	n := len(pairs)
	idx := make([]int, n)
	if n == 0 {
		return idx, nil
	}
	hint := "; a function goes into a slice when its keys are 1..N, 0..N-1, or names numbered 1..N like r1, r2 (use a map otherwise)"
	if allOfKind(pairKeys(pairs), Int) {
		lo := 1
		if pairs[0].Key.Int.Sign() == 0 {
			lo = 0
		}
		for i, p := range pairs { // pairs are sorted by key
			if !p.Key.Int.IsInt64() || p.Key.Int.Int64() != int64(i+lo) {
				return nil, d.errorf(v, "want %s, got a function with keys %s%s", goTypeName(t), pairKeyList(pairs), hint)
			}
			idx[i] = i
		}
		return idx, nil
	}
	prefix := ""
	used := make([]bool, n)
	for i, p := range pairs {
		pre, k, ok := ordinal(p.Key)
		if !ok || (i > 0 && pre != prefix) || k >= n || used[k] {
			return nil, d.errorf(v, "want %s, got %s with keys %s%s", goTypeName(t), v.Kind, pairKeyList(pairs), hint)
		}
		prefix = pre
		used[k] = true
		idx[i] = k
	}
	return idx, nil
}

func pairKeys(pairs []Pair) []Value {
	out := make([]Value, len(pairs))
	for i, p := range pairs {
		out[i] = p.Key
	}
	return out
}

// pairKeyList renders the keys of a function, shortened.
func pairKeyList(pairs []Pair) string {
	var parts []string
	for i, p := range pairs {
		if i == 6 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, clipText(p.Key.String(), 20))
	}
	return strings.Join(parts, ", ")
}

// mapOf decodes a function, record, sequence or set into a new map.
func (d *goDecoder) mapOf(v Value, rv reflect.Value, top bool) error {
	t := rv.Type()
	out := reflect.MakeMapWithSize(t, 0)
	put := func(k, val Value, elem string, isSet bool) error {
		key := reflect.New(t.Key()).Elem()
		d.push(elem)
		defer d.pop()
		if err := d.value(k, key); err != nil {
			return err
		}
		if !key.Comparable() {
			// An interface in the key type holds a slice or a map.
			return d.errorf(k, "%s cannot be a key of %s: it decodes into a Go value that is not comparable", describeValue(k), goTypeName(t))
		}
		ev := reflect.New(t.Elem()).Elem()
		if !rv.IsNil() {
			if old := rv.MapIndex(key); old.IsValid() {
				ev.Set(old)
			}
		}
		if isSet {
			if t.Elem().Kind() == reflect.Bool {
				ev.SetBool(true)
			}
		} else if err := d.value(val, ev); err != nil {
			return err
		}
		if out.MapIndex(key).IsValid() {
			return d.errorf(k, "two keys go into the same Go key %v", key)
		}
		out.SetMapIndex(key, ev)
		return nil
	}
	switch v.Kind {
	case Func:
		for _, p := range v.Pairs {
			if err := put(p.Key, p.Value, pathKey(p.Key), false); err != nil {
				return err
			}
		}
	case Record:
		for _, f := range v.Fields {
			if top && strings.HasPrefix(f.Name, "mbt::") {
				continue
			}
			k := recordKey(f.Name, f.Value.Pos, t.Key())
			elem := pathField(f.Name, top)
			if k.Kind != String {
				elem = pathKey(k)
			}
			if err := put(k, f.Value, elem, false); err != nil {
				return err
			}
		}
	case Seq, Tuple:
		if setMap(t) && !(t.Elem().Kind() == reflect.Bool && t.Key().Kind() != reflect.Bool && allOfKind(v.Elems, Bool)) {
			// TLC's JSON writes a set as an array: {<<1, 2>>} as [[1, 2]].
			for _, e := range v.Elems {
				if err := put(e, Value{}, pathSetElem(e), true); err != nil {
					return err
				}
			}
			break
		}
		for i, e := range v.Elems {
			if err := put(IntValue(int64(i+1)), e, "["+strconv.Itoa(i+1)+"]", false); err != nil {
				return err
			}
		}
	case Set:
		if !setMap(t) {
			return d.errorf(v, "want %s, got %s (a set goes into a map[T]bool or map[T]struct{})", goTypeName(t), describeValue(v))
		}
		for _, e := range v.Elems {
			if err := put(e, Value{}, pathSetElem(e), true); err != nil {
				return err
			}
		}
	default:
		return d.mismatch(v, t)
	}
	rv.Set(out)
	return nil
}

// setMap reports whether the map type t holds a set: map[T]bool or
// map[T]struct{}.
func setMap(t reflect.Type) bool {
	return t.Elem().Kind() == reflect.Bool || t.Elem() == typeOfEmptyStruct
}

// recordKey returns the key that a record's field name stands for when
// the record goes into a map with keys of type kt, or into a slice or an
// array (kt is int). TLC's JSON writes a function whose keys are not
// strings as an object whose names are the keys as TLC prints them: "0",
// "<<r1, r2>>", "<<\"a\", 1>>". So for keys of a string kind, keys that
// implement encoding.TextUnmarshaler and interface keys, the name is a
// string, as for any record; for other keys a name that parses as a TLA+
// value is that value (r1 a model value, 0 an integer), and a name that
// does not is a string. The key has the position pos, that of the field's
// value, as names have none of their own.
func recordKey(name string, pos Pos, kt reflect.Type) Value {
	s := StringValue(name)
	s.Pos = pos
	switch {
	case kt.Kind() == reflect.String, kt.Kind() == reflect.Interface,
		reflect.PointerTo(kt).Implements(typeOfTextUnmarshaler):
		return s
	}
	v, err := parseValueAt(Pos{}, name)
	if err != nil {
		return s
	}
	setPos(&v, pos)
	return v
}

// setPos sets the position of v and of every value inside it to pos.
func setPos(v *Value, pos Pos) {
	v.Pos = pos
	for i := range v.Elems {
		setPos(&v.Elems[i], pos)
	}
	for i := range v.Fields {
		setPos(&v.Fields[i].Value, pos)
	}
	for i := range v.Pairs {
		setPos(&v.Pairs[i].Key, pos)
		setPos(&v.Pairs[i].Value, pos)
	}
}

// keyedPairs returns the mappings of a function, sequence, tuple or record
// as a function's pairs, sorted by key, for decoding into a slice, an array
// or a map with keys of type kt: a record's field names become keys as
// recordKey reads them. Two names that give equal keys stay two pairs, so
// that the caller reports them.
func keyedPairs(v Value, kt reflect.Type) []Pair {
	if v.Kind != Record {
		return asFunc(v)
	}
	ps := make([]Pair, len(v.Fields))
	for i, f := range v.Fields {
		ps[i] = Pair{recordKey(f.Name, f.Value.Pos, kt), f.Value}
	}
	slices.SortStableFunc(ps, func(a, b Pair) int { return compare(a.Key, b.Key) })
	return ps
}
