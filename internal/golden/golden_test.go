package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// recorder is a tb that keeps what a check reports.
type recorder struct {
	name   string
	errors []string
	fatal  string
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return r.name }
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

// report is everything r was told, one string, "" when the check passed.
func (r *recorder) report() string {
	s := strings.Join(r.errors, "\n")
	if r.fatal != "" {
		s += "FATAL " + r.fatal
	}
	return s
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "out.golden")
	writeFile(t, file, "one\ntwo\nthree\n")
	tests := []struct {
		name    string
		path    string
		got     string
		want    []string // substrings of the report; none means it passes
		notWant string   // a substring the report must not have
		reason  string
	}{
		{"equal", file, "one\ntwo\nthree\n", nil, "", "the same bytes pass"},
		{"mismatch", file, "one\n2\nthree\n",
			[]string{file + " mismatch (-want +got):", `two`, `one\n2\n`,
				"run go test -run '^TestX$' -update to accept the new output, then review git diff"},
			"FATAL", "a mismatch is an error with a diff and the command that accepts it, and the test goes on"},
		{"missing", filepath.Join(dir, "none.golden"), "x",
			[]string{"FATAL read golden file: ", "none.golden", "(run go test -run '^TestX$' -update to create it)"},
			"", "a missing golden file is fatal and says how to create it"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: no reason or a duplicate name", tt.name)
		}
		seen[tt.name] = true
		r := &recorder{name: "TestX"}
		check(r, false, tt.path, []byte(tt.got))
		rep := r.report()
		if len(tt.want) == 0 && rep != "" {
			t.Errorf("%s: check reported %q, want nothing (%s)", tt.name, rep, tt.reason)
		}
		if len(tt.want) > 0 && rep == "" {
			t.Errorf("%s: check passed, want a report (%s)", tt.name, tt.reason)
		}
		for _, w := range tt.want {
			if !strings.Contains(rep, w) {
				t.Errorf("%s: report lacks %q (%s):\n%s", tt.name, w, tt.reason, rep)
			}
		}
		if tt.notWant != "" && strings.Contains(rep, tt.notWant) {
			t.Errorf("%s: report has %q (%s):\n%s", tt.name, tt.notWant, tt.reason, rep)
		}
	}
}

func TestCheck_Update(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "dir", "out.golden")
	r := &recorder{name: "TestX"}
	check(r, true, path, []byte("fresh\n"))
	if rep := r.report(); rep != "" {
		t.Fatalf("update reported %q", rep)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "fresh\n" {
		t.Fatalf("update wrote %q, %v; want %q", data, err, "fresh\n")
	}
	r = &recorder{name: "TestX"}
	check(r, false, path, []byte("fresh\n"))
	if rep := r.report(); rep != "" {
		t.Errorf("check after update reported %q", rep)
	}
}

func TestCheckTxtar(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "out.txtar")
	writeFile(t, file, "comment\n-- a --\nA\n-- b --\nB\n-- c --\nC\n")
	archive := func(comment string, files ...string) *txtar.Archive {
		ar := &txtar.Archive{Comment: []byte(comment)}
		for i := 0; i < len(files); i += 2 {
			ar.Files = append(ar.Files, txtar.File{Name: files[i], Data: []byte(files[i+1])})
		}
		return ar
	}
	tests := []struct {
		name   string
		got    *txtar.Archive
		want   []string
		reason string
	}{
		{"equal", archive("comment\n", "a", "A\n", "b", "B\n", "c", "C\n"), nil, "the same files pass"},
		{"changed", archive("comment\n", "a", "A\n", "b", "X\n", "c", "C\n"),
			[]string{file + ":\n", "b: mismatch (-want +got):", `B\n`, `X\n`, "run go test -run '^TestX$' -update to accept"},
			"a changed file gets its own diff under its name"},
		{"added-removed", archive("comment\n", "a", "A\n", "b", "B\n", "d", "D\n"),
			[]string{"d: missing from the golden file", "c: in the golden file but no longer produced"},
			"files new on either side are named"},
		{"comment", archive("other\n", "a", "A\n", "b", "B\n", "c", "C\n"),
			[]string{"comment mismatch (-want +got):"}, "the comment is compared too"},
		{"order", archive("comment\n", "b", "B\n", "a", "A\n", "c", "C\n"),
			[]string{"the same files, formatted differently"}, "the bytes of the archive are what is kept, so the order counts"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: no reason or a duplicate name", tt.name)
		}
		seen[tt.name] = true
		r := &recorder{name: "TestX"}
		checkTxtar(r, false, file, tt.got)
		rep := r.report()
		if len(tt.want) == 0 && rep != "" {
			t.Errorf("%s: check reported %q, want nothing (%s)", tt.name, rep, tt.reason)
		}
		if len(tt.want) > 0 && rep == "" {
			t.Errorf("%s: check passed, want a report (%s)", tt.name, tt.reason)
		}
		for _, w := range tt.want {
			if !strings.Contains(rep, w) {
				t.Errorf("%s: report lacks %q (%s):\n%s", tt.name, w, tt.reason, rep)
			}
		}
	}

	path := filepath.Join(dir, "sub", "new.txtar")
	r := &recorder{name: "TestX"}
	checkTxtar(r, true, path, archive("c\n", "x", "X\n"))
	data, err := os.ReadFile(path)
	if r.report() != "" || err != nil || string(data) != "c\n-- x --\nX\n" {
		t.Errorf("update: report %q, wrote %q, %v", r.report(), data, err)
	}
	r = &recorder{name: "TestX"}
	checkTxtar(r, false, filepath.Join(dir, "none.txtar"), archive(""))
	if !strings.Contains(r.fatal, "to create it") {
		t.Errorf("missing archive: fatal %q, want the command that creates it", r.fatal)
	}
}

func TestCommand(t *testing.T) {
	tests := []struct {
		name, want, reason string
	}{
		{"TestX", "run go test -run '^TestX$' -update", "a top-level test matches itself only, not TestXY"},
		{"TestX/case_1", "run go test -run '^TestX$/^case_1$' -update", "one pattern per level of subtests"},
		{"TestX/a.b(c)", `run go test -run '^TestX$/^a\.b\(c\)$' -update`, "regular expression characters are quoted"},
		{"TestX/it's", `run go test -run '^TestX$/^it'\''s$' -update`, "a single quote survives the shell"},
	}
	for _, tt := range tests {
		if got := command(&recorder{name: tt.name}); got != tt.want {
			t.Errorf("command(%q) = %s, want %s (%s)", tt.name, got, tt.want, tt.reason)
		}
	}
}

// TestUpdate: the flag is registered once, off unless given.
func TestUpdate(t *testing.T) {
	if Update() != *update {
		t.Error("Update disagrees with the flag")
	}
	if f := flag.CommandLine.Lookup("update"); f == nil || f.DefValue != "false" {
		t.Errorf("flag -update = %v, want a boolean flag, false by default", f)
	}
}
