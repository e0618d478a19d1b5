// Package twophase is Lamport's two-phase commit protocol as in
// TwoPhase.tla: a transaction manager and [Config].RM resource managers that
// must all commit or all abort.
//
// The invariant Consistent says no resource manager has committed while
// another has aborted. With the default constants the model matches TLC's
// counts for TwoPhase.tla (288 distinct states for 3 resource managers);
// Config.Buggy makes the coordinator commit once two resource managers are
// prepared, which breaks Consistent.
//
//	go run github.com/mbtgo/mbt/cmd/mbt explore ./examples/twophase -set RM=4
//	go run github.com/mbtgo/mbt/cmd/mbt explore ./examples/twophase -set Buggy=true
package twophase
