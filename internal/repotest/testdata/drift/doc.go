// Package drift is a package whose index has drifted from its code, for
// TestCheckIndex.
//
// # Shapes
//
// [Gone] here is outside the index and not checked.
//
// # Index
//
// Shapes: [Shape], [Shape.Area], [Shape.Side], [Shape.Perimeter], [Circle],
// [NewSquare.Area], [Kind], [Gone], [Square].
//
// Elsewhere: [strings.Builder], [other.Thing], [other.Missing],
// [other.Thing.Size], [other.Thing.Weight], [other].
//
// # After
//
// [Later] is outside the index.
//
// [Unindexed]: https://example.com
package drift
