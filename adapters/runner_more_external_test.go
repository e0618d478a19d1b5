package adapters_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Slot is the state of small models whose parameters are unusual.
type Slot struct{ Got []string }

// anyStore accepts whatever it is given, as the model says.
type anyStore struct{ got []string }

func (s *anyStore) Reset(context.Context) error            { s.got = nil; return nil }
func (s *anyStore) View(context.Context) ([]string, error) { return s.got, nil }
func (s *anyStore) Put(_ context.Context, v any) error {
	s.got = append(s.got, fmt.Sprint(v))
	return nil
}

// TestInterfaceParam: a parameter of interface type (dsl.Values[any])
// whose values have different dynamic types cannot be bound: the binding
// wants the method to take the first value's type, and then refuses the
// other values.
func TestInterfaceParam(t *testing.T) {
	m := dsl.New[Slot]("Any").Init(Slot{})
	dsl.Action1(m, "Put", dsl.Values[any]("v", 1, "one"), nil, func(s *Slot, v any) {
		s.Got = append(s.Got, fmt.Sprint(v))
	})
	m.View(func(s Slot) any { return s.Got })
	mod := m.MustBuild()
	if got := mod.Actions[0].Params[0].Type; got != "interface {}" {
		t.Errorf("Param.Type of a Values[any] parameter = %q, want %q", got, "interface {}")
	}
	r, err := adapters.NewRunner(mod, &anyStore{}, adapters.Options{})
	if err != nil {
		t.Fatalf("an adapter whose Put takes any, as the model's parameter does, does not bind:\n%v", err)
	}
	if f := r.Exec(context.Background(), []model.Step{{Action: "Put", Args: []any{1}}, {Action: "Put", Args: []any{"one"}}}); f != nil {
		t.Errorf("a correct implementation fails: %v", f)
	}
}

type intStore struct{ anyStore }

func (s *intStore) Put(ctx context.Context, v int) error { return s.anyStore.Put(ctx, v) }

// TestInterfaceParamAsBindAsks: an adapter whose method takes only
// one of the types of an interface-typed parameter's values is refused by
// Bind, which asks for the interface; it used to be accepted, and then fail
// at the value of the other type as if the implementation had refused it.
func TestInterfaceParamAsBindAsks(t *testing.T) {
	m := dsl.New[Slot]("Any").Init(Slot{})
	dsl.Action1(m, "Put", dsl.Values[any]("v", 1, "one"), nil, func(s *Slot, v any) {
		s.Got = append(s.Got, fmt.Sprint(v))
	})
	m.View(func(s Slot) any { return s.Got })
	_, err := adapters.NewRunner(m.MustBuild(), &intStore{}, adapters.Options{})
	if err == nil || !strings.Contains(err.Error(), "want Put(ctx context.Context, v interface {}) error") {
		t.Errorf("Bind of a Put(int) for a parameter of type any: %v; want the method it needs", err)
	}
}

// Pick is an argument whose type is comparable but whose value is not: an
// interface field holding a slice.
type Pick struct{ X any }

type pickStore struct{ got []string }

func (s *pickStore) Reset(context.Context) error            { s.got = nil; return nil }
func (s *pickStore) View(context.Context) ([]string, error) { return s.got, nil }
func (s *pickStore) Put(_ context.Context, p Pick) error {
	s.got = append(s.got, fmt.Sprint(p.X))
	return nil
}

// TestUncomparableArgPanics: dsl accepts a domain of such values
// (it skips them when it looks for duplicates), but the runner compares
// arguments with == (their type is comparable) and panics.
func TestUncomparableArgPanics(t *testing.T) {
	m := dsl.New[Slot]("Pick").Init(Slot{})
	dsl.Action1(m, "Put", dsl.Values("p", Pick{X: []int{1}}, Pick{X: []int{2}}), nil, func(s *Slot, p Pick) {
		s.Got = append(s.Got, fmt.Sprint(p.X))
	})
	m.View(func(s Slot) any { return s.Got })
	mod, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adapters.NewRunner(mod, &pickStore{}, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if v := recover(); v != nil {
			t.Errorf("Exec panicked on a step whose argument is in the domain: %v", v)
		}
	}()
	if f := r.Exec(context.Background(), []model.Step{{Action: "Put", Args: []any{Pick{X: []int{2}}}}}); f != nil {
		t.Errorf("a correct implementation fails: %v", f)
	}
}

