// Package counters is a benchmark model: K counters, each in 0..M. Inc(i)
// adds one to counter i below M; Wrap(i) sets it back to 0 at M. It has
// (M+1)^K states, all reachable: K=4, M=30 gives 923,521.
package counters
