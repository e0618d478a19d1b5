// Package repotest has no code: it holds the tests of the repository as a
// whole, rules that no single package can check about itself.
//
//   - TestDocIndex: the "# Index" section of every public package's doc.go
//     links only names the package exports, and lists every one of them
//     (STYLE.md §2 asks for the index; this keeps it true).
//   - TestImportLayers: imports point one way, down the layers of the
//     module (model ← dsl ← explorer ← adapters, tlaimport ← gen ← driver
//     ← cmd/mbt ← examples; the table and the reasons are in
//     imports_test.go), and model depends on the standard library only.
//     It reads the package graph with the go command on PATH (go list) and
//     skips when there is none.
//
// Run them with go test ./internal/repotest.
package repotest
