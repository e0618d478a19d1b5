package dsl

import (
	"fmt"
	"math"
	"reflect"
	"slices"

	"github.com/mbtgo/mbt/model"
)

// Param is a typed action parameter with a finite domain, like \E x \in S in
// TLA+. Make one with [Values], [Range] or [Refs].
type Param[A any] struct {
	name   string
	values []A
	pos    model.Pos
	// outside are the declared invalid values; nil derives them, and
	// noOutside says there are none.
	outside   []A
	noOutside bool
}

// Values returns a parameter named name that ranges over values, in order.
func Values[A any](name string, values ...A) Param[A] {
	return Param[A]{name: name, values: append([]A(nil), values...), pos: caller(2)}
}

// Range returns an int parameter named name that ranges over lo..hi,
// both included.
func Range(name string, lo, hi int) Param[int] {
	var vs []int
	for v := lo; v <= hi; v++ {
		vs = append(vs, v)
	}
	return Param[int]{name: name, values: vs, pos: caller(2)}
}

// Refs returns a parameter named name that ranges over the references
// prefix1 .. prefixN (see [model.Ref] and [model.NewRef]): the things a
// model creates in order and the implementation names as it likes.
func Refs(name, prefix string, n int) Param[model.Ref] {
	vs := make([]model.Ref, 0, max(n, 0))
	for i := 1; i <= n; i++ {
		vs = append(vs, model.NewRef(prefix, i))
	}
	p := Param[model.Ref]{name: name, values: vs, pos: caller(2)}
	// A reference no step ever creates: the implementation never issued
	// a name for it, and must refuse it.
	p.outside = []model.Ref{model.NewRef(prefix, n+1)}
	return p
}

// Outside declares the values just outside the parameter's domain that the
// implementation must refuse without changing its state, such as an
// amount of 0 or a name it does not know; mbt gen tries each (criterion
// invalid). Without Outside they are derived from the domain: for
// integers the value below the smallest and above the largest, and 0 and
// -1 when they are outside; for strings the empty string and a name that
// is not in the domain; for [Refs] a reference that is never created;
// none for other types. Outside with no values declares that there are
// none.
func (p Param[A]) Outside(values ...A) Param[A] {
	p.outside = append([]A(nil), values...)
	p.noOutside = len(values) == 0
	return p
}

func (p Param[A]) info() model.Param {
	vs := make([]any, len(p.values))
	for i, v := range p.values {
		vs[i] = v
	}
	mp := model.Param{Name: p.name, Type: reflect.TypeFor[A]().String(), Values: vs}
	if !p.noOutside {
		out := p.outside
		if out == nil {
			out = derive(p.values)
		}
		for _, v := range out {
			if !slices.ContainsFunc(vs, func(x any) bool { return reflect.DeepEqual(x, any(v)) }) {
				mp.Invalid = append(mp.Invalid, any(v))
			}
		}
	}
	return mp
}

// derive returns the values just outside the domain values, for integer
// and string types (named types of those kinds included); nil for others.
func derive[A any](values []A) []A {
	if len(values) == 0 {
		return nil
	}
	t := reflect.TypeFor[A]()
	var out []A
	add := func(v reflect.Value) {
		a := v.Interface().(A)
		for _, x := range values {
			if reflect.DeepEqual(x, a) {
				return
			}
		}
		for _, x := range out {
			if reflect.DeepEqual(x, a) {
				return
			}
		}
		out = append(out, a)
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
		for _, x := range values {
			n := reflect.ValueOf(x).Int()
			lo, hi = min(lo, n), max(hi, n)
		}
		v := reflect.New(t).Elem()
		for _, n := range []int64{lo - 1, 0, -1, hi + 1} {
			if (n == lo-1 && lo == math.MinInt64) || (n == hi+1 && hi == math.MaxInt64) || v.OverflowInt(n) {
				continue
			}
			v.SetInt(n)
			add(v)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		lo, hi := uint64(math.MaxUint64), uint64(0)
		for _, x := range values {
			n := reflect.ValueOf(x).Uint()
			lo, hi = min(lo, n), max(hi, n)
		}
		v := reflect.New(t).Elem()
		if lo > 0 {
			v.SetUint(lo - 1)
			add(v)
		}
		if lo > 1 {
			v.SetUint(0)
			add(v)
		}
		if hi < math.MaxUint64 && !v.OverflowUint(hi+1) {
			v.SetUint(hi + 1)
			add(v)
		}
	case reflect.String:
		v := reflect.New(t).Elem()
		v.SetString("")
		add(v)
		for i := 1; ; i++ {
			name := "unknown"
			if i > 1 {
				name = fmt.Sprintf("unknown%d", i)
			}
			if !slices.ContainsFunc(values, func(x A) bool { return reflect.ValueOf(x).String() == name }) {
				v.SetString(name)
				add(v)
				break
			}
		}
	}
	return out
}
