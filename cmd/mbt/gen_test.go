package main

import (
	"path/filepath"
	"testing"
)

func TestCommandLine(t *testing.T) {
	pkgDir := filepath.FromSlash("/src/shop/bank")
	tests := []struct {
		name   string
		args   []string
		want   string
		reason string
	}{
		{"go generate", []string{"-model", "Model", "-adapter", "NewHTTPAdapter", "-set", "Max=3", "."},
			"mbt gen -model Model -adapter NewHTTPAdapter -set Max=3 ./bank",
			"the package is named from the module root, whatever directory mbt ran in"},
		{"order kept", []string{"./bank", "-set", "Max=3", "-adapter", "NewHTTPAdapter"},
			"mbt gen ./bank -set Max=3 -adapter NewHTTPAdapter", "flags stay in their order"},
		{"spelling", []string{"--model=Model", "-adapter=NewHTTPAdapter", "-set=Max=3", "--", "./bank/"},
			"mbt gen -model Model -adapter NewHTTPAdapter -set Max=3 -- ./bank",
			"-name=value and --name are written as -name value, so that -check finds the file of the go:generate line fresh"},
		{"booleans", []string{"-scaffold=true", "--check", "-scaffold=false", "-scaffold", "."},
			"mbt gen -scaffold -scaffold ./bank", "a true boolean is -name, a false one is left out"},
		{"check dropped", []string{"-check", "-adapter", "New", ".", "-check=true"},
			"mbt gen -adapter New ./bank", "-check does not change what is generated, so it is not in the file"},
		{"output", []string{"-adapter", "New", "-o", filepath.Join(pkgDir, "x_test.go"), "."},
			"mbt gen -adapter New -o x_test.go ./bank", "an absolute -o is written relative to the package's directory"},
		{"output cleaned", []string{"-adapter", "New", "-o=./sub/../x_test.go", "."},
			"mbt gen -adapter New -o x_test.go ./bank", "a relative -o is relative to the package's directory, and cleaned"},
		{"trace", []string{"-trace", filepath.Join(pkgDir, "testdata", "x.out.txt"), "-adapter", "New", "."},
			"mbt gen -trace testdata/x.out.txt -adapter New ./bank",
			"-trace is written relative to the package's directory, where a go:generate line runs"},
		{"quoting", []string{"-adapter", "New", "-set", "Name=a b", "."},
			"mbt gen -adapter New -set 'Name=a b' ./bank", "the line can be pasted into a shell"},
		{"dash dash", []string{"-adapter", "New", "--", "-odd"}, "mbt gen -adapter New -- ./bank",
			"a package after -- stays after it"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		c := genFlags()
		if _, err := parseInterspersed(c.fs, tt.args); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := commandLine(c.fs, tt.args, "./bank", pkgDir); got != tt.want {
			t.Errorf("%s: commandLine(%q) = %q, want %q", tt.name, tt.args, got, tt.want)
		}
	}
}

func TestSplitAdapter(t *testing.T) {
	tests := []struct {
		spec, path, fn string
		bad            bool
	}{
		{spec: "NewHTTPAdapter", fn: "NewHTTPAdapter"},
		{spec: "example.com/shop/adapt.New", path: "example.com/shop/adapt", fn: "New"},
		{spec: "example.com/shop/v2.New", path: "example.com/shop/v2", fn: "New"},
		{spec: "", bad: true},
		{spec: "New-Adapter", bad: true},
		{spec: "example.com/shop/adapt.", bad: true},
		{spec: ".New", bad: true},
		{spec: "./adapt.New", bad: true},
		{spec: "example.com/.New", bad: true},
	}
	for _, tt := range tests {
		path, fn, err := splitAdapter(tt.spec)
		if tt.bad {
			if _, ok := err.(*usageError); !ok {
				t.Errorf("splitAdapter(%q) = %q, %q, %v; want a usage error", tt.spec, path, fn, err)
			}
			continue
		}
		if err != nil || path != tt.path || fn != tt.fn {
			t.Errorf("splitAdapter(%q) = %q, %q, %v; want %q, %q", tt.spec, path, fn, err, tt.path, tt.fn)
		}
	}
}

func TestModuleRelDir(t *testing.T) {
	root := filepath.FromSlash("/src/shop")
	tests := []struct {
		dir, want string
	}{
		{root, "."},
		{filepath.Join(root, "examples", "bank"), "./examples/bank"},
		{filepath.FromSlash("/elsewhere/bank"), "pattern"},
	}
	for _, tt := range tests {
		if got := moduleRelDir(&target{Pattern: "pattern", Dir: tt.dir, ModuleDir: root}); got != tt.want {
			t.Errorf("moduleRelDir(%s) = %q, want %q", tt.dir, got, tt.want)
		}
	}
}
