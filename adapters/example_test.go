package adapters_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
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
	f := r.Exec(context.Background(), []model.Step{
		{Action: "Inc"}, {Action: "Inc"}, {Action: "Inc", Refused: true},
	})
	fmt.Println("failure:", f)
	// Output:
	// failure: <nil>
}

// tickets names its tickets itself.
type tickets struct {
	seq  int
	open map[string]bool
}

func (t *tickets) Reset(context.Context) error { t.open = map[string]bool{}; return nil }
func (t *tickets) View(context.Context) (map[model.Ref]bool, error) {
	v := map[model.Ref]bool{}
	for id := range t.open {
		v[model.Ref(id)] = true
	}
	return v, nil
}
func (t *tickets) Open(context.Context) (model.Ref, error) {
	t.seq++
	id := fmt.Sprintf("T-%04d", 7000+t.seq)
	t.open[id] = true
	return model.Ref(id), nil
}
func (t *tickets) Close(_ context.Context, id model.Ref) error {
	if !t.open[string(id)] {
		return fmt.Errorf("no open ticket %s", id)
	}
	delete(t.open, string(id))
	return nil
}

// The implementation names tickets T-7001, T-7002, ...; the model calls
// them r1, r2. The runner maps one to the other: Close(r2) reaches the
// implementation as Close("T-7002"), and the views compare equal. A ticket
// never opened (r3) reaches it as a name it never issued, which it must
// refuse.
func ExampleRunner_Exec_references() {
	type State struct {
		Made int
		Open map[model.Ref]bool
	}
	m := dsl.New[State]("Tickets")
	m.Init(State{Open: map[model.Ref]bool{}})
	m.Action("Open", nil, func(s *State) { s.Made++; s.Open[model.NewRef("r", s.Made)] = true }).
		Returns(func(s State) any { return model.NewRef("r", s.Made+1) })
	dsl.Action1(m, "Close", dsl.Refs("id", "r", 2), nil, func(s *State, r model.Ref) { delete(s.Open, r) }).
		Requires("open", func(s State, r model.Ref) bool { return s.Open[r] })
	m.View(func(s State) any { return s.Open })

	r, err := adapters.NewRunner(m.MustBuild(), &tickets{}, adapters.Options{})
	if err != nil {
		panic(err)
	}
	f := r.Exec(context.Background(), []model.Step{
		{Action: "Open"}, {Action: "Open"}, {Action: "Close", Args: []any{model.Ref("r2")}},
		{Action: "Close", Args: []any{model.Ref("r3")}, Refused: true},
	})
	fmt.Println("failure:", f)
	// Output:
	// failure: <nil>
}
