package adapters

import (
	"crypto/sha256"
	"fmt"
	"reflect"
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

// args returns the step's arguments with every model reference replaced by
// the implementation's name for it.
func (t *refs) args(args []any) []any {
	var out []any
	for i, a := range args {
		r, ok := a.(model.Ref)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = t.impl(r)
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
			*probs = append(*probs, fmt.Sprintf("the implementation named %s %q, the name it gave %s before", r, name, other))
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
		// Keys that are references pair up only when one of each side
		// is new: the model's unnamed reference and the implementation's
		// unknown name.
		var newW, newG []reflect.Value
		iter := w.MapRange()
		for iter.Next() {
			k := iter.Key()
			if gv := g.MapIndex(t.implKey(k)); gv.IsValid() {
				t.bindValue(iter.Value(), gv, probs)
			} else {
				newW = append(newW, k)
			}
		}
		iter = g.MapRange()
		for iter.Next() {
			if !w.MapIndex(t.modelKey(iter.Key())).IsValid() {
				newG = append(newG, iter.Key())
			}
		}
		if len(newW) == 1 && len(newG) == 1 {
			t.bindValue(newW[0], newG[0], probs)
			t.bindValue(w.MapIndex(newW[0]), g.MapIndex(newG[0]), probs)
		}
	}
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

// toModel returns v with every implementation name that the test has
// bound replaced by the model's reference; unknown names stay, so that a
// comparison shows them. v is not modified.
func (t *refs) toModelValue(v any) any {
	if v == nil || len(t.toModel) == 0 || !hasRefs(reflect.TypeOf(v)) {
		return v
	}
	return t.translate(reflect.ValueOf(v)).Interface()
}

func (t *refs) translate(v reflect.Value) reflect.Value {
	if !hasRefs(v.Type()) {
		return v
	}
	switch v.Kind() {
	case reflect.String:
		if r, ok := t.toModel[v.String()]; ok && v.Type() == refType {
			return reflect.ValueOf(r)
		}
		return v
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(t.translate(v.Elem()))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(t.translate(v.Elem()))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(t.translate(v.Index(i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(t.translate(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(t.translate(iter.Key()), t.translate(iter.Value()))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields keep their values
		for i := range v.NumField() {
			if f := out.Field(i); f.CanSet() {
				f.Set(t.translate(v.Field(i)))
			}
		}
		return out
	}
	return v
}
