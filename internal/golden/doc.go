// Package golden compares test output with golden files under testdata/
// and rewrites them when the test binary runs with -update, the one flag
// for it in every package of mbt (STYLE.md §7):
//
//	go test ./gen -run TestSource_Golden -update
//	git diff gen/testdata
//
// [Check] compares one file; [CheckTxtar] compares a txtar archive file by
// file, for tests with several outputs. Both report a mismatch as a go-cmp
// diff (-want +got) with the command that accepts the new output, and a
// missing file with the command that creates it. [Update] reports whether
// -update was given, for tests that rewrite something else (testscript's
// UpdateScripts).
//
// The package registers -update on the command line's flag set when it is
// initialized, so only tests import it.
package golden
