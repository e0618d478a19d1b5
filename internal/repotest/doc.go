// Package repotest has no code: it holds the tests of the repository as a
// whole, rules that no single package can check about itself.
//
//   - TestDocIndex: the "# Index" section of every public package's doc.go
//     links only names the package exports, and lists every one of them
//     (STYLE.md §2 asks for the index; this keeps it true).
//
// Run them with go test ./internal/repotest.
package repotest
