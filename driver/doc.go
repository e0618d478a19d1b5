// Package driver is the runtime of the program that mbt builds to explore a
// user's model. It is not meant to be imported directly.
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
// as text for people or as JSON for machines.
//
// The package lives at the top of the module, not under cmd/, because the
// generated program is built in the user's module and must import it: the
// user's go.mod, not the mbt command, decides which version of mbt the model
// is explored with. The mbt command and the driver agree on a protocol
// version ([Protocol]) so that a mismatch is reported instead of misread.
//
// Package driver owns the flags of an exploration ([Flags]), setting
// constants, and rendering results; it does not load packages or build
// programs (the mbt command does) and does not explore (package explorer
// does). Its human-readable output is not stable: do not parse it; use -json.
//
// # Index
//
// Entry points for generated code: [Main], [Register], [RegisterNoConfig],
// [RegisterNoError], [RegisterNoConfigNoError], [Entry].
//
// Shared with the mbt command: [Flags], [Protocol], [ParseBytes].
package driver
