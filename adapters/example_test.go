package adapters_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/dsl"
)

// counter is an implementation under test: a counter that must stay
// within 0..2 and refuse to go beyond.
type counter struct{ n int }

func (c *counter) Reset(context.Context) error       { c.n = 0; return nil }
func (c *counter) View(context.Context) (int, error) { return c.n, nil }
func (c *counter) Inc(context.Context) (int, error) {
	if c.n == 2 {
		return c.n, errors.New("at the limit")
	}
	c.n++
	return c.n, nil
}

// The runner drives steps through the model and the implementation and
// compares the output and the view after each; the third Inc is a negative
// step that the implementation must refuse.
func ExampleRunner_Exec() {
	type State struct{ N int }
	m := dsl.New[State]("Counter")
	m.Init(State{})
	m.Action("Inc", func(s State) bool { return s.N < 2 }, func(s *State) { s.N++ }).
		Returns(func(s State) any { return s.N + 1 })
	m.View(func(s State) any { return s.N })

	r, err := adapters.NewRunner(m.MustBuild(), &counter{}, adapters.Options{})
	if err != nil {
		panic(err)
	}
	f := r.Exec(context.Background(), []adapters.Step{
		{Action: "Inc"}, {Action: "Inc"}, {Action: "Inc", Refused: true},
	})
	fmt.Println("failure:", f)
	// Output:
	// failure: <nil>
}
