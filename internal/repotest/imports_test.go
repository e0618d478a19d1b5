package repotest

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// layer is one layer of the module's packages, bottom first. A package
// may import the packages of lower layers, never those of its own layer
// or above: imports point one way, down, so that each layer can be read,
// tested and changed knowing only the layers under it.
type layer struct {
	n    int
	pkgs []string // directories under the module; "examples/..." is every package under examples/
	why  string
}

// layers is the intended layering of the module, read off the package
// graph of the day it was written (go list -f '{{.ImportPath}}
// {{.Imports}}' ./...) and DESIGN.md's arrows. Only the imports of non-test
// files count: tests may import anything (gen's and driver's tests
// generate code for the examples).
//
// Packages under internal/ are not in the table: they are shared helpers
// that sit wherever their imports put them, just above the highest layer
// they import (layer 0 when they import none of the table). So a helper
// that imports gen may serve driver, and not explorer. Two exceptions:
// internal/golden registers the -update flag and is for tests only, and
// internal/repotest is this test; no package imports them.
var layers = []layer{
	{1, []string{"model"}, "the core types every package shares: a model, steps, traces, the erased interface; the standard library only"},
	{2, []string{"dsl"}, "builds models from typed Go functions"},
	{3, []string{"explorer"}, "walks a model's state space; knows models, not how they were written"},
	{4, []string{"adapters", "tlaimport"},
		"the two bridges on top of the model, each blind to the other: adapters drive an implementation, tlaimport reads TLA+ traces into the model's states"},
	{5, []string{"adapters/subprocess", "adapters/fault"}, "helpers built on package adapters (its TB): an adapter for programs in any language, and faults that break an implementation's links and processes"},
	{6, []string{"gen"}, "selects tests from the explorer's state graph and writes them as adapter steps"},
	{7, []string{"driver"}, "the runtime of the program mbt builds: explores, generates tests, replays traces through adapters"},
	{8, []string{"cmd/mbt"}, "the command: builds and runs driver programs, converts traces"},
	{9, []string{"examples/..."}, "what users write: examples may import any public package and each other's packages, but nothing under internal/, which users cannot import"},
}

// testOnly are the packages that only tests may import.
var testOnly = map[string]string{
	"internal/golden":   "it registers the -update flag of test binaries",
	"internal/repotest": "it is the repository's tests",
}

// graph maps each package of the module (a directory relative to the
// module, "" for the root) to the packages of the module it imports.
type graph map[string][]string

// layerOf returns the layer of a package that is not under internal/, and
// its row, or -1 when the table lacks it.
func layerOf(pkg string) (int, *layer) {
	for i := range layers {
		l := &layers[i]
		for _, p := range l.pkgs {
			if p == pkg || strings.HasSuffix(p, "/...") && (pkg == strings.TrimSuffix(p, "/...") || strings.HasPrefix(pkg, strings.TrimSuffix(p, "..."))) {
				return l.n, l
			}
		}
	}
	return -1, nil
}

func isInternal(pkg string) bool { return pkg == "internal" || strings.HasPrefix(pkg, "internal/") }

func isExample(pkg string) bool { return pkg == "examples" || strings.HasPrefix(pkg, "examples/") }

// place is where a package sits: its layer and, for an internal package,
// the import that puts it there.
type place struct {
	n   int
	via []string // for an internal package: the path of imports to the table package that sets its layer
}

// placeOf returns the layer of pkg: from the table, or for an internal
// package the highest layer it imports, directly or through other internal
// packages.
func placeOf(g graph, pkg string, memo map[string]place) place {
	if p, ok := memo[pkg]; ok {
		return p
	}
	if !isInternal(pkg) {
		n, _ := layerOf(pkg)
		return place{n: n}
	}
	memo[pkg] = place{} // the go command forbids cycles; this only guards the recursion
	best := place{}
	for _, imp := range g[pkg] {
		p := placeOf(g, imp, memo)
		if p.n > best.n {
			best = place{n: p.n, via: append([]string{imp}, p.via...)}
		}
	}
	memo[pkg] = best
	return best
}

// describe names a package with its layer for messages:
// "explorer (layer 3)", "internal/x (layer 6: it imports gen)".
func describe(g graph, pkg string, memo map[string]place) string {
	if !isInternal(pkg) {
		n, _ := layerOf(pkg)
		return fmt.Sprintf("%s (layer %d)", pkg, n)
	}
	p := placeOf(g, pkg, memo)
	if len(p.via) == 0 {
		return fmt.Sprintf("%s (layer 0: it imports no layered package)", pkg)
	}
	return fmt.Sprintf("%s (layer %d: it imports %s)", pkg, p.n, strings.Join(p.via, ", which imports "))
}

