package main

import (
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// codeBlocks returns the fenced code blocks of the Markdown text md, with
// the language of each.
func codeBlocks(md string) (blocks, langs []string) {
	var b strings.Builder
	in, lang := false, ""
	for _, l := range strings.SplitAfter(md, "\n") {
		switch {
		case !in && strings.HasPrefix(l, "```"):
			in, lang = true, strings.TrimSpace(strings.TrimPrefix(l, "```"))
			b.Reset()
		case in && strings.TrimSpace(l) == "```":
			in = false
			blocks, langs = append(blocks, b.String()), append(langs, lang)
		case in:
			b.WriteString(l)
		}
	}
	return blocks, langs
}

// TestDocs_Install: the README and the manual tell a user to run mbt as a
// tool of their module or installed, never with go run of the module
// path, which fails in a module without the tool line (module_fresh.txtar
// shows it).
func TestDocs_Install(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	manual, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	blocks, _ := codeBlocks(string(readme))
	var commands []string
	for _, b := range blocks {
		commands = append(commands, strings.Split(b, "\n")...)
	}
	for _, l := range strings.Split(string(manual)+genUsage, "\n") {
		if strings.HasPrefix(l, "//\t") || strings.HasPrefix(l, "\t") {
			commands = append(commands, l)
		}
	}
	for _, c := range commands {
		if strings.Contains(c, "go run github.com/mbtgo/mbt/cmd/mbt") && !strings.Contains(c, "cmd/mbt@") {
			t.Errorf("the docs advise %q; want go tool mbt or mbt", strings.TrimSpace(c))
		}
	}
	for _, want := range []string{"go get -tool github.com/mbtgo/mbt/cmd/mbt", "//go:generate go tool mbt gen ",
		"go install github.com/mbtgo/mbt/cmd/mbt@"} {
		for name, text := range map[string]string{"README.md": string(readme), "doc.go": string(manual)} {
			if !strings.Contains(text, want) {
				t.Errorf("%s does not say %q", name, want)
			}
		}
	}
}

// TestDocs_LockModel: the README's model is the one that module_fresh.txtar
// explores in a fresh module, so the README's code compiles and finds the
// counterexample it shows.
func TestDocs_LockModel(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ar, err := txtar.ParseFile("testdata/script/module_fresh.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var script string
	for _, f := range ar.Files {
		if f.Name == "lock/lock.go" {
			script = string(f.Data)
		}
	}
	blocks, langs := codeBlocks(string(readme))
	for i, b := range blocks {
		if langs[i] == "go" && strings.HasPrefix(b, "package lock\n") {
			if b != script {
				t.Errorf("the README's lock model differs from lock/lock.go in module_fresh.txtar:\n%s", b)
			}
			return
		}
	}
	t.Error("the README has no lock model (a go block starting with package lock)")
}
