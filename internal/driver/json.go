package driver

import (
	"bytes"
	"cmp"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unsafe"
)

// The -json output holds states, step arguments and outputs: values of the
// user's types that the explorer fingerprints, which encoding/json does not
// all write. marshalJSON writes them as encoding/json writes what it can
// (json tags, MarshalJSON and MarshalText methods, byte slices in base64,
// nil slices and maps as null), so that its output for such values is
// encoding/json's, byte for byte, and writes what encoding/json refuses or
// leaves out:
//
//   - A map whose keys are not of a string or integer kind and do not
//     implement encoding.TextMarshaler (struct, array, bool, float,
//     pointer and interface keys) is an array of {"key": k, "value": v}
//     objects, ordered by the JSON of their keys, then of their values.
//   - Unexported fields, which are part of a state as much as exported
//     ones, are written under their Go names, after encoding/json's rules
//     for embedded structs, unless an exported field has the same JSON name
//     or the field is tagged `json:"-"`.
//   - NaN and the infinities are the strings "NaN", "+Inf" and "-Inf";
//     complex numbers are strings such as "(1+2i)".
//
// The same value gives the same bytes. A channel, function or unsafe
// pointer (which no state can hold) or a value nested more than 1000 levels
// deep (a cycle) is an error that names the path to it.

// maxJSONDepth is how deep marshalJSON descends before it reports a cycle.
const maxJSONDepth = 1000

// marshalJSONIndent encodes v as json.MarshalIndent(v, "", "  ") does, with
// the additions of marshalJSON.
func marshalJSONIndent(v any) ([]byte, error) {
	b, err := marshalJSON(v)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, fmt.Errorf("indent the JSON: %w", err)
	}
	return out.Bytes(), nil
}

// marshalJSON encodes v compactly; see the comment above.
func marshalJSON(v any) ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	rv := reflect.ValueOf(v)
	// A copy that is addressable, so that unexported fields can be read;
	// encoding/json treats the top value as not addressable.
	p := reflect.New(rv.Type())
	p.Elem().Set(rv)
	var e jsonEncoder
	return e.value(nil, p.Elem(), false)
}

// jsonEncoder holds the nesting depth.
type jsonEncoder struct {
	depth int
}

// jsonPathError is an error at a path inside the encoded value.
type jsonPathError struct {
	path []string // innermost first
	err  error
}

func (e *jsonPathError) Error() string {
	var b strings.Builder
	for i := len(e.path) - 1; i >= 0; i-- {
		p := e.path[i]
		if b.Len() > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	if b.Len() == 0 {
		return e.err.Error()
	}
	return b.String() + ": " + e.err.Error()
}

func (e *jsonPathError) Unwrap() error { return e.err }

// under puts err at the path element elem.
func under(elem string, err error) error {
	if pe, ok := err.(*jsonPathError); ok {
		pe.path = append(pe.path, elem)
		return pe
	}
	return &jsonPathError{path: []string{elem}, err: err}
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	jsonNumberType    = reflect.TypeFor[json.Number]()
)

// validJSONNumber reports whether s is a JSON number.
func validJSONNumber(s string) bool {
	var x any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&x); err != nil || d.More() {
		return false
	}
	_, ok := x.(json.Number)
	return ok && strings.TrimSpace(s) == s
}

