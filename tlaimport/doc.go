// Package tlaimport brings traces from TLA+ tools into mbt: TLC's text
// output and its -dumpTrace json files, and ITF JSON as Apalache and Quint
// write it.
//
// It owns TLA+ values ([Value]: integers of any size, booleans, strings,
// model values, sets, sequences, tuples, records, functions), the readers
// that turn tool output into [Trace]s, the ITF writer, and decoding of
// values into a model's Go state type. Every error names the file, line and
// column where the problem is ([Error], [ErrorList]).
//
// Values compare as TLA+ compares them ([Compare], [Equal]): a set is equal
// to the same set printed in another order, a record to the function from
// its field names, a tuple to the sequence with the same elements.
//
// # Index
//
// Values: [Value], [Kind], [Compare], [Equal], [QuoteString].
//
// Traces: [Trace], [State], [Action].
//
// Errors: [Error], [ErrorList], [Errorf], [Pos].
package tlaimport
