package adapters

import (
	"crypto/sha256"
	"fmt"
	"reflect"
	"sort"
	"sync"

	"github.com/mbtgo/mbt/model"
)

// RefNamer is an optional adapter method: the name to pass to the
// implementation for a reference that no step has created in this test,
// such as the reservation r3 of a negative step "cancel r3" before a third
// reservation exists. The name must be one the implementation never
// issued. Without it the runner passes a UUID that no implementation
// issues (see [UnknownName]).
type RefNamer interface {
	UnknownRef(r model.Ref) string
}

// UnknownName returns the name the runner passes to an implementation for a
// model reference it has not created in this test: a syntactically valid
// UUID (version 4, variant 1) derived from r, the same in every run, that
// no implementation issues by chance.
func UnknownName(r model.Ref) string {
	h := sha256.Sum256([]byte("mbt unknown reference " + string(r)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// refs maps the model's references to the implementation's names for them
// during one test, and back.
type refs struct {
	toImpl  map[model.Ref]string
	toModel map[string]model.Ref
	namer   RefNamer
}

func newRefs(namer RefNamer) *refs {
	return &refs{toImpl: map[model.Ref]string{}, toModel: map[string]model.Ref{}, namer: namer}
}

// clear forgets every name: the implementation was reset.
func (t *refs) clear() {
	clear(t.toImpl)
	clear(t.toModel)
}

// impl returns the implementation's name for r: the one it returned when r
// was created, or a name it never issued.
func (t *refs) impl(r model.Ref) model.Ref {
	if n, ok := t.toImpl[r]; ok {
		return model.Ref(n)
	}
	if t.namer != nil {
		return model.Ref(t.namer.UnknownRef(r))
	}
	return model.Ref(UnknownName(r))
}

var refType = reflect.TypeFor[model.Ref]()

// hasRefs reports whether values of type t can hold a model.Ref.
func hasRefs(t reflect.Type) bool {
	if t == nil {
		return false
	}
	if v, ok := refTypes.Load(t); ok {
		return v.(bool)
	}
	v := typeHasRefs(t, map[reflect.Type]bool{})
	refTypes.Store(t, v)
	return v
}

var refTypes sync.Map // reflect.Type -> bool

func typeHasRefs(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == refType {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true // it may hold one
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return typeHasRefs(t.Elem(), seen)
	case reflect.Map:
		return typeHasRefs(t.Key(), seen) || typeHasRefs(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if typeHasRefs(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// args returns the step's arguments with every model reference in them,
// at any depth, replaced by the implementation's name for it.
func (t *refs) args(args []any) []any {
	var out []any
	for i, a := range args {
		if a == nil || !hasRefs(reflect.TypeOf(a)) {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = t.translate(reflect.ValueOf(a), func(r model.Ref) model.Ref { return t.impl(r) }).Interface()
	}
	if out == nil {
		return args
	}
	return out
}

// bind walks the model's expected output want and the implementation's
// output got side by side and learns the implementation's name for every
// reference of want that has none yet. It returns what is wrong with the
// names: one given to two references, or an empty one.
func (t *refs) bind(want, got any) []string {
	if want == nil || got == nil || !hasRefs(reflect.TypeOf(want)) {
		return nil
	}
	var probs []string
	t.bindValue(reflect.ValueOf(want), reflect.ValueOf(got), &probs)
	return probs
}

func (t *refs) bindValue(w, g reflect.Value, probs *[]string) {
	for w.Kind() == reflect.Interface || w.Kind() == reflect.Pointer {
		if w.IsNil() {
			return
		}
		w = w.Elem()
	}
	for g.Kind() == reflect.Interface || g.Kind() == reflect.Pointer {
		if g.IsNil() {
			return
		}
		g = g.Elem()
	}
	if !w.IsValid() || !g.IsValid() {
		return
	}
	if w.Type() == refType {
		if g.Kind() != reflect.String {
			return
		}
		r, name := model.Ref(w.String()), g.String()
		if _, ok := t.toImpl[r]; ok {
			return
		}
		switch other, taken := t.toModel[name]; {
		case name == "":
			*probs = append(*probs, fmt.Sprintf("the implementation named %s with an empty name", r))
		case taken:
			*probs = append(*probs, fmt.Sprintf("the implementation named %s %q, the name it also gave %s", r, name, other))
		default:
			t.toImpl[r], t.toModel[name] = name, r
		}
		return
	}
	if w.Type() != g.Type() {
		return
	}
	switch w.Kind() {
	case reflect.Struct:
		for i := range w.NumField() {
			t.bindValue(w.Field(i), g.Field(i), probs)
		}
	case reflect.Slice, reflect.Array:
		for i := range min(w.Len(), g.Len()) {
			t.bindValue(w.Index(i), g.Index(i), probs)
		}
	case reflect.Map:
		// Keys the model and the implementation share pair up; of the
		// others, a new reference of the model pairs with a new name of
		// the implementation whose value equals its own. Keys go in a
		// fixed order, so the names learned do not depend on Go's map
		// order.
		var newW, newG []reflect.Value
		for _, k := range sortedKeys(w) {
			if gv := g.MapIndex(t.implKey(k)); gv.IsValid() {
				t.bindValue(w.MapIndex(k), gv, probs)
			} else {
				newW = append(newW, k)
			}
		}
		for _, k := range sortedKeys(g) {
			if !w.MapIndex(t.modelKey(k)).IsValid() {
				newG = append(newG, k)
			}
		}
		used := make([]bool, len(newG))
		for _, wk := range newW {
			want := w.MapIndex(wk)
			for j, gk := range newG {
				if used[j] || !equalTranslated(t, want, g.MapIndex(gk)) {
					continue
				}
				used[j] = true
				t.bindValue(wk, gk, probs)
				t.bindValue(want, g.MapIndex(gk), probs)
				break
			}
		}
	}
}

// equalTranslated reports whether the model's value w equals the
// implementation's value g, with g's names translated as far as they are
// known. Two new things with equal values are interchangeable, so pairing
// them either way is sound.
func equalTranslated(t *refs, w, g reflect.Value) bool {
	if !w.IsValid() || !g.IsValid() || !w.CanInterface() || !g.CanInterface() {
		return false
	}
	return reflect.DeepEqual(w.Interface(), t.toModelValue(g.Interface()))
}

// sortedKeys returns the keys of map m in the order of their printed form.
func sortedKeys(m reflect.Value) []reflect.Value {
	keys := m.MapKeys()
	text := make([]string, len(keys))
	for i, k := range keys {
		text[i] = fmt.Sprintf("%#v", k)
	}
	sort.Sort(byText{keys, text})
	return keys
}

type byText struct {
	keys []reflect.Value
	text []string
}

func (b byText) Len() int           { return len(b.keys) }
func (b byText) Less(i, j int) bool { return b.text[i] < b.text[j] }
func (b byText) Swap(i, j int) {
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
	b.text[i], b.text[j] = b.text[j], b.text[i]
}

// implKey translates a map key of the model's into the implementation's
// names; modelKey the other way.
func (t *refs) implKey(k reflect.Value) reflect.Value {
	if k.Type() == refType {
		if n, ok := t.toImpl[model.Ref(k.String())]; ok {
			return reflect.ValueOf(model.Ref(n))
		}
	}
	return k
}

func (t *refs) modelKey(k reflect.Value) reflect.Value {
	if k.Type() == refType {
		if r, ok := t.toModel[k.String()]; ok {
			return reflect.ValueOf(r)
		}
	}
	return k
}

// toModelValue returns v with every implementation name that the test
// has bound replaced by the model's reference; unknown names stay, so that
// a comparison shows them. v is not modified.
func (t *refs) toModelValue(v any) any {
	if v == nil || len(t.toModel) == 0 || !hasRefs(reflect.TypeOf(v)) {
		return v
	}
	return t.translate(reflect.ValueOf(v), func(r model.Ref) model.Ref {
		if m, ok := t.toModel[string(r)]; ok {
			return m
		}
		return r
	}).Interface()
}

// translate returns a copy of v with every model.Ref in it replaced by
// f's answer for it.
func (t *refs) translate(v reflect.Value, f func(model.Ref) model.Ref) reflect.Value {
	if !hasRefs(v.Type()) {
		return v
	}
	switch v.Kind() {
	case reflect.String:
		if v.Type() == refType {
			return reflect.ValueOf(f(model.Ref(v.String())))
		}
		return v
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(t.translate(v.Elem(), f))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(t.translate(v.Elem(), f))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(t.translate(v.Index(i), f))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(t.translate(v.Index(i), f))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(t.translate(iter.Key(), f), t.translate(iter.Value(), f))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields keep their values
		for i := range v.NumField() {
			if field := out.Field(i); field.CanSet() {
				field.Set(t.translate(v.Field(i), f))
			}
		}
		return out
	}
	return v
}