// value appends the JSON of v. v is readable (never obtained through an
// unexported field without being copied out); addr says whether
// encoding/json would see it as addressable, which decides whether it
// calls methods with pointer receivers.
func (e *jsonEncoder) value(b []byte, v reflect.Value, addr bool) ([]byte, error) {
	if !v.IsValid() {
		return append(b, "null"...), nil
	}
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxJSONDepth {
		return nil, fmt.Errorf("more than %d levels deep (a cycle of pointers?)", maxJSONDepth)
	}
	t := v.Type()
	switch {
	case t.Kind() != reflect.Pointer && addr && v.CanAddr() && reflect.PointerTo(t).Implements(jsonMarshalerType):
		return e.marshaler(b, v.Addr())
	case t.Implements(jsonMarshalerType):
		return e.marshaler(b, v)
	case t.Kind() != reflect.Pointer && addr && v.CanAddr() && reflect.PointerTo(t).Implements(textMarshalerType):
		return e.textMarshaler(b, v.Addr())
	case t.Implements(textMarshalerType):
		return e.textMarshaler(b, v)
	}
	switch t.Kind() {
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return appendJSONFloat(b, v.Float(), t.Bits())
	case reflect.Complex64, reflect.Complex128:
		bits := 64
		if t.Kind() == reflect.Complex128 {
			bits = 128
		}
		return appendJSONString(b, strconv.FormatComplex(v.Complex(), 'g', -1, bits)), nil
	case reflect.String:
		if t == jsonNumberType {
			n := v.String()
			if n == "" {
				n = "0"
			}
			if !validJSONNumber(n) {
				return nil, fmt.Errorf("invalid number literal %q", n)
			}
			return append(b, n...), nil
		}
		return appendJSONString(b, v.String()), nil
	case reflect.Interface:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		return e.value(b, v.Elem(), false)
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		return e.value(b, v.Elem(), true)
	case reflect.Struct:
		return e.structValue(b, v, addr)
	case reflect.Map:
		return e.mapValue(b, v)
	case reflect.Slice:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			p := reflect.PointerTo(t.Elem())
			if !p.Implements(jsonMarshalerType) && !p.Implements(textMarshalerType) {
				b = append(b, '"')
				b = base64.StdEncoding.AppendEncode(b, v.Bytes())
				return append(b, '"'), nil
			}
		}
		return e.elems(b, v, true)
	case reflect.Array:
		return e.elems(b, v, addr)
	}
	return nil, fmt.Errorf("cannot encode a %s as JSON (a state holds data, not %ss)", t, t.Kind())
}

// elems appends the elements of a slice or array.
func (e *jsonEncoder) elems(b []byte, v reflect.Value, addr bool) ([]byte, error) {
	b = append(b, '[')
	for i := range v.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = e.value(b, v.Index(i), addr); err != nil {
			return nil, under("["+strconv.Itoa(i)+"]", err)
		}
	}
	return append(b, ']'), nil
}

// marshaler appends what v's MarshalJSON returns, compacted.
func (e *jsonEncoder) marshaler(b []byte, v reflect.Value) ([]byte, error) {
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return append(b, "null"...), nil
	}
	var out []byte
	err := callUser(v.Type(), "MarshalJSON", func() (err error) {
		out, err = v.Interface().(json.Marshaler).MarshalJSON()
		return err
	})
	if err != nil {
		return nil, err
	}
	var c bytes.Buffer
	if err := json.Compact(&c, out); err != nil {
		return nil, fmt.Errorf("MarshalJSON of %s: %w", v.Type(), err)
	}
	var h bytes.Buffer
	json.HTMLEscape(&h, c.Bytes())
	return append(b, h.Bytes()...), nil
}

// textMarshaler appends what v's MarshalText returns, as a string.
func (e *jsonEncoder) textMarshaler(b []byte, v reflect.Value) ([]byte, error) {
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return append(b, "null"...), nil
	}
	s, err := marshalText(v)
	if err != nil {
		return nil, err
	}
	return appendJSONString(b, s), nil
}

// marshalText calls v's MarshalText.
func marshalText(v reflect.Value) (string, error) {
	var out []byte
	err := callUser(v.Type(), "MarshalText", func() (err error) {
		out, err = v.Interface().(encoding.TextMarshaler).MarshalText()
		return err
	})
	return string(out), err
}

// callUser calls a method of the user's type t, turning an error or a
// panic into an error that names the method.
func callUser(t reflect.Type, method string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s of %s panicked: %v", method, t, p)
		}
	}()
	if err := f(); err != nil {
		return fmt.Errorf("%s of %s: %w", method, t, err)
	}
	return nil
}

// appendJSONFloat appends a float as encoding/json does, and NaN and the
// infinities, which encoding/json refuses, as strings.
func appendJSONFloat(b []byte, f float64, bits int) ([]byte, error) {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...), nil
	case math.IsInf(f, 1):
		return append(b, `"+Inf"`...), nil
	case math.IsInf(f, -1):
		return append(b, `"-Inf"`...), nil
	}
	var out []byte
	var err error
	if bits == 32 {
		out, err = json.Marshal(float32(f))
	} else {
		out, err = json.Marshal(f)
	}
	if err != nil {
		return nil, err
	}
	return append(b, out...), nil
}

// appendJSONString appends s as encoding/json writes a string: with HTML
// characters escaped and invalid UTF-8 replaced.
func appendJSONString(b []byte, s string) []byte {
	out, _ := json.Marshal(s) // a string always encodes
	return append(b, out...)
}

