// Package explorer walks a model's state space: every reachable state
// (breadth-first or depth-first), or seeded random walks through it.
//
// It checks the model's invariants in every state it reaches, its action
// properties on every transition, and reports deadlocks (states without an
// enabled action that the model did not mark terminal), panics in the
// model's code and, on request, actions that modify the state they were
// given. It owns the search and its result; it does not build models
// (package dsl), generate tests or talk to implementations.
//
// # Entry point
//
// [Explore] takes a context, a built [model.Model] and [Options], and
// returns a [Result]: a [Status] (complete, violation, or incomplete with a
// [Reason]), [Stats], the [Violation]s with their traces, and [Coverage].
// Running out of a budget or a canceled context is an outcome, not an
// error: the Result holds everything found so far.
//
// # Breadth-first search
//
// BFS keeps, for each distinct state, only its 64-bit fingerprint in an
// open-addressing set and a parent record (parent index, action and
// argument choice): 8 bytes plus about 16 bytes of set per state. Full
// states are kept only for the current level. A counterexample is rebuilt by
// replaying the recorded choices from the initial state, so it is always a
// shortest one. Each level is split into chunks that Options.Workers
// goroutines expand in parallel; the number of distinct states, of
// transitions, and the length of a counterexample do not depend on the
// number of workers (which of several shortest counterexamples is reported
// may).
//
// Fingerprints are 64-bit hashes; two distinct states with the same
// fingerprint would make the explorer miss one of them. With n states the
// chance of any collision is about n²/2⁶⁵: one in 40 million for a million
// states.
//
// # Depth-first search and random walks
//
// DFS uses one worker and an in-memory map of fingerprints to the smallest
// depth seen, so that a depth bound (Options.MaxDepth) still finds every
// state within it. Random runs Options.Walks walks of at most
// Options.MaxDepth steps; walk k is seeded by (Options.Seed, k), so the
// result is the same for any number of workers.
//
// # Index
//
// Exploring: [Explore], [Options], [Strategy], [ParseStrategy], [Progress],
// [ErrNoModel].
//
// Results: [Result], [Status], [Reason], [Stats], [Violation], [Kind],
// [Coverage], [ActionCoverage], [ParamCoverage], [ValueCoverage].
//
// The full state graph, for small models: [BuildGraph], [Graph], [Edge],
// [ParentEdge], [ErrGraphTooBig].
package explorer
