package tlaimport

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"

	"github.com/mbtgo/mbt/model"
)

// Encoder is implemented by Go types that encode themselves as a TLA+
// value, the reverse of [Decoder]: what EncodeTLA returns, DecodeTLA
// should decode back into an equal Go value.
type Encoder interface {
	EncodeTLA() (Value, error)
}

// Encode returns the TLA+ value of the Go value x, the reverse of
// [Decode]:
//
//   - bool is a boolean; integer kinds, big.Int and *big.Int are
//     integers; string kinds are strings, and so are types that implement
//     encoding.TextMarshaler.
//   - A struct is a record of its fields, named as [Decode] names them
//     (`tla:"name"` tags, else Go names; `tla:"-"` and unexported fields
//     are left out; the fields of embedded structs are promoted).
//   - Slices and arrays are sequences.
//   - A map[K]struct{} is the set of its keys; any other map is a function.
//   - A pointer is the value it points at; a nil pointer is Quint's
//     variant None, [tag |-> "None", value |-> <<>>], which Decode turns
//     back into nil.
//   - An interface is its dynamic value.
//   - A [Value] is itself, and a type that implements [Encoder] (on its
//     value or its pointer) encodes itself.
//
// Floats, complex numbers, functions, channels and nil interfaces have no
// TLA+ value: the error names the path of the first one, like
// Msgs.Sent[2]: float64 has no TLA+ value.
//
// Encode does not undo the numbering rule: a slice indexed by resource
// manager is the sequence <<...>>, not the function (r1 :> ... @@ ...).
// Both decode into the same slice.
func Encode(x any) (Value, error) {
	e := &goEncoder{}
	v, err := e.value(reflect.ValueOf(x), "")
	if err != nil {
		return Value{}, err
	}
	return v, nil
}

// encodeState returns the variables of the state x, a struct (or a
// pointer to one) or a map with string keys: its fields encoded as
// [Encode] encodes them, by their TLA+ names. A type that implements
// [Encoder] must encode itself as a record, whose fields are the
// variables.
func encodeState(x any) (map[string]Value, error) {
	e := &goEncoder{}
	rv := reflect.ValueOf(x)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() && !implementsEncoder(rv) {
		rv = rv.Elem()
	}
	if !rv.IsValid() || (rv.Kind() != reflect.Struct && rv.Kind() != reflect.Map && !implementsEncoder(rv)) {
		return nil, fmt.Errorf("tlaimport: encode a state: want a struct or a map, got %T", x)
	}
	v, err := e.value(rv, "")
	if err != nil {
		return nil, err
	}
	vars := map[string]Value{}
	switch v.Kind {
	case Record:
		for _, f := range v.Fields {
			vars[f.Name] = f.Value
		}
	case Func:
		for _, p := range v.Pairs {
			if p.Key.Kind != String {
				return nil, fmt.Errorf("tlaimport: encode a state: variable names must be strings, got %s", describeValue(p.Key))
			}
			vars[p.Key.Str] = p.Value
		}
	default:
		return nil, fmt.Errorf("tlaimport: encode a state: %T encodes as a %s, not a record of variables", x, v.Kind)
	}
	return vars, nil
}

// The variables of Quint's mbt mode, which [EncodeTrace] writes so that
// a trace read back knows its actions.
const (
	varActionTaken = "mbt::actionTaken"
	varNondetPicks = "mbt::nondetPicks"
)

