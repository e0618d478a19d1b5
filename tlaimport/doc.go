// Package tlaimport brings traces from TLA+ tools into mbt: TLC's text
// output and its -dumpTrace json files, and ITF JSON as Apalache and Quint
// write it.
//
// It owns TLA+ values ([Value]: integers of any size, booleans, strings,
// model values, sets, sequences, tuples, records, functions), the readers
// that turn tool output into [Trace]s, the ITF writer, and decoding of
// values into a model's Go state type.
//
// Values compare as TLA+ compares them ([Equal]): a set is equal to the
// same set printed in another order, a record to the function from its
// field names, a tuple to the sequence with the same elements.
//
// # Reading traces
//
// [Read] detects the format from the content; [ReadFormat] takes it from
// the caller ([FormatITF], [FormatTLCJSON], [FormatTLC]). [ReadTLC] reads
// TLC's text output (plain, -tool and -difftrace modes, lassos and
// stuttering, several traces per output); [ReadTLCJSON] TLC's -dumpTrace
// json files; [ReadITF] ITF JSON from Apalache and Quint, including
// Quint's mbt::actionTaken and mbt::nondetPicks. [WriteITF] writes ITF that
// Apalache's and Quint's tools can read; model values become strings, as
// ITF has none. [ParseValue] parses one value as TLC prints it.
//
// # Decoding into Go states
//
// [Decode], [DecodeState], [DecodeTrace] and [StateDecoder] map TLA+ values
// onto a model's Go state type like encoding/json does: struct fields match
// variables by their tla:"name" tag, then by name. A function or set over
// names ending in a number (r1..rN) decodes into a slice indexed by that
// number minus one; a type can decode itself ([Decoder]). [Encode] and
// [EncodeTrace] go the other way ([Encoder]), so mbt's own counterexamples
// can be written as ITF.
//
// # Inferring actions
//
// [Infer] finds, for each pair of consecutive states, the model step that
// leads from one to the next, checks the action labels the trace has, and
// explains a state that no step reaches ([Divergence], [Candidate]) or a
// panic in the model's code ([PanicError]).
//
// # Errors
//
// Errors about what a file holds name the file, line and column where the
// problem is: an *[Error] ([Pos] and a message), or a *[DecodeError],
// *[Divergence] or *[PanicError], which have positions too. The readers report every
// problem they find, sorted by position, as one error, the
// *multierror.Error (github.com/hashicorp/go-multierror) in which mbt
// gathers problems everywhere; errors.As finds the first *Error in it,
// and its Errors field holds them all. One problem reads as itself,
// several as a list:
//
//	2 problems:
//		t.out:2:9: expected a value or "}", got end of value
//		t.out:3:8: unexpected "}" after the value
//
// # Index
//
// Values: [Value], [Field], [Pair], [Equal], [ParseValue].
//
// Kinds: [Kind], [Bool], [Int], [String], [ModelValue], [Set], [Seq],
// [Tuple], [Record], [Func], [Unserializable].
//
// Constructors: [BoolValue], [IntValue], [BigValue], [StringValue],
// [ModelValueOf], [SetValue], [SeqValue], [TupleValue], [RecordValue],
// [FuncValue].
//
// Traces: [Trace], [State], [Action], [Read], [ReadFormat], [ReadTLC],
// [ReadTLCJSON], [ReadITF], [WriteITF], [FormatITF], [FormatTLCJSON],
// [FormatTLC].
//
// Go states: [Decode], [DecodeState], [DecodeTrace], [StateDecoder],
// [Decoder], [DecodeError], [Encode], [EncodeTrace], [Encoder].
//
// Actions: [Infer], [Inference], [InferredStep], [Divergence], [Candidate],
// [PanicError].
//
// Errors: [Error], [Pos].
package tlaimport
