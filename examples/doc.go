// Package examples holds models written with mbt, each in its own package
// with tests that pin its state counts and counterexamples. This package
// itself has no code.
//
//   - [github.com/mbtgo/mbt/examples/diehard]: the jugs puzzle of
//     DieHard.tla; the shortest counterexample is TLC's.
//   - [github.com/mbtgo/mbt/examples/twophase]: two-phase commit as in
//     TwoPhase.tla; the state counts are TLC's.
//   - [github.com/mbtgo/mbt/examples/bank]: a ledger with deposits,
//     withdrawals and transfers and a switchable overdraft bug, with the
//     HTTP service it describes and an adapter for it.
//   - [github.com/mbtgo/mbt/examples/counters]: independent counters, the
//     explorer's benchmark.
//
// Each model is an exported function Model(Config) whose Config fields are
// the constants, with defaults in `default:"N"` tags, so that
//
//	go run github.com/mbtgo/mbt/cmd/mbt explore ./examples/diehard
//
// explores it, and -set Name=value changes a constant.
package examples
