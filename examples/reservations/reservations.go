package reservations

import (
	"fmt"
	"maps"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// Config holds the constants of the model: mbt explore
// ./examples/reservations -set Reservations=4.
type Config struct {
	// Apples and Pears are the items in stock at the start.
	Apples int `default:"2"`
	Pears  int `default:"1"`
	// Reservations bounds the model: at most this many reservations are
	// made in one run. The service has no such limit; the bound only
	// keeps the model finite, so it is a constraint, not a guard.
	Reservations int `default:"3"`
}

// State is the service as the model sees it.
type State struct {
	// Made counts the reservations made so far: the next one is
	// r(Made+1), whatever id the service gives it.
	Made int
	// Held maps each reservation that is not cancelled to its item.
	Held map[model.Ref]string
	// Stock is what is left of each item.
	Stock map[string]int
}

// View is what the service shows of itself: its reservations, by the
// service's ids (which the runner maps to the model's references), and its
// stock.
type View struct {
	Held  map[model.Ref]string
	Stock map[string]int
}

// Items are the items the service stocks.
var Items = []string{"apple", "pear"}

// Model is the reservation service.
//
// Reserve(item) takes one of item from the stock and returns a new
// reservation, which the service names; the service refuses it when the
// item is out of stock. Get(id) returns the item of a reservation, and
// Cancel(id) cancels it and puts the item back; both refuse an id that is
// not a reservation.
func Model(c Config) (*model.Model[State], error) {
	switch {
	case c.Apples < 0 || c.Pears < 0:
		return nil, fmt.Errorf("reservations: stock is %d apples and %d pears, want at least 0", c.Apples, c.Pears)
	case c.Reservations < 1:
		return nil, fmt.Errorf("reservations: Reservations is %d, want at least 1", c.Reservations)
	}
	m := dsl.New[State]("Reservations")
	m.Const("Apples", c.Apples).Const("Pears", c.Pears).Const("Reservations", c.Reservations)
	m.Init(State{Held: map[model.Ref]string{}, Stock: map[string]int{"apple": c.Apples, "pear": c.Pears}})

	item := dsl.Values("item", Items...)
	// The references r1..rN; r(N+1), never made, is tried as an id the
	// service never issued.
	id := dsl.Refs("id", "r", c.Reservations)
	held := func(s State, r model.Ref) bool { _, ok := s.Held[r]; return ok }

	dsl.Action1(m, "Reserve", item, nil, func(s *State, it string) {
		s.Made++
		s.Held[model.NewRef("r", s.Made)] = it
		s.Stock[it]--
	}).
		Requires("in stock", func(s State, it string) bool { return s.Stock[it] > 0 }).
		Returns(func(s State, _ string) any { return model.NewRef("r", s.Made+1) })

	dsl.Action1(m, "Get", id, nil, func(*State, model.Ref) {}).
		Requires("held", held).
		Returns(func(s State, r model.Ref) any { return s.Held[r] })

	dsl.Action1(m, "Cancel", id, nil, func(s *State, r model.Ref) {
		s.Stock[s.Held[r]]++
		delete(s.Held, r)
	}).Requires("held", held)

	// The bound of the model, not of the service.
	m.Constraint("AtMostReservations", func(s State) bool { return s.Made <= c.Reservations })

	m.View(func(s State) any { return View{Held: maps.Clone(s.Held), Stock: maps.Clone(s.Stock)} })

	m.Invariant("StockConserved", func(s State) bool {
		total := 0
		for _, n := range s.Stock {
			if n < 0 {
				return false
			}
			total += n
		}
		return total+len(s.Held) == c.Apples+c.Pears
	})
	return m.Build()
}