// EncodeTrace turns a run of the model m into a [Trace] of format "itf"
// that [WriteITF] writes. Each state's variables are the fields of the
// state type, encoded as [Encode] encodes them (a state type that
// implements [Encoder] must encode itself as a record of its variables),
// plus the variables of Quint's mbt mode, which ReadITF turns back into
// each state's [Action]: mbt::actionTaken, the action's name ("init" in
// the first state), and mbt::nondetPicks, a record with a field for every
// parameter name of m's actions: Some(argument) for the step's
// parameters, None for the others. The states' Action fields are filled
// in as well, and their Meta is ITF's {"index": i}. Vars lists the state
// type's fields in order, then the two mbt variables. m may be nil: then
// there are no picks, only the action names.
func EncodeTrace[S any](m *model.Model[S], tr model.Trace[S]) (*Trace, error) {
	out := &Trace{Format: "itf", Loop: -1}
	var params []string
	if m != nil {
		seen := map[string]bool{}
		for _, a := range m.Actions {
			for _, p := range a.Params {
				if !seen[p.Name] {
					seen[p.Name] = true
					params = append(params, p.Name)
				}
			}
		}
	}
	none := RecordValue(Field{"tag", StringValue("None")}, Field{"value", TupleValue()})
	for i := range tr.States {
		vars, err := encodeState(&tr.States[i])
		if err != nil {
			return nil, fmt.Errorf("state %d: %w", i, err)
		}
		st := State{Vars: vars, Meta: json.RawMessage(`{"index":` + strconv.Itoa(i) + `}`)}
		picks := map[string]Value{}
		for _, p := range params {
			picks[p] = none
		}
		name := "init"
		if i > 0 && i-1 < len(tr.Steps) {
			step := tr.Steps[i-1]
			name = step.Action
			a := &Action{Name: step.Action}
			var act *model.Action[S]
			if m != nil {
				act = m.Action(step.Action)
			}
			for j, arg := range step.Args {
				v, err := Encode(arg)
				if err != nil {
					return nil, fmt.Errorf("state %d: step %s: argument %d: %w", i, step.Action, j+1, err)
				}
				a.Args = append(a.Args, v)
				if act != nil && j < len(act.Params) {
					picks[act.Params[j].Name] = RecordValue(Field{"tag", StringValue("Some")}, Field{"value", v})
					if a.Picks == nil {
						a.Picks = map[string]Value{}
					}
					a.Picks[act.Params[j].Name] = v
				}
			}
			st.Action = a
		}
		if _, ok := vars[varActionTaken]; !ok {
			vars[varActionTaken] = StringValue(name)
			fs := make([]Field, 0, len(picks))
			for k, v := range picks {
				fs = append(fs, Field{k, v})
			}
			vars[varNondetPicks] = RecordValue(fs...)
			if len(fs) == 0 {
				vars[varNondetPicks] = Value{Kind: Record}
			}
		}
		out.States = append(out.States, st)
	}
	out.Vars = append(varOrder[S](out.States), varActionTaken, varNondetPicks)
	return out, nil
}

