package adapters

import (
	"context"
	"errors"
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// counter is the model of cell: a value in 0..3.
type counter struct{ N int }

// cell refuses to take 2 away from 3: a bug three steps deep.
type cell struct{ n int }

func (c *cell) Reset(context.Context) error       { c.n = 0; return nil }
func (c *cell) View(context.Context) (int, error) { return c.n, nil }
func (c *cell) Add(_ context.Context, k int) error {
	if c.n+k > 3 || k < 1 || k > 2 {
		return errors.New("no")
	}
	c.n += k
	return nil
}
func (c *cell) Sub(_ context.Context, k int) error {
	if c.n < k || k < 1 || k > 2 || c.n == 3 && k == 2 {
		return errors.New("no")
	}
	c.n -= k
	return nil
}

// TestShrink_Minimal: a long failing walk shrinks to the three steps that
// show the bug, and every candidate run is a walk of the model.
func TestShrink_Minimal(t *testing.T) {
	m := dsl.New[counter]("Cell").Init(counter{})
	k := dsl.Range("k", 1, 2)
	dsl.Action1(m, "Add", k, func(s counter, k int) bool { return s.N+k <= 3 }, func(s *counter, k int) { s.N += k })
	dsl.Action1(m, "Sub", k, func(s counter, k int) bool { return s.N >= k }, func(s *counter, k int) { s.N -= k })
	m.View(func(s counter) any { return s.N })
	mod := m.MustBuild()
	c := &checker[counter]{t: t, m: mod, newImpl: func(testing.TB) any { return &cell{} }}
	c.fill()
	c.opts.Seed = 1
	long := []model.Step{
		{Action: "Add", Args: []any{1}}, {Action: "Add", Args: []any{1}}, {Action: "Sub", Args: []any{2}},
		{Action: "Sub", Args: []any{1}, Refused: true}, {Action: ResetAction}, {Action: "Add", Args: []any{2}, NoView: true},
		{Action: "Sub", Args: []any{1}}, {Action: "Add", Args: []any{2}}, {Action: "Sub", Args: []any{2}},
	}
	if !c.valid(long) {
		t.Fatal("the long walk is not a walk of the model")
	}
	f, err := c.exec(long)
	if err != nil || f == nil || f.Index != 9 {
		t.Fatalf("the long walk: failure %v, error %v; want a failure at step 9", f, err)
	}
	short, g := c.shrink(long[:f.Index], f)
	if len(short) != 3 || g.Index != 3 {
		t.Fatalf("shrunk to %v (failing at %d), want 3 steps", short, g.Index)
	}
	if !c.valid(short) {
		t.Errorf("the shrunk walk %v is not a walk of the model", short)
	}
}
