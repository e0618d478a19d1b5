// Package model defines the core types of mbt: a state machine over a user's
// Go state type, its actions, invariants and action properties, and the
// fingerprint that identifies a state.
//
// The package uses the standard library only. It owns the shapes that every
// other package agrees on; it does not explore (package explorer), build
// models from typed Go functions (package dsl), or talk to implementations.
//
// # Value semantics
//
// A state S is a plain Go value. An action never mutates the state it was
// given: the explorer hands an action's effect a fresh copy (see [Codec.CloneInto])
// and keeps the original. Types whose fields are maps, slices or pointers are
// deep-copied by a cloner built once per type; a state type may supply its own
// copy by implementing [Cloner].
//
// # Fingerprints
//
// A fingerprint is a 64-bit hash of a canonical encoding of a state: every
// exported and unexported field in declaration order, maps in key order,
// pointers by the value they point at, interfaces by dynamic type and value.
// Two states with the same encoding are the same state. The encoder is built
// once per type; a state type may supply its own canonical
// key by implementing [Keyer]. Floating-point fields are encoded by value with
// -0 folded into +0; NaN is one state.
//
// # Index
//
// Definitions: [Model], [Action], [Condition], [Param], [Invariant],
// [Property], [Constraint], [Pos].
//
// References to what an implementation names itself: [Ref], [NewRef].
//
// Runs: [Step], [Trace].
//
// Identity and copying: [Model.Fingerprint], [Model.Clone], [Keyer],
// [Cloner].
//
// Type erasure: [Machine], [Model.Erase], [ActionInfo], [Transition].
package model
