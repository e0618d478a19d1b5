package reservations_test

import (
	"context"
	"testing"

	"github.com/mbtgo/mbt/adapters"
	"github.com/mbtgo/mbt/examples/reservations"
	"github.com/mbtgo/mbt/explorer"
)

func TestModel_Explore(t *testing.T) {
	m, err := reservations.Model(reservations.Config{Apples: 2, Pears: 1, Reservations: 3})
	if err != nil {
		t.Fatal(err)
	}
	res, err := explorer.Explore(context.Background(), m, explorer.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The constraint, not a guard, stops the model after 3 reservations:
	// no deadlock there, and the steps out of the bound are only pruned.
	if res.Status != explorer.Complete || res.Stats.Distinct != 31 || res.Stats.Pruned == 0 {
		t.Errorf("status %v, %d distinct states, %d pruned transitions; want complete, 31 and some pruned (%v)",
			res.Status, res.Stats.Distinct, res.Stats.Pruned, res.Violations)
	}
}

// TestRandomWalks drives seeded random walks of the model against the
// service; a failing walk is shrunk to a minimal one.
func TestRandomWalks(t *testing.T) {
	m, err := reservations.Model(reservations.Config{Apples: 2, Pears: 1, Reservations: 3})
	if err != nil {
		t.Fatal(err)
	}
	adapters.Check(t, m, func(t testing.TB) any { return reservations.NewAdapter(t) },
		adapters.CheckOptions{Walks: 50, Options: adapters.Options{Package: "./examples/reservations"}})
}
