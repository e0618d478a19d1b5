package dsl_test

import (
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Limits is part of a model's configuration, held by pointer.
type Limits struct{ Max int }

// Config is a model's configuration as a user may record it with Const.
type Config struct {
	Accounts int
	Limits   *Limits
}

type reviewCounter struct{ N int }

func configModel(cfg Config) *model.Model[reviewCounter] {
	m := dsl.New[reviewCounter]("Counter").Init(reviewCounter{}).Const("config", cfg)
	m.Action("Inc", func(s reviewCounter) bool { return s.N < cfg.Limits.Max }, func(s *reviewCounter) { s.N++ })
	return m.MustBuild()
}

// TestSignatureStable: generated tests embed Model.Signature and
// the runner recomputes it in the test process; it must not depend on
// where the constants happen to live in memory, or every generated test
// fails as stale. Signature prints constants with %#v, which prints a
// nested pointer's address.
func TestSignatureStable(t *testing.T) {
	a := configModel(Config{Accounts: 2, Limits: &Limits{Max: 3}})
	b := configModel(Config{Accounts: 2, Limits: &Limits{Max: 3}})
	if sa, sb := a.Signature(), b.Signature(); sa != sb {
		t.Errorf("two builds of the same model with the same constants: Signature %#x and %#x", sa, sb)
	}
}

// TestOutsideUnsigned: Outside's doc says the derived values of an
// integer domain include 0 when it is outside; for unsigned types 0 is
// left out.
func TestOutsideUnsigned(t *testing.T) {
	m := dsl.New[reviewCounter]("U").Init(reviewCounter{})
	dsl.Action1(m, "Add", dsl.Values[uint]("k", 5, 6), nil, func(s *reviewCounter, k uint) { s.N += int(k) })
	got := m.MustBuild().Actions[0].Params[0].Invalid
	has0 := false
	for _, v := range got {
		has0 = has0 || v == any(uint(0))
	}
	if !has0 {
		t.Errorf("derived values outside {5, 6} (uint) = %v: no 0, which the doc promises when 0 is outside", got)
	}
}
