package adapters

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/mbtgo/mbt/internal/contract"
	"github.com/mbtgo/mbt/internal/problems"
	"github.com/mbtgo/mbt/internal/suggest"
	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/model"
)

// Resetter is the method every adapter has: bring the implementation back
// to the model's initial state.
type Resetter interface {
	Reset(ctx context.Context) error
}

// ErrNotImplemented is what scaffolded adapter methods return until the user
// fills them in.
var ErrNotImplemented = fmt.Errorf("adapters: not implemented")

// Binding is an adapter checked against a model: for each action, the method
// that performs it.
type Binding struct {
	impl       any
	reset      func(context.Context) error
	view       reflect.Value
	dynamic    Dynamic
	viewType   reflect.Type // the model's view type, for a Dynamic adapter
	invariants func(context.Context) error
	actions    map[string]*boundAction
}

type boundAction struct {
	name   string
	method reflect.Value
	params []reflect.Type
	hasOut bool // the method returns an output before its error
}

var (
	ctxType = reflect.TypeFor[context.Context]()
	errType = reflect.TypeFor[error]()
)

// Bind checks impl against the contract of m (see the package doc) and
// returns the binding. The error lists every mismatch, each naming the
// action and what the method should look like. An impl that is a [Dynamic]
// adapter is bound through its Do and Observe methods instead.
func Bind(m model.Machine, impl any) (*Binding, error) {
	if impl == nil {
		return nil, fmt.Errorf("adapters: bind model %s: adapter is nil", m.Name())
	}
	if d, ok := impl.(Dynamic); ok {
		return bindDynamic(m, d)
	}
	v := reflect.ValueOf(impl)
	t := v.Type()
	b := &Binding{impl: impl, actions: map[string]*boundAction{}}
	var errs []string
	var methods []string
	for i := range t.NumMethod() {
		methods = append(methods, t.Method(i).Name)
	}
	missing := func(name string) string {
		msg := fmt.Sprintf("%v has no method %s", t, name)
		if s := suggest.Closest(name, methods); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		return msg
	}
	if r, ok := impl.(Resetter); ok {
		b.reset = r.Reset
	} else {
		errs = append(errs, missing("Reset")+"; want Reset(ctx context.Context) error")
	}
	if mv := v.MethodByName("View"); mv.IsValid() {
		mt := mv.Type()
		if mt.NumIn() != 1 || mt.In(0) != ctxType || mt.NumOut() != 2 || mt.Out(1) != errType {
			errs = append(errs, fmt.Sprintf("method View is %v; want View(ctx context.Context) (V, error)", mt))
		} else {
			b.view = mv
		}
	} else {
		errs = append(errs, missing("View")+"; want View(ctx context.Context) (V, error)")
	}
	if inv, ok := impl.(Invariants); ok {
		b.invariants = inv.Invariants
	}
	for _, a := range m.Actions() {
		if contract.Reserved(a.Name) {
			errs = append(errs, contract.ReservedError(a.Name).Error())
			continue
		}
		want := wantSignature(a)
		mv := v.MethodByName(a.Name)
		if !mv.IsValid() {
			errs = append(errs, fmt.Sprintf("action %s: %s; want %s", a.Name, missing(a.Name), want))
			continue
		}
		mt := mv.Type()
		ba := &boundAction{name: a.Name, method: mv}
		ok := mt.NumIn() == len(a.Params)+1 && mt.In(0) == ctxType
		for i, p := range a.Params {
			pt := paramType(p)
			ba.params = append(ba.params, pt)
			if ok && !paramFits(p, pt, mt.In(i+1)) {
				ok = false
			}
		}
		switch {
		case mt.NumOut() == 1 && mt.Out(0) == errType:
			if a.HasOutput {
				ok = false
			}
		case mt.NumOut() == 2 && mt.Out(1) == errType:
			ba.hasOut = true
		default:
			ok = false
		}
		if !ok {
			errs = append(errs, fmt.Sprintf("action %s: method is %s%s; want %s", a.Name, a.Name, strings.TrimPrefix(mt.String(), "func"), want))
			continue
		}
		for i := range ba.params {
			ba.params[i] = mt.In(i + 1)
		}
		b.actions[a.Name] = ba
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		list := make([]error, len(errs))
		for i, e := range errs {
			list[i] = errors.New(e)
		}
		return nil, problems.List(fmt.Sprintf("adapters: %v does not implement model %s", t, m.Name()), list...)
	}
	return b, nil
}

