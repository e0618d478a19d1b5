// Package driver is the runtime of the program that mbt builds to explore a
// user's model or generate its tests. It is not meant to be imported
// directly.
//
// A model is a runtime value: the function that builds it runs only in a
// program that imports the user's package. So `mbt explore ./pkg` generates a
// small main package that imports ./pkg and this package,
//
//	func main() {
//		driver.Main(
//			driver.Register("Model", twophase.Model),
//		)
//	}
//
// builds it inside the user's module and runs it. The driver sets the model's
// constants from -set flags, runs [explorer.Explore] and renders the result,
// as text for people or as JSON for machines. `mbt gen` runs the same
// program with -driver.command=gen: the driver then selects tests with
// [gen.Select], renders them with [gen.Source] and writes the test file (or,
// with -check, compares it with the file on disk), or writes an adapter
// skeleton with [gen.Scaffold].
//
// The package lives at the top of the module, not under cmd/, because the
// generated program is built in the user's module and must import it: the
// user's go.mod, not the mbt command, decides which version of mbt the model
// is explored with. The mbt command and the driver agree on a protocol
// version ([Protocol]) so that a mismatch is reported instead of misread.
//
// Package driver owns the flags of an exploration ([Flags]) and of mbt gen
// ([GenFlags]), setting constants, rendering results and writing generated
// files; it does not load packages, check adapters' types or build programs
// (the mbt command does), and does not explore (package explorer does) or
// select tests (package gen does). Its human-readable output is not stable:
// do not parse it; use -json.
//
// # Index
//
// Entry points for generated code: [Main], [Register], [RegisterNoConfig],
// [RegisterNoError], [RegisterNoConfigNoError], [RegisterAdapter], [Entry].
//
// Constants: [Defaults], the Config a model is explored with when no -set
// is given.
//
// Replaying traces through adapters: [T], the testing.TB that mbt replay
// gives adapter constructors.
//
// Shared with the mbt command: [Flags], [GenFlags], [GenTarget],
// [ReplayFlags], [DefaultCriteria], [Protocol], [ParseBytes].
package driver