// varOrder lists the variables of states: a struct's fields in order,
// else the names sorted.
func varOrder[S any](states []State) []string {
	var names []string
	t := reflect.TypeFor[S]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct && !implementsEncoderType(t) {
		for _, f := range goFields(t) {
			names = append(names, f.name)
		}
		return names
	}
	seen := map[string]bool{varActionTaken: true, varNondetPicks: true}
	for _, st := range states {
		for n := range st.Vars {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return names
}

var (
	typeOfEncoder       = reflect.TypeFor[Encoder]()
	typeOfTextMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func implementsEncoderType(t reflect.Type) bool {
	return t.Implements(typeOfEncoder) || reflect.PointerTo(t).Implements(typeOfEncoder)
}

func implementsEncoder(rv reflect.Value) bool {
	return rv.IsValid() && rv.Type().Implements(typeOfEncoder)
}

// goEncoder encodes Go values; depth guards against cycles.
type goEncoder struct {
	depth int
}

// encodeErrorf returns an encode error at path, a Go path.
func encodeErrorf(path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path == "" {
		return fmt.Errorf("tlaimport: encode: %s", msg)
	}
	return fmt.Errorf("tlaimport: encode: %s: %s", path, msg)
}

func goPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (e *goEncoder) value(rv reflect.Value, path string) (Value, error) {
	if !rv.IsValid() {
		return Value{}, encodeErrorf(path, "nil has no TLA+ value")
	}
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > 1000 {
		return Value{}, encodeErrorf(path, "too deep: is the value cyclic?")
	}
	t := rv.Type()
	switch {
	case t == typeOfValue:
		return rv.Interface().(Value), nil
	case t == typeOfBigInt:
		b := rv.Interface().(big.Int)
		return BigValue(&b), nil
	case t.Kind() == reflect.Pointer && t.Elem() == typeOfBigInt && !rv.IsNil():
		return BigValue(rv.Interface().(*big.Int)), nil
	case t.Implements(typeOfEncoder) && rv.CanInterface():
		if t.Kind() == reflect.Pointer && rv.IsNil() {
			break
		}
		v, err := rv.Interface().(Encoder).EncodeTLA()
		if err != nil {
			return Value{}, encodeErrorf(path, "%v", err)
		}
		return v, nil
	case reflect.PointerTo(t).Implements(typeOfEncoder) && rv.CanInterface():
		p := reflect.New(t)
		p.Elem().Set(rv)
		v, err := p.Interface().(Encoder).EncodeTLA()
		if err != nil {
			return Value{}, encodeErrorf(path, "%v", err)
		}
		return v, nil
	case t.Implements(typeOfTextMarshaler) && rv.CanInterface() && !(t.Kind() == reflect.Pointer && rv.IsNil()):
		b, err := rv.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return Value{}, encodeErrorf(path, "%v", err)
		}
		return StringValue(string(b)), nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return BoolValue(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return IntValue(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return BigValue(new(big.Int).SetUint64(rv.Uint())), nil
	case reflect.String:
		return StringValue(rv.String()), nil
	case reflect.Pointer:
		if rv.IsNil() {
			return RecordValue(Field{"tag", StringValue("None")}, Field{"value", TupleValue()}), nil
		}
		return e.value(rv.Elem(), path)
	case reflect.Interface:
		if rv.IsNil() {
			return Value{}, encodeErrorf(path, "a nil %s has no TLA+ value", t)
		}
		return e.value(rv.Elem(), path)
	case reflect.Struct:
		var fs []Field
		for _, f := range goFields(t) {
			fv, ok := goFieldRead(rv, f.index)
			if !ok {
				fs = append(fs, Field{f.name, RecordValue(Field{"tag", StringValue("None")}, Field{"value", TupleValue()})})
				continue
			}
			v, err := e.value(fv, goPath(path, f.goN))
			if err != nil {
				return Value{}, err
			}
			fs = append(fs, Field{f.name, v})
		}
		if fs == nil {
			return Value{Kind: Record}, nil
		}
		return RecordValue(fs...), nil
	case reflect.Slice, reflect.Array:
		es := make([]Value, rv.Len())
		for i := range rv.Len() {
			v, err := e.value(rv.Index(i), path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return Value{}, err
			}
			es[i] = v
		}
		return Value{Kind: Seq, Elems: es}, nil
	case reflect.Map:
		set := t.Elem() == typeOfEmptyStruct
		keys := rv.MapKeys()
		elems := make([]Value, 0, len(keys))
		pairs := make([]Pair, 0, len(keys))
		for _, k := range keys {
			kv, err := e.value(k, path+"[key]")
			if err != nil {
				return Value{}, err
			}
			if set {
				elems = append(elems, kv)
				continue
			}
			vv, err := e.value(rv.MapIndex(k), path+"["+kv.String()+"]")
			if err != nil {
				return Value{}, err
			}
			pairs = append(pairs, Pair{kv, vv})
		}
		if set {
			return SetValue(elems...), nil
		}
		f := FuncValue(pairs...)
		if len(f.Pairs) != len(pairs) {
			return Value{}, encodeErrorf(path, "two keys of the map have the same TLA+ value")
		}
		return f, nil
	}
	return Value{}, encodeErrorf(path, "%s has no TLA+ value", t)
}

// goFieldRead returns the field at index, or false when a nil
// embedded pointer is on the way.
func goFieldRead(rv reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return reflect.Value{}, false
			}
			rv = rv.Elem()
		}
		rv = rv.Field(x)
	}
	return rv, true
}