// structValue appends a struct's fields.
func (e *jsonEncoder) structValue(b []byte, v reflect.Value, addr bool) ([]byte, error) {
	fields := jsonFieldsOf(v.Type())
	if !v.CanAddr() {
		// Unexported fields are read through their address.
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		v = c
	}
	b = append(b, '{')
	first := true
	for _, f := range fields {
		fv, ok := fieldByIndex(v, f.index)
		if !ok {
			continue // under a nil embedded pointer
		}
		if f.omitEmpty && emptyJSONValue(fv) || f.omitZero && zeroJSONValue(fv) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, f.name)
		b = append(b, ':')
		var err error
		if f.quoted {
			b, err = e.quotedValue(b, fv, addr)
		} else {
			b, err = e.value(b, fv, addr)
		}
		if err != nil {
			return nil, under(f.name, err)
		}
	}
	return append(b, '}'), nil
}

// quotedValue appends a value of a field with the ",string" option: its
// JSON as a string, for bools, numbers and strings.
func (e *jsonEncoder) quotedValue(b []byte, v reflect.Value, addr bool) ([]byte, error) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		v, addr = v.Elem(), true
	}
	t := v.Type()
	if t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		addr && (reflect.PointerTo(t).Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)) {
		return e.value(b, v, addr) // a method writes it, unquoted
	}
	inner, err := e.value(nil, v, addr)
	if err != nil {
		return nil, err
	}
	return appendJSONString(b, string(inner)), nil
}

// fieldByIndex returns the field at index, readable even when unexported,
// or false when a nil embedded pointer is on the way. v is addressable.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
		if !v.CanInterface() {
			v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
		}
	}
	return v, true
}

// emptyJSONValue reports whether omitempty leaves v out.
func emptyJSONValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// isZeroer is a type with an IsZero method, which omitzero calls.
type isZeroer interface{ IsZero() bool }

var isZeroerType = reflect.TypeFor[isZeroer]()

// zeroJSONValue reports whether omitzero leaves the field value v out: the
// IsZero method of its type (the field's type, or a pointer to it) says
// so, or without one it is the zero value. A nil pointer or interface is
// zero without a call.
func zeroJSONValue(v reflect.Value) (zero bool) {
	t := v.Type()
	switch {
	case (t.Kind() == reflect.Interface || t.Kind() == reflect.Pointer) && v.IsNil():
		return true
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		if v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() {
			return true
		}
	case t.Implements(isZeroerType):
	case reflect.PointerTo(t).Implements(isZeroerType):
		if !v.CanAddr() {
			c := reflect.New(t).Elem()
			c.Set(v)
			v = c
		}
		v = v.Addr()
	default:
		return v.IsZero()
	}
	if err := callUser(v.Type(), "IsZero", func() error { zero = v.Interface().(isZeroer).IsZero(); return nil }); err != nil {
		return false
	}
	return zero
}

// jsonField is a struct field as the JSON of its struct names it.
type jsonField struct {
	name       string
	index      []int
	tagged     bool // named by a json tag
	omitEmpty  bool
	omitZero   bool
	quoted     bool // ",string"
	unexported bool
}

var jsonFieldCache sync.Map // reflect.Type -> []jsonField

// jsonFieldsOf returns the fields of struct type t in the order they are
// written: encoding/json's fields (exported fields and those promoted from
// embedded structs, with its rules for names that collide), then
// unexported fields whose names no written field has.
func jsonFieldsOf(t reflect.Type) []jsonField {
	if fs, ok := jsonFieldCache.Load(t); ok {
		return fs.([]jsonField)
	}
	all := collectJSONFields(t)
	var exported, unexported []jsonField
	for _, f := range all {
		if f.unexported {
			unexported = append(unexported, f)
		} else {
			exported = append(exported, f)
		}
	}
	out := dominantJSONFields(exported)
	taken := map[string]bool{}
	for _, f := range out {
		taken[f.name] = true
	}
	for _, f := range dominantJSONFields(unexported) {
		if !taken[f.name] {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b jsonField) int { return slices.Compare(a.index, b.index) })
	jsonFieldCache.Store(t, out)
	return out
}