// paramType is the Go type of a parameter's values: their type, or any
// when the parameter's type is an interface (its values then have several
// types, or a type other than the parameter's).
func paramType(p model.Param) reflect.Type {
	if len(p.Values) == 0 || p.Values[0] == nil {
		return reflect.TypeFor[any]()
	}
	t := reflect.TypeOf(p.Values[0])
	if p.Type != "" && p.Type != t.String() {
		return reflect.TypeFor[any]()
	}
	return t
}

// paramFits reports whether a method parameter of type mt can take the
// values of p, whose Go type paramType says is pt: the same type; a string
// type for a reference (the implementation's own names); an interface type
// that every value of p implements, when p's type is an interface.
func paramFits(p model.Param, pt, mt reflect.Type) bool {
	switch {
	case mt == pt:
		return true
	case pt == refType:
		return mt.Kind() == reflect.String
	case pt.Kind() == reflect.Interface && mt.Kind() == reflect.Interface:
		for _, v := range append(append([]any(nil), p.Values...), p.Invalid...) {
			if v != nil && !reflect.TypeOf(v).AssignableTo(mt) {
				return false
			}
		}
		return true
	}
	return false
}

// errArgument is wrapped by the errors of arguments the adapter's method
// cannot take: a fault of the binding or of the test, never a refusal.
var errArgument = errors.New("adapters: an argument does not fit the adapter's method")

// wantSignature renders the method an action needs.
func wantSignature(a model.ActionInfo) string {
	var sb strings.Builder
	sb.WriteString(a.Name + "(ctx context.Context")
	for _, p := range a.Params {
		fmt.Fprintf(&sb, ", %s %v", p.Name, paramType(p))
	}
	sb.WriteString(")")
	if a.HasOutput {
		sb.WriteString(" (Out, error)")
	} else {
		sb.WriteString(" error")
	}
	return sb.String()
}

// Impl returns the bound adapter.
func (b *Binding) Impl() any { return b.impl }

// Reset calls the adapter's Reset.
func (b *Binding) Reset(ctx context.Context) error { return b.reset(ctx) }

// View calls the adapter's View (Observe for a [Dynamic] adapter).
func (b *Binding) View(ctx context.Context) (any, error) {
	if b.dynamic != nil {
		return b.dynamic.Observe(ctx, b.viewType)
	}
	out := b.view.Call([]reflect.Value{reflect.ValueOf(ctx)})
	err, _ := out[1].Interface().(error)
	return out[0].Interface(), err
}

// Invariants calls the adapter's Invariants method, if it has one.
func (b *Binding) Invariants(ctx context.Context) error {
	if b.invariants == nil {
		return nil
	}
	return b.invariants(ctx)
}

// Do performs step on the implementation and returns its output (nil when
// the method returns only an error) and its error.
func (b *Binding) Do(ctx context.Context, step model.Step) (any, error) {
	return b.do(ctx, step, nil)
}

// do is Do with the type of the output the model expects, for a Dynamic
// adapter.
func (b *Binding) do(ctx context.Context, step model.Step, outType reflect.Type) (any, error) {
	ba := b.actions[step.Action]
	if ba == nil {
		return nil, fmt.Errorf("adapters: no bound action %q", step.Action)
	}
	if len(step.Args) != len(ba.params) {
		return nil, fmt.Errorf("adapters: %s takes %d %s, got %d", step.Action, len(ba.params), text.Plural(len(ba.params), "argument", "arguments"), len(step.Args))
	}
	if b.dynamic != nil {
		return b.dynamic.Do(ctx, step, outType)
	}
	in := make([]reflect.Value, 1+len(step.Args))
	in[0] = reflect.ValueOf(ctx)
	for i, a := range step.Args {
		av := reflect.ValueOf(a)
		if !av.IsValid() {
			av = reflect.Zero(ba.params[i])
		}
		if av.Type() != ba.params[i] && !(ba.params[i].Kind() == reflect.Interface && av.Type().AssignableTo(ba.params[i])) {
			if !av.Type().ConvertibleTo(ba.params[i]) || av.Kind() != ba.params[i].Kind() {
				return nil, fmt.Errorf("%w: %s: argument %d is a %v, want %v", errArgument, step.Action, i+1, av.Type(), ba.params[i])
			}
			av = av.Convert(ba.params[i])
		}
		in[i+1] = av
	}
	out := ba.method.Call(in)
	if !ba.hasOut {
		err, _ := out[0].Interface().(error)
		return nil, err
	}
	err, _ := out[1].Interface().(error)
	return out[0].Interface(), err
}
