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
//   - [github.com/mbtgo/mbt/examples/twophase/cluster]: two-phase commit as
//     a real distributed system: a transaction manager and resource
//     managers, each a process with a durable log, talking HTTP through
//     fault-injecting proxies; the model loses and duplicates messages and
//     crashes and restarts nodes, and the generated tests do the same to
//     the processes.
//   - [github.com/mbtgo/mbt/examples/queue]: an at-least-once message
//     broker with leases on a logical clock, implemented in Go and in
//     Python and driven through the subprocess protocol; both pass the same
//     generated tests.
//   - [github.com/mbtgo/mbt/examples/reservations]: a reservation service
//     that names reservations with random UUIDs; the model uses references
//     (r1, r2, ...) that the runner maps to the service's ids, and bounds
//     itself with a constraint, not a guard.
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