// checkLayers returns every import of g that breaks the layering, one
// message each, sorted.
func checkLayers(g graph) []string {
	var problems []string
	memo := map[string]place{}
	for pkg, imports := range g {
		if isInternal(pkg) {
			continue // a helper sits above what it imports: nothing to check here
		}
		n, row := layerOf(pkg)
		if row == nil {
			problems = append(problems, fmt.Sprintf("package %s is not in the layer table of internal/repotest/imports_test.go; add it to the layer it belongs to", pkg))
			continue
		}
		for _, imp := range imports {
			if why, ok := testOnly[imp]; ok {
				problems = append(problems, fmt.Sprintf("%s imports %s, which only tests may import: %s", pkg, imp, why))
				continue
			}
			if isExample(pkg) && isExample(imp) {
				continue // an example's own packages: a client, a server
			}
			if isInternal(imp) && isExample(pkg) {
				problems = append(problems, fmt.Sprintf("%s (layer %d) imports %s: examples show what users can write, and users cannot import internal packages", pkg, n, imp))
				continue
			}
			if m := placeOf(g, imp, memo).n; m >= n {
				dir := "up"
				if m == n {
					dir = "sideways"
				}
				problems = append(problems, fmt.Sprintf("%s imports %s: an import %s the layers; %s is layer %d (%s), %s; imports point down only",
					pkg, imp, dir, pkg, n, row.why, describe(g, imp, memo)))
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// goList runs the go command in dir and returns its standard output.
func goList(t *testing.T, dir string, args ...string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go command is not on PATH (%v); the import layers are read with go list", err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(gobin, append([]string{"list"}, args...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, &stderr)
	}
	return stdout.String()
}

// TestImportLayers: no package of the module imports a package of its own
// layer or above (see [layers]), and model depends on the standard library
// only.
func TestImportLayers(t *testing.T) {
	root := moduleRoot(t)
	module := strings.TrimSpace(goList(t, root, "-m", "-f", "{{.Path}}"))
	out := goList(t, root, "-f", "{{.ImportPath}}\t{{join .Imports \" \"}}", "./...")
	g := graph{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		path, imports, _ := strings.Cut(line, "\t")
		pkg := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
		g[pkg] = nil
		for _, imp := range strings.Fields(imports) {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				g[pkg] = append(g[pkg], strings.TrimPrefix(strings.TrimPrefix(imp, module), "/"))
			}
		}
	}
	for _, pkg := range []string{"model", "dsl", "explorer", "gen", "driver", "cmd/mbt"} {
		if _, ok := g[pkg]; !ok {
			t.Fatalf("go list ./... in %s does not list %s; the test reads the wrong module", root, pkg)
		}
	}
	for _, msg := range checkLayers(g) {
		t.Error(msg)
	}

	// model: the standard library only, and internal packages that use the
	// standard library only. go list -deps lists model and everything it
	// depends on; name the module's packages that reach outside.
	type listed struct {
		standard bool
		imports  []string
	}
	deps := map[string]listed{}
	for _, line := range strings.Split(strings.TrimSpace(goList(t, root, "-deps", "-f", "{{.ImportPath}}\t{{.Standard}}\t{{join .Imports \" \"}}", "./model")), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			t.Fatalf("go list -deps ./model: unexpected line %q", line)
		}
		deps[f[0]] = listed{standard: f[1] == "true", imports: strings.Fields(f[2])}
	}
	var outside []string
	for path, d := range deps {
		rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
		if !strings.HasPrefix(path, module+"/") || rel != "model" && !isInternal(rel) {
			continue
		}
		for _, imp := range d.imports {
			if !deps[imp].standard && !strings.HasPrefix(imp, module+"/internal/") {
				who := "model (layer 1) imports " + imp
				if rel != "model" {
					who = "model (layer 1) depends on " + rel + ", which imports " + imp
				}
				outside = append(outside, who+", which is not the standard library: model uses the standard library only, and internal packages that do")
			}
		}
	}
	slices.Sort(outside)
	for _, msg := range outside {
		t.Error(msg)
	}
}

// TestCheckLayers: the check finds each kind of wrong import in a made-up
// graph, and names both packages and both layers.
func TestCheckLayers(t *testing.T) {
	tests := []struct {
		name   string
		g      graph
		want   []string
		reason string
	}{
		{"down", graph{"driver": {"gen", "model", "internal/text"}, "gen": {"explorer"}, "explorer": {"model"}, "model": {"internal/text"}, "internal/text": nil},
			nil, "imports that point down pass"},
		{"up", graph{"explorer": {"gen"}, "gen": nil},
			[]string{"explorer imports gen: an import up the layers; explorer is layer 3 (" + layers[2].why + "), gen (layer 6); imports point down only"},
			"a lower layer must not import a higher one"},
		{"sideways", graph{"tlaimport": {"adapters"}, "adapters": nil},
			[]string{"tlaimport imports adapters: an import sideways the layers; tlaimport is layer 4 (" + layers[3].why + "), adapters (layer 4); imports point down only"},
			"packages of one layer are blind to each other"},
		{"through internal", graph{"explorer": {"internal/a"}, "internal/a": {"internal/b"}, "internal/b": {"driver"}, "driver": nil},
			[]string{"explorer imports internal/a: an import up the layers; explorer is layer 3 (" + layers[2].why + "), internal/a (layer 7: it imports internal/b, which imports driver); imports point down only"},
			"an internal helper sits above what it imports, so it cannot smuggle an upward import"},
		{"internal serves above", graph{"driver": {"internal/a"}, "internal/a": {"gen"}, "gen": nil},
			nil, "a helper that imports gen may serve driver"},
		{"test only", graph{"gen": {"internal/golden"}, "internal/golden": nil},
			[]string{"gen imports internal/golden, which only tests may import: it registers the -update flag of test binaries"},
			"the golden helper would add -update to every program"},
		{"examples", graph{"examples/bank": {"driver", "internal/text"}, "driver": nil, "internal/text": nil},
			[]string{"examples/bank (layer 9) imports internal/text: examples show what users can write, and users cannot import internal packages"},
			"examples import any public package, nothing internal"},
		{"examples among themselves", graph{"examples/bank": {"examples/bank/ledger", "adapters"}, "examples/bank/ledger": nil, "adapters": nil},
			nil, "an example's client and server packages are its own"},
		{"unknown", graph{"newpkg": {"model"}, "model": nil},
			[]string{"package newpkg is not in the layer table of internal/repotest/imports_test.go; add it to the layer it belongs to"},
			"a new package needs a place in the table"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		if d := cmp.Diff(tt.want, checkLayers(tt.g)); d != "" {
			t.Errorf("%s: checkLayers mismatch (-want +got) (%s):\n%s", tt.name, tt.reason, d)
		}
	}
}
