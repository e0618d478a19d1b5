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

// Booking is a service that names its bookings itself.
type Booking struct {
	Made  int                  // bookings made so far: the next is r(Made+1)
	Held  map[model.Ref]string // booking -> guest
	Clock int                  // ticks; a booking older than 2 ticks lapses
	Since map[model.Ref]int    // when each booking was made
}

// BookingView is what the service shows.
type BookingView struct {
	Held map[model.Ref]string
}

func bookingModel(t testing.TB) *model.Model[Booking] {
	m := dsl.New[Booking]("Booking")
	m.Init(Booking{Held: map[model.Ref]string{}, Since: map[model.Ref]int{}})
	guest := dsl.Values("guest", "ann", "bob")
	dsl.Action1(m, "Book", guest, nil, func(s *Booking, g string) {
		s.Made++
		r := model.NewRef("r", s.Made)
		s.Held[r], s.Since[r] = g, s.Clock
	}).Returns(func(s Booking, g string) any { return model.NewRef("r", s.Made+1) })
	dsl.Action1(m, "Cancel", dsl.Refs("id", "r", 3), nil, func(s *Booking, r model.Ref) {
		delete(s.Held, r)
		delete(s.Since, r)
	}).Requires("held", func(s Booking, r model.Ref) bool { _, ok := s.Held[r]; return ok })
	dsl.Action1(m, "Guest", dsl.Refs("id", "r", 3), nil, func(*Booking, model.Ref) {}).
		Requires("held", func(s Booking, r model.Ref) bool { _, ok := s.Held[r]; return ok }).
		Returns(func(s Booking, r model.Ref) any { return s.Held[r] })
	m.Action("Tick", nil, func(s *Booking) {
		s.Clock++
		for r, at := range s.Since {
			if s.Clock-at >= 2 {
				delete(s.Held, r)
				delete(s.Since, r)
			}
		}
	})
	m.Constraint("AtMost3", func(s Booking) bool { return s.Made <= 3 && s.Clock <= 3 })
	m.View(func(s Booking) any { return BookingView{Held: s.Held} })
	out, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hotel implements Booking with UUID-like names and switchable bugs.
type hotel struct {
	seq    int
	clock  int
	held   map[string]string
	since  map[string]int
	viewed int

	sameName   bool // every booking gets the same name
	cancelAny  bool // Cancel accepts a name it never issued
	keepReset  bool // Reset keeps the bookings
	lazyExpiry bool // bookings lapse only when someone looks (View, Book)
	countViews bool // the view shows how often it was read, from the second time on
	noExpiry   bool // bookings never lapse
	ghost      bool // Book makes a second booking the caller never hears of
}

func newHotel() *hotel { return &hotel{held: map[string]string{}, since: map[string]int{}} }

func (h *hotel) Reset(context.Context) error {
	if !h.keepReset {
		h.held, h.since = map[string]string{}, map[string]int{}
	}
	h.clock = 0
	return nil
}

func (h *hotel) expire() {
	if h.noExpiry {
		return
	}
	for id, at := range h.since {
		if h.clock-at >= 2 {
			delete(h.held, id)
			delete(h.since, id)
		}
	}
}

func (h *hotel) View(context.Context) (BookingView, error) {
	if !h.noExpiry {
		h.expire()
	}
	v := BookingView{Held: map[model.Ref]string{}}
	for id, g := range h.held {
		v.Held[model.Ref(id)] = g
	}
	if h.countViews {
		if h.viewed++; h.viewed > 1 {
			v.Held["views"] = fmt.Sprint(h.viewed)
		}
	}
	return v, nil
}

func (h *hotel) Book(_ context.Context, guest string) (string, error) {
	if guest != "ann" && guest != "bob" {
		return "", errors.New("no such guest")
	}
	h.expire()
	h.seq++
	id := fmt.Sprintf("7f3c%04d-1d2e-4a5b-8c9d-0e1f2a3b4c5d", h.seq)
	if h.sameName {
		id = "7f3c0000-1d2e-4a5b-8c9d-0e1f2a3b4c5d"
	}
	h.held[id], h.since[id] = guest, h.clock
	if h.ghost {
		h.held[fmt.Sprintf("ghost-%d", h.seq)] = guest
	}
	return id, nil
}

func (h *hotel) Cancel(_ context.Context, id string) error {
	if !h.lazyExpiry {
		h.expire()
	}
	if _, ok := h.held[id]; !ok && !h.cancelAny {
		return errors.New("no such booking")
	}
	delete(h.held, id)
	delete(h.since, id)
	return nil
}

func (h *hotel) Guest(_ context.Context, id model.Ref) (string, error) {
	h.expire()
	g, ok := h.held[string(id)]
	if !ok {
		return "", errors.New("no such booking")
	}
	return g, nil
}

func (h *hotel) Tick(context.Context) error {
	h.clock++
	if !h.lazyExpiry && !h.noExpiry {
		h.expire()
	}
	return nil
}

func TestRunner_Features(t *testing.T) {
	r1, r2, r3 := model.Ref("r1"), model.Ref("r2"), model.Ref("r3")
	tests := []struct {
		name   string
		impl   *hotel
		steps  []model.Step
		want   []string // substrings of the failure; none: the steps pass
		reason string
	}{{
		name: "refs",
		impl: newHotel(),
		steps: []model.Step{
			{Action: "Book", Args: []any{"ann"}}, {Action: "Book", Args: []any{"bob"}},
			{Action: "Guest", Args: []any{r2}}, {Action: "Cancel", Args: []any{r1}},
			{Action: "Cancel", Args: []any{r1}, Refused: true}, {Action: "Cancel", Args: []any{r3}, Refused: true},
		},
		reason: "the model's r1, r2 map to the service's names both ways; a cancelled or never-made booking is refused",
	}, {
		name:   "same name twice",
		impl:   &hotel{held: map[string]string{}, since: map[string]int{}, sameName: true},
		steps:  []model.Step{{Action: "Book", Args: []any{"ann"}}, {Action: "Book", Args: []any{"bob"}}},
		want:   []string{"step 2 of 2: Book(\"bob\")", `the implementation named r2 "7f3c0000-1d2e-4a5b-8c9d-0e1f2a3b4c5d", the name it also gave r1`},
		reason: "two bookings under one name is a bug the runner names",
	}, {
		name:   "unknown name accepted",
		impl:   &hotel{held: map[string]string{}, since: map[string]int{}, cancelAny: true},
		steps:  []model.Step{{Action: "Book", Args: []any{"ann"}}, {Action: "Cancel", Args: []any{r3}, Refused: true}},
		want:   []string{"step 2 of 2: Cancel(\"r3\") (must be refused)", "accepted a step the model refuses"},
		reason: "r3 was never made: the service gets a name it never issued, and must refuse it",
	}, {
		name:   "guest outside the domain",
		impl:   newHotel(),
		steps:  []model.Step{{Action: "Book", Args: []any{"unknown"}, Refused: true}},
		want:   nil,
		reason: "the hotel refuses a guest it does not know, as it must",
	}, {
		name:   "reset keeps bookings",
		impl:   &hotel{held: map[string]string{}, since: map[string]int{}, keepReset: true},
		steps:  []model.Step{{Action: "Book", Args: []any{"ann"}}, {Action: adapters.ResetAction}},
		want:   []string{"step 2 of 2: Reset (back to the initial state):", "view after Reset (-model +impl)"},
		reason: "a Reset step in the middle of a test catches a Reset that forgets nothing",
	}, {
		name: "lazy expiry hidden by observing",
		impl: &hotel{held: map[string]string{}, since: map[string]int{}, lazyExpiry: true},
		steps: []model.Step{
			{Action: "Book", Args: []any{"ann"}, NoView: true}, {Action: "Tick", NoView: true}, {Action: "Tick", NoView: true},
			{Action: "Cancel", Args: []any{r1}, Refused: true},
		},
		want: []string{"step 4 of 4: Cancel(\"r1\") (must be refused)", "accepted a step the model refuses",
			"note: with the implementation observed after every step, these steps pass: observing it (View, Invariants) changes what it does"},
		reason: "the booking lapsed two ticks later, but the hotel lets it lapse only when looked at: unobserved steps catch it",
	}, {
		name: "lazy expiry observed",
		impl: &hotel{held: map[string]string{}, since: map[string]int{}, lazyExpiry: true},
		steps: []model.Step{
			{Action: "Book", Args: []any{"ann"}}, {Action: "Tick"}, {Action: "Tick"},
			{Action: "Cancel", Args: []any{r1}, Refused: true},
		},
		want:   nil,
		reason: "observed after every step, the same bug hides: this is why generated tests leave stretches unobserved",
	}, {
		name: "never expires, seen late",
		impl: &hotel{held: map[string]string{}, since: map[string]int{}, noExpiry: true},
		steps: []model.Step{
			{Action: "Book", Args: []any{"ann"}, NoView: true}, {Action: "Tick", NoView: true}, {Action: "Tick", NoView: true},
			{Action: "Book", Args: []any{"bob"}},
		},
		want: []string{"step 4 of 4: Book(\"bob\"):", "view after the step (steps 1-3 before it ran unobserved)",
			"note: with the implementation observed after every step, the test fails sooner, at step 3: Tick:"},
		reason: "a difference found after unobserved steps says which went unobserved, and the observed rerun points at the first bad step",
	}, {
		name:   "view changes the service",
		impl:   &hotel{held: map[string]string{}, since: map[string]int{}, countViews: true},
		steps:  []model.Step{{Action: "Tick"}},
		want:   []string{"after Reset:", "observing the implementation changed it: a second View right after the first differs"},
		reason: "a view must not change what it shows",
	}}
	seen := map[string]bool{}
	for i, tc := range tests {
		if tc.reason == "" || seen[tc.name] {
			t.Fatalf("case %d %q: missing reason or duplicate name", i, tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			r, err := adapters.NewRunner(bookingModel(t), tc.impl, adapters.Options{})
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{TB: t}
			ok := r.Run(context.Background(), rec, tc.steps)
			if ok != (tc.want == nil) {
				t.Fatalf("Run = %v, want %v (%s):\n%s", ok, tc.want == nil, tc.reason, rec.msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(strings.ReplaceAll(rec.msg, "\u00a0", " "), w) {
					t.Errorf("failure lacks %q (%s):\n%s", w, tc.reason, rec.msg)
				}
			}
		})
	}
}

// TestRunner_RefsInViewDiff: a failing view shows the model's references
// for the names the test learned, and the service's own name for one it
// did not.
func TestRunner_RefsInViewDiff(t *testing.T) {
	h := newHotel()
	h.ghost = true
	r, err := adapters.NewRunner(bookingModel(t), h, adapters.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Exec(context.Background(), []model.Step{{Action: "Book", Args: []any{"ann"}}})
	if f == nil {
		t.Fatal("a ghost booking passed")
	}
	msg := strings.ReplaceAll(f.Error(), "\u00a0", " ")
	if !strings.Contains(msg, `+ 		"ghost-1": "ann",`) || !strings.Contains(msg, `"r1":`) || strings.Contains(msg, "7f3c") {
		t.Errorf("the diff should show the ghost's name, r1 for the booking the test made, and no name the test bound:\n%s", msg)
	}
}

func TestUnknownName(t *testing.T) {
	a, b := adapters.UnknownName("r3"), adapters.UnknownName("r4")
	if a == b || a != adapters.UnknownName("r3") || len(a) != 36 || a[14] != '4' {
		t.Errorf("UnknownName(r3) = %q, UnknownName(r4) = %q: want distinct, stable version-4 UUIDs", a, b)
	}
}

// TestCheck_Booking runs random walks on the hotel: references, resets,
// names never issued, guests outside the domain.
func TestCheck_Booking(t *testing.T) {
	adapters.Check(t, bookingModel(t), func(testing.TB) any { return newHotel() }, adapters.CheckOptions{Walks: 50})
}

// The runner's TB has what adapter constructors need: *testing.T and
// *testing.B satisfy it, Cleanup included.
var (
	_ adapters.TB = (*testing.T)(nil)
	_ adapters.TB = (*testing.B)(nil)
)
