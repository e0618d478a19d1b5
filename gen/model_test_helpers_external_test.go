package gen_test

import (
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Pair is the state of a small test model: two counters modulo mod.
type Pair struct{ A, B int }

type fataler interface{ Fatal(args ...any) }

// dslModel returns a model of two counters modulo mod with actions that are
// sometimes disabled, so every criterion has work to do.
func dslModel(t fataler, mod int) *model.Model[Pair] {
	m := dsl.New[Pair]("Pair")
	m.Init(Pair{})
	dsl.Action1(m, "IncA", dsl.Range("k", 1, 2),
		func(s Pair, k int) bool { return s.A+k < mod },
		func(s *Pair, k int) { s.A += k }).
		Returns(func(s Pair, k int) any { return s.A + k })
	m.Action("CopyA", func(s Pair) bool { return s.B != s.A }, func(s *Pair) { s.B = s.A })
	m.Action("Clear", func(s Pair) bool { return s.A > 0 }, func(s *Pair) { *s = Pair{} })
	out, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return out
}
