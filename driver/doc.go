// Package driver is the entry point of the program that mbt builds to
// explore a user's model, generate its tests or replay traces through its
// adapter. Users do not write such programs; the mbt command does.
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
// builds it inside the user's module and runs it. The package lives at the
// top of the module, not under internal/ or cmd/, because that program is
// built in the user's module and must import it: the user's go.mod, not the
// mbt command, decides which version of mbt the model is explored with. Its
// work (flags, exploring, generating, replaying, rendering) is done by
// mbt's internal packages; this package is only what the generated program
// calls, and [Defaults], which tests use to start an implementation with
// the constants mbt gives the model.
//
// # Index
//
// Entry points for generated code: [Main], [Register], [RegisterNoConfig],
// [RegisterNoError], [RegisterNoConfigNoError], [RegisterAdapter], [Entry].
//
// For tests: [Defaults].
package driver
