package gen_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/examples/reservations"
	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/model"
)

// store is an in-process reservation service; oversell is its bug.
type store struct {
	seq      int
	stock    map[string]int
	held     map[string]string
	oversell bool
}

func newStore(oversell bool) *store {
	return &store{stock: map[string]int{"apple": 3, "pear": 3}, held: map[string]string{}, oversell: oversell}
}

func (s *store) Reset(context.Context) error {
	s.stock, s.held = map[string]int{"apple": 3, "pear": 3}, map[string]string{}
	return nil
}

func (s *store) View(context.Context) (reservations.View, error) {
	v := reservations.View{Held: map[model.Ref]string{}, Stock: maps.Clone(s.stock)}
	for id, it := range s.held {
		v.Held[model.Ref(id)] = it
	}
	return v, nil
}

func (s *store) Reserve(_ context.Context, item string) (model.Ref, error) {
	n, ok := s.stock[item]
	if !ok || n == 0 && !s.oversell {
		return "", errors.New("refused")
	}
	s.seq++
	id := fmt.Sprintf("id-%d", s.seq)
	s.stock[item]--
	s.held[id] = item
	return model.Ref(id), nil
}

func (s *store) Get(_ context.Context, id model.Ref) (string, error) {
	it, ok := s.held[string(id)]
	if !ok {
		return "", errors.New("no such reservation")
	}
	return it, nil
}

func (s *store) Cancel(_ context.Context, id model.Ref) error {
	it, ok := s.held[string(id)]
	if !ok {
		return errors.New("no such reservation")
	}
	delete(s.held, string(id))
	s.stock[it]++
	return nil
}

// TestSelect_SmallModelSuite: the default suite of a 3-action model stays
// in the hundreds of tests, and a bug that several tests catch is
// reported first by the shortest of them. (Before, the default criteria
// wrote 1,336 tests for such a model, and a bug failed 690 of them, the
// first a 6-step test where 4 steps suffice.)
func TestSelect_SmallModelSuite(t *testing.T) {
	m, err := reservations.Model(reservations.Config{Apples: 3, Pears: 3, Reservations: 6})
	if err != nil {
		t.Fatal(err)
	}
	suite, err := gen.Select(context.Background(), m, gen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(suite.Tests); n > gen.DefaultMaxTests {
		t.Errorf("%d tests, want at most %d", n, gen.DefaultMaxTests)
	}
	for _, r := range suite.Reports {
		if r.Criterion != gen.Transitions && r.Covered != r.Items {
			t.Errorf("%v: the budget went to transitions first", r)
		}
	}
	r, err := adapters.NewRunner(m, newStore(true), adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, shortest, failed := -1, -1, 0
	for i, tc := range suite.Tests {
		if f := r.Exec(context.Background(), tc.Steps); f != nil {
			failed++
			if first < 0 {
				first = i
			}
			if shortest < 0 || len(tc.Steps) < len(suite.Tests[shortest].Steps) {
				shortest = i
			}
		}
	}
	if first < 0 {
		t.Fatal("no test catches a service that oversells")
	}
	t.Logf("%d tests, %d fail; the first is %s, %d steps", len(suite.Tests), failed, suite.Tests[first].Name, len(suite.Tests[first].Steps))
	if len(suite.Tests[first].Steps) != len(suite.Tests[shortest].Steps) {
		t.Errorf("the first failing test has %d steps, the shortest failing one %d", len(suite.Tests[first].Steps), len(suite.Tests[shortest].Steps))
	}
	// Selling out 3 apples takes 3 steps; the 4th Reserve must be refused.
	if n := len(suite.Tests[first].Steps); n != 4 {
		t.Errorf("the first failing test has %d steps, want 4: three reservations and the one that oversells", n)
	}
}