// collectJSONFields lists the candidate fields of t, breadth first through
// embedded structs: a field of an embedded struct type that appears twice
// at one depth is listed twice, so that it collides with itself.
func collectJSONFields(t reflect.Type) []jsonField {
	type queued struct {
		typ   reflect.Type
		index []int
	}
	var fields []jsonField
	next := []queued{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, q := range current {
			if visited[q.typ] {
				continue
			}
			visited[q.typ] = true
			for i := range q.typ.NumField() {
				sf := q.typ.Field(i)
				if sf.Name == "_" {
					continue
				}
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				unexported := !sf.IsExported()
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					// encoding/json skips embedded fields of unexported
					// non-struct types; they are state all the same.
					unexported = unexported && et.Kind() != reflect.Struct
				}
				if unexported || !validJSONName(name) {
					name = ""
				}
				index := append(slices.Clone(q.index), i)
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := jsonField{name: name, index: index, tagged: name != "", unexported: unexported}
					if f.name == "" {
						f.name = sf.Name
					}
					if !unexported {
						f.omitEmpty = hasJSONOption(opts, "omitempty")
						f.omitZero = hasJSONOption(opts, "omitzero")
						if hasJSONOption(opts, "string") {
							switch ft.Kind() {
							case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
								reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
								reflect.Float32, reflect.Float64, reflect.String:
								f.quoted = true
							}
						}
					}
					fields = append(fields, f)
					if count[q.typ] > 1 {
						fields = append(fields, f)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, queued{typ: ft, index: index})
				}
			}
		}
	}
	return fields
}

// dominantJSONFields keeps, for each name, the field that wins: the one
// nearest the top, of those the tagged one; names with no single winner
// are dropped, as encoding/json drops them.
func dominantJSONFields(fields []jsonField) []jsonField {
	fs := slices.Clone(fields)
	slices.SortStableFunc(fs, func(a, b jsonField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	var out []jsonField
	for i := 0; i < len(fs); {
		j := i + 1
		for j < len(fs) && fs[j].name == fs[i].name {
			j++
		}
		group := fs[i:j]
		if len(group) == 1 || len(group[0].index) != len(group[1].index) || group[0].tagged != group[1].tagged {
			out = append(out, group[0])
		}
		i = j
	}
	return out
}

// validJSONName reports whether a json tag's name is used as a key, as
// encoding/json decides: letters, digits, spaces and ASCII punctuation
// other than quotes and backslashes.
func validJSONName(s string) bool {
	for _, c := range s {
		if unicode.IsLetter(c) || unicode.IsDigit(c) || c == ' ' {
			continue
		}
		if c > unicode.MaxASCII || !unicode.IsPunct(c) && !unicode.IsSymbol(c) || strings.ContainsRune("\"'`\\", c) {
			return false
		}
	}
	return s != ""
}

// hasJSONOption reports whether the options of a json tag include opt.
func hasJSONOption(opts, opt string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == opt {
			return true
		}
	}
	return false
}

// mapValue appends a map: an object when its keys are of a string or
// integer kind or text marshalers, as encoding/json writes it, else an
// array of {"key": k, "value": v}.
func (e *jsonEncoder) mapValue(b []byte, v reflect.Value) ([]byte, error) {
	if v.IsNil() {
		return append(b, "null"...), nil
	}
	kt := v.Type().Key()
	type entry struct {
		key, value []byte
		name       string
	}
	entries := make([]entry, 0, v.Len())
	object := true
	switch kt.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
	default:
		object = kt.Implements(textMarshalerType)
	}
	it := v.MapRange()
	for it.Next() {
		k, val := it.Key(), it.Value()
		var en entry
		var err error
		if object {
			if en.name, err = jsonKeyName(k); err != nil {
				return nil, under("[key]", err)
			}
			en.key = appendJSONString(nil, en.name)
		} else if en.key, err = e.value(nil, k, false); err != nil {
			return nil, under("[key]", err)
		}
		if en.value, err = e.value(nil, val, false); err != nil {
			return nil, under("["+string(en.key)+"]", err)
		}
		entries = append(entries, en)
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if object {
			if c := strings.Compare(a.name, b.name); c != 0 {
				return c
			}
		} else if c := bytes.Compare(a.key, b.key); c != 0 {
			return c
		}
		return bytes.Compare(a.value, b.value)
	})
	if object {
		b = append(b, '{')
		for i, en := range entries {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, en.key...)
			b = append(b, ':')
			b = append(b, en.value...)
		}
		return append(b, '}'), nil
	}
	b = append(b, '[')
	for i, en := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = append(b, en.key...)
		b = append(b, `,"value":`...)
		b = append(b, en.value...)
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// jsonKeyName returns the object key of a map key of a string or integer
// kind or a text marshaler, as encoding/json names it.
func jsonKeyName(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if k.Type().Implements(textMarshalerType) {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		return marshalText(k)
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	}
	return strconv.FormatUint(k.Uint(), 10), nil
}
