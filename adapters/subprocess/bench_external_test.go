package subprocess_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/mbtgo/mbt/adapters/subprocess"
	"github.com/mbtgo/mbt/model"
)

// BenchmarkStep measures round trips to a Go program: one step each,
// Deposit(1) and Withdraw(1) in turn.
func BenchmarkStep(b *testing.B) {
	opts, cmd := self("wallet", subprocess.Options{})
	a, err := subprocess.Start(context.Background(), opts, cmd)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	if err := a.Reset(ctx); err != nil {
		b.Fatal(err)
	}
	steps := []model.Step{{Action: "Deposit", Args: []any{1}}, {Action: "Withdraw", Args: []any{1}}}
	outs := []reflect.Type{nil, reflect.TypeFor[int]()}
	n := 0
	for b.Loop() {
		if _, err := a.Do(ctx, steps[n%2], outs[n%2]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "steps/s")
}
