package dsl

import (
	"fmt"

	"github.com/mbtgo/mbt/model"
)

// Param is a typed action parameter with a finite domain, like \E x \in S in
// TLA+. Make one with [Values] or [Range].
type Param[A any] struct {
	name   string
	values []A
	pos    model.Pos
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

func (p Param[A]) info() model.Param {
	vs := make([]any, len(p.values))
	for i, v := range p.values {
		vs[i] = v
	}
	var zero A
	return model.Param{Name: p.name, Type: fmt.Sprintf("%T", zero), Values: vs}
}