// Pair holds two bookings made at once.
type Pair struct {
	Made int
	Held map[model.Ref]string
}

// pairHotel books two guests at once and names the bookings itself.
type pairHotel struct {
	seq  int
	held map[string]string
}

func (h *pairHotel) Reset(context.Context) error { h.seq, h.held = 0, map[string]string{}; return nil }
func (h *pairHotel) View(context.Context) (map[model.Ref]string, error) {
	v := map[model.Ref]string{}
	for id, g := range h.held {
		v[model.Ref(id)] = g
	}
	return v, nil
}
func (h *pairHotel) BookPair(context.Context) (map[model.Ref]string, error) {
	out := map[model.Ref]string{}
	for _, g := range []string{"ann", "bob"} {
		h.seq++
		id := fmt.Sprintf("bk-%04d", h.seq*7919%10000)
		h.held[id] = g
		out[model.Ref(id)] = g
	}
	return out, nil
}
func (h *pairHotel) Cancel(_ context.Context, id model.Ref) error {
	if _, ok := h.held[string(id)]; !ok {
		return errors.New("no such booking")
	}
	delete(h.held, string(id))
	return nil
}

// TestMapOfTwoNewRefs: an action that creates two things and
// returns them keyed by reference (a map keyed by Ref, as the doc allows)
// fails against a correct implementation: neither key is bound, although
// the values tell them apart.
func TestMapOfTwoNewRefs(t *testing.T) {
	m := dsl.New[Pair]("Pairs").Init(Pair{Held: map[model.Ref]string{}})
	m.Action("BookPair", func(s Pair) bool { return s.Made == 0 }, func(s *Pair) {
		s.Held[model.NewRef("r", 1)], s.Held[model.NewRef("r", 2)] = "ann", "bob"
		s.Made = 2
	}).Returns(func(s Pair) any {
		return map[model.Ref]string{model.NewRef("r", 1): "ann", model.NewRef("r", 2): "bob"}
	})
	dsl.Action1(m, "Cancel", dsl.Refs("id", "r", 2), nil, func(s *Pair, r model.Ref) { delete(s.Held, r) }).
		Requires("held", func(s Pair, r model.Ref) bool { _, ok := s.Held[r]; return ok })
	m.View(func(s Pair) any { return s.Held })
	mod := m.MustBuild()
	r, err := adapters.NewRunner(mod, &pairHotel{held: map[string]string{}}, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f := r.Exec(context.Background(), []model.Step{{Action: "BookPair"}, {Action: "Cancel", Args: []any{model.Ref("r2")}}}); f != nil {
		t.Errorf("a correct implementation fails:\n%v", f)
	}
}

// Move names two bookings in one argument.
type Move struct{ From, To model.Ref }

type Swap struct {
	Made int
	Held []model.Ref
}

type swapHotel struct {
	seq  int
	held []string
}

func (h *swapHotel) Reset(context.Context) error { h.seq, h.held = 0, nil; return nil }
func (h *swapHotel) View(context.Context) ([]model.Ref, error) {
	var v []model.Ref
	for _, id := range h.held {
		v = append(v, model.Ref(id))
	}
	return v, nil
}
func (h *swapHotel) Book(context.Context) (model.Ref, error) {
	h.seq++
	id := fmt.Sprintf("id-%d", 100+h.seq)
	h.held = append(h.held, id)
	return model.Ref(id), nil
}
func (h *swapHotel) Swap(_ context.Context, mv Move) error {
	i, j := -1, -1
	for k, id := range h.held {
		if id == string(mv.From) {
			i = k
		}
		if id == string(mv.To) {
			j = k
		}
	}
	if i < 0 || j < 0 {
		return fmt.Errorf("no booking %q or %q", mv.From, mv.To)
	}
	h.held[i], h.held[j] = h.held[j], h.held[i]
	return nil
}

// TestRefInsideArg: "arguments go to the implementation with its
// own names" (model.Ref's doc) holds for an argument that is a Ref, not
// for one that holds Refs.
func TestRefInsideArg(t *testing.T) {
	m := dsl.New[Swap]("Swap").Init(Swap{})
	m.Action("Book", func(s Swap) bool { return s.Made < 2 }, func(s *Swap) {
		s.Made++
		s.Held = append(s.Held, model.NewRef("r", s.Made))
	}).Returns(func(s Swap) any { return model.NewRef("r", s.Made+1) })
	dsl.Action1(m, "Swap", dsl.Values("mv", Move{"r1", "r2"}), func(s Swap, _ Move) bool { return s.Made == 2 },
		func(s *Swap, _ Move) { s.Held[0], s.Held[1] = s.Held[1], s.Held[0] })
	m.View(func(s Swap) any { return s.Held })
	mod := m.MustBuild()
	r, err := adapters.NewRunner(mod, &swapHotel{}, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []model.Step{{Action: "Book"}, {Action: "Book"}, {Action: "Swap", Args: []any{Move{"r1", "r2"}}}}
	if f := r.Exec(context.Background(), steps); f != nil {
		t.Errorf("a correct implementation fails:\n%v", f)
	}
}

// Duo is the state of a model whose Open creates two things at once and
// returns them by role.
type Duo struct{ Open bool }

// sameNames names both things alike: a bug the runner reports.
type sameNames struct{}

func (sameNames) Reset(context.Context) error       { return nil }
func (sameNames) View(context.Context) (int, error) { return 0, nil }
func (sameNames) Open(context.Context) (map[string]model.Ref, error) {
	return map[string]model.Ref{"reader": "x-1", "writer": "x-1"}, nil
}

// TestBindOrderDeterministic: the same failing step must give the
// same failure every run. bind walks a map in Go's random order, so which
// reference keeps the name, and the message, change from run to run.
func TestBindOrderDeterministic(t *testing.T) {
	m := dsl.New[Duo]("Duo").Init(Duo{})
	m.Action("Open", func(s Duo) bool { return !s.Open }, func(s *Duo) { s.Open = true }).
		Returns(func(Duo) any { return map[string]model.Ref{"reader": "r1", "writer": "r2"} })
	m.View(func(Duo) any { return 0 })
	mod := m.MustBuild()
	msgs := map[string]bool{}
	for range 50 {
		r, err := adapters.NewRunner(mod, sameNames{}, adapters.Options{})
		if err != nil {
			t.Fatal(err)
		}
		f := r.Exec(context.Background(), []model.Step{{Action: "Open"}})
		if f == nil {
			t.Fatal("two things under one name passed")
		}
		msgs[f.Error()] = true
	}
	if len(msgs) > 1 {
		for msg := range msgs {
			t.Errorf("one of %d different failures of the same step:\n%s", len(msgs), msg)
		}
	}
}

// TestRefsDomainTooSmall: a reference outside its parameter's domain that
// the test has made is the model's mistake (a dsl.Refs smaller than what
// the model creates), reported as such, not as the implementation
// accepting a value it must refuse.
func TestRefsDomainTooSmall(t *testing.T) {
	m := dsl.New[Booking]("Small")
	m.Init(Booking{Held: map[model.Ref]string{}, Since: map[model.Ref]int{}})
	dsl.Action1(m, "Book", dsl.Values("guest", "ann"), nil, func(s *Booking, g string) {
		s.Made++
		s.Held[model.NewRef("r", s.Made)] = g
	}).Returns(func(s Booking, g string) any { return model.NewRef("r", s.Made+1) })
	dsl.Action1(m, "Cancel", dsl.Refs("id", "r", 1), nil, func(s *Booking, r model.Ref) { delete(s.Held, r) }).
		Requires("held", func(s Booking, r model.Ref) bool { _, ok := s.Held[r]; return ok })
	m.View(func(s Booking) any { return BookingView{Held: s.Held} })
	r, err := adapters.NewRunner(m.MustBuild(), newHotel(), adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Exec(context.Background(), []model.Step{
		{Action: "Book", Args: []any{"ann"}}, {Action: "Book", Args: []any{"ann"}},
		{Action: "Cancel", Args: []any{model.Ref("r2")}, Refused: true},
	})
	if f == nil || !strings.Contains(f.Error(), "the domain (dsl.Refs) must hold every reference the model can make") {
		t.Errorf("Cancel(r2) with a domain of r1 after making r2: %v", f)
	}
}
