// Package diehard is the water-jug puzzle from the film Die Hard 3, as in
// DieHard.tla: with a 3-gallon and a 5-gallon jug, measure exactly 4
// gallons.
//
// The model claims, through the invariant NotSolved, that the big jug never
// holds 4 gallons; exploring it breadth-first refutes the claim, and the
// counterexample is the shortest solution of the puzzle (6 pours, the same
// trace TLC prints for DieHard.tla). [Config] can leave NotSolved out, to
// walk the whole state space (16 states), or add the action property
// BigMonotone, which BigToSmall violates.
//
//	go run github.com/mbtgo/mbt/cmd/mbt explore ./examples/diehard
//	go run github.com/mbtgo/mbt/cmd/mbt explore ./examples/diehard -set CheckMonotone=true
package diehard
