package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "update golden files")

// Update reports whether the test binary runs with -update.
func Update() bool { return *update }

// tb is what the checks need of a testing.TB; the package's tests pass a
// recorder.
type tb interface {
	Helper()
	Name() string
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Check compares got with the golden file at path. With -update it writes
// got to path instead, creating its directory, and passes. A mismatch is an
// error of t (the test goes on); a golden file that cannot be read is fatal.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	check(t, *update, path, got)
}

// CheckTxtar compares got with the txtar archive at path, file by file, and
// its comment. With -update it writes got to path instead. Files missing
// from either side are named; each file that differs gets its own diff.
func CheckTxtar(t testing.TB, path string, got *txtar.Archive) {
	t.Helper()
	checkTxtar(t, *update, path, got)
}

func check(t tb, update bool, path string, got []byte) {
	t.Helper()
	if update {
		write(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v (%s to create it)", err, command(t))
		return
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s\n%s to accept the new output, then review git diff", path, d, command(t))
	}
}

func checkTxtar(t tb, update bool, path string, got *txtar.Archive) {
	t.Helper()
	if update {
		write(t, path, txtar.Format(got))
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v (%s to create it)", err, command(t))
		return
	}
	want := txtar.Parse(data)
	var problems []string
	if d := cmp.Diff(string(want.Comment), string(got.Comment)); d != "" {
		problems = append(problems, fmt.Sprintf("comment mismatch (-want +got):\n%s", d))
	}
	wantFiles := map[string][]byte{}
	for _, f := range want.Files {
		wantFiles[f.Name] = f.Data
	}
	gotFiles := map[string]bool{}
	for _, f := range got.Files {
		gotFiles[f.Name] = true
		w, ok := wantFiles[f.Name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: missing from the golden file", f.Name))
			continue
		}
		if d := cmp.Diff(string(w), string(f.Data)); d != "" {
			problems = append(problems, fmt.Sprintf("%s: mismatch (-want +got):\n%s", f.Name, d))
		}
	}
	for _, f := range want.Files {
		if !gotFiles[f.Name] {
			problems = append(problems, fmt.Sprintf("%s: in the golden file but no longer produced", f.Name))
		}
	}
	if len(problems) == 0 && string(txtar.Format(got)) != string(data) {
		problems = append(problems, "the same files, formatted differently (their order, or a missing final newline)")
	}
	if len(problems) > 0 {
		t.Errorf("%s:\n%s\n%s to accept the new output, then review git diff", path, strings.Join(problems, "\n"), command(t))
	}
}

func write(t tb, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("update golden file: %v", err)
		return
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("update golden file: %v", err)
	}
}

// command is the go test command line that runs only t with -update, in
// the package's directory, for a shell.
func command(t tb) string {
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	run := strings.Join(parts, "/")
	return "run go test -run '" + strings.ReplaceAll(run, "'", `'\''`) + "' -update"
}
