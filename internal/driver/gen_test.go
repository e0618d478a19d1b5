package driver

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/gen"
)

// The mbt command parses the flags of mbt gen and passes f.Args() to the
// driver, which must parse them back to the same GenFlags.
func TestGenFlags_ArgsRoundTrip(t *testing.T) {
	in := []string{"-model", "Model", "-set", "RM=4", "-set", "Name=a b", "-adapter", "example.com/x/y.New",
		"-criteria", "states,random", "-max-steps", "9", "-seed", "7", "-walks", "3", "-walk-steps", "5",
		"-o", "x_mbt_test.go", "-package", "x", "-check"}
	parse := func(args []string) GenFlags {
		t.Helper()
		var f GenFlags
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f.Define(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatalf("parse %q: %v", args, err)
		}
		return f
	}
	want := parse(in)
	if got := parse(want.Args()); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip through Args() = %+v, want %+v", got, want)
	}
	if got := parse(nil); len(got.Args()) != 0 || got.Criteria != DefaultCriteria {
		t.Errorf("defaults render as %q, criteria %q", got.Args(), got.Criteria)
	}
	if _, err := want.Options(); err != nil {
		t.Errorf("Options() = %v", err)
	}
}

func TestGenTarget_ArgsRoundTrip(t *testing.T) {
	want := GenTarget{PkgPath: "example.com/x", PkgName: "x", PkgDir: "/tmp/x", Dir: "./x", Out: "/tmp/x/a_test.go",
		AdapterPath: "example.com/x/a", AdapterName: "a", AdapterFunc: "New", Command: "mbt gen -adapter example.com/x/a.New ./x"}
	var got GenTarget
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	got.Define(fs)
	if err := fs.Parse(want.Args()); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("round trip through Args() = %+v, want %+v", got, want)
	}
}

func TestGenFlags_Options(t *testing.T) {
	tests := []struct {
		name    string
		flags   GenFlags
		wantErr string
		reason  string
	}{
		{"default", GenFlags{}, "", "no flags select transitions and boundaries"},
		{"criterion", GenFlags{Criteria: "edges"}, `-criteria: unknown criterion "edges"`, "criteria are checked by gen.ParseCriteria"},
		{"negative", GenFlags{Walks: -1}, "-walks: must not be negative", "counts are not negative"},
		{"set", GenFlags{Set: []string{"=3"}}, `-set "=3": want Name=Value`, "assignments name a constant"},
		{"package", GenFlags{Package: "a-b"}, `-package "a-b": not a Go package name`, "the package clause is an identifier"},
		{"check scaffold", GenFlags{Check: true, Scaffold: true}, "-check and -scaffold do not go together", "-check is about the tests"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		_, err := tt.flags.Options()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if (tt.wantErr == "") != (got == "") || !strings.Contains(got, tt.wantErr) {
			t.Errorf("%s: Options() = %q, want %q", tt.name, got, tt.wantErr)
		}
	}
}

func TestPrescan(t *testing.T) {
	tests := []struct {
		args     []string
		protocol int
		command  string
	}{
		{nil, Protocol, "explore"},
		{[]string{"-driver.protocol=7", "-driver.command=gen", "-frobnicate"}, 7, "gen"},
		{[]string{"--driver.protocol", "3", "-driver.command", "explore"}, 3, "explore"},
		{[]string{"-driver.protocol=x"}, -1, "explore"},
		{[]string{"--", "-driver.protocol=7"}, Protocol, "explore"},
	}
	for _, tt := range tests {
		p, c := prescan(tt.args)
		if p != tt.protocol || c != tt.command {
			t.Errorf("prescan(%q) = %d, %q; want %d, %q", tt.args, p, c, tt.protocol, tt.command)
		}
	}
}

// genArgs returns the arguments mbt gen passes for the counter model of
// this package as if it were in dir, followed by more.
func genArgs(dir string, more ...string) []string {
	return append([]string{
		"-driver.protocol=2", "-driver.command=gen", "-driver.pkgpath=github.com/mbtgo/mbt/internal/driver", "-driver.pkgname=driver",
		"-driver.pkgdir=" + dir, "-driver.dir=./c", "-driver.adapterpath=github.com/mbtgo/mbt/internal/driver", "-driver.adaptername=driver",
		"-driver.adapterfunc=NewAdapter", "-driver.cmdline=mbt gen -adapter NewAdapter ./c", "-model=Counter",
	}, more...)
}

func runGen(t *testing.T, args []string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = run(context.Background(), args, &out, &errs, false, []Entry{Register("Counter", counter), RegisterNoConfig("Broken", broken)})
	return code, out.String(), errs.String()
}

func TestRun_gen(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "counter_mbt_test.go")

	code, stdout, stderr := runGen(t, genArgs(dir))
	if code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
	}
	for _, re := range []string{
		`(?m)^Counter \(driver.counter, Max=3 Buggy=false\): 4 states, 6 transitions$`,
		`(?m)^  transitions: \d+ tests?, \d+ steps cover 100% of 6 transitions$`,
		`(?m)^wrote .*counter_mbt_test.go: \d+ tests, \d+ steps$`,
	} {
		if !regexp.MustCompile(re).MatchString(stdout) {
			t.Errorf("stdout lacks %s:\n%s", re, stdout)
		}
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{gen.Header + "\n", "// Generated by: mbt gen -adapter NewAdapter ./c\n", "package driver_test\n",
		"driver.Counter(driver.counterConfig{Max: 3})", "driver.NewAdapter(t)", `Package: "./c"`} {
		if !strings.Contains(string(src), s) {
			t.Errorf("the generated file lacks %q:\n%s", s, src)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d files, want 1 (no temporary file left)", len(entries))
	}

	// Again: the same bytes, and the file is left alone.
	info, _ := os.Stat(file)
	if code, stdout, _ := runGen(t, genArgs(dir)); code != exitOK || !strings.Contains(stdout, "counter_mbt_test.go is up to date: ") {
		t.Errorf("second run: exit code %d, stdout:\n%s", code, stdout)
	}
	if again, _ := os.Stat(file); !again.ModTime().Equal(info.ModTime()) {
		t.Error("an unchanged file was rewritten")
	}
	if code, stdout, stderr := runGen(t, genArgs(dir, "-check")); code != exitOK || !strings.HasSuffix(stdout, "counter_mbt_test.go is up to date\n") {
		t.Errorf("-check of a fresh file: exit code %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	// Other constants: stale, and the first difference is shown.
	code, _, stderr = runGen(t, genArgs(dir, "-check", "-set=Max=4"))
	if code != exitViolation {
		t.Errorf("-check of a stale file: exit code %d, want %d", code, exitViolation)
	}
	for _, re := range []string{`(?m)^mbt: .*counter_mbt_test.go is stale; run go generate$`, `(?m)^@@ line \d+ @@$`,
		`(?m)^-//\tCoverage|^-// Coverage \(model Counter: 4 states`, `(?m)^\+// Coverage \(model Counter: 5 states`} {
		if !regexp.MustCompile(re).MatchString(stderr) {
			t.Errorf("stderr lacks %s:\n%s", re, stderr)
		}
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(after, src) {
		t.Error("-check changed the file")
	}

	// A missing file is stale too.
	code, _, stderr = runGen(t, genArgs(dir, "-check", "-driver.out="+filepath.Join(dir, "other_test.go")))
	if code != exitViolation || !strings.Contains(stderr, "other_test.go does not exist; run go generate") {
		t.Errorf("-check of a missing file: exit code %d, stderr:\n%s", code, stderr)
	}

	// A file that mbt did not write is not overwritten.
	mine := filepath.Join(dir, "mine_test.go")
	if err := os.WriteFile(mine, []byte("package driver_test\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runGen(t, genArgs(dir, "-driver.out="+mine))
	if code != exitUsage || !strings.Contains(stderr, "mine_test.go exists and mbt did not write it") {
		t.Errorf("overwriting a user's file: exit code %d, stderr:\n%s", code, stderr)
	}
}

func TestRun_genScaffold(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runGen(t, genArgs(dir, "-scaffold"))
	if code != exitOK || !strings.Contains(stdout, "counter_adapter.go: type CounterAdapter ") ||
		!strings.Contains(stdout, "mbt gen -model Counter -adapter NewCounterAdapter ./c") {
		t.Fatalf("exit code %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	src, err := os.ReadFile(filepath.Join(dir, "counter_adapter.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"package driver\n", "func (a *CounterAdapter) View(ctx context.Context) (counterState, error) {",
		"func (a *CounterAdapter) Inc(ctx context.Context) error {"} {
		if !strings.Contains(string(src), s) {
			t.Errorf("the scaffold lacks %q:\n%s", s, src)
		}
	}
	code, _, stderr = runGen(t, genArgs(dir, "-scaffold"))
	if code != exitUsage || !strings.Contains(stderr, "counter_adapter.go exists; -scaffold never overwrites a file") {
		t.Errorf("second -scaffold: exit code %d, stderr:\n%s", code, stderr)
	}
}

func TestRun_genErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
		reason string
	}{
		{"command", []string{"-driver.command=graph"}, exitUsage, `this driver runs mbt explore, mbt gen and mbt replay, not "graph"`,
			"a newer mbt's command is refused by name"},
		{"target", []string{"-driver.command=gen", "-model=Counter"}, exitUsage, "missing -driver.pkgpath, -driver.pkgname, -driver.pkgdir, " +
			"-driver.adapterpath, -driver.adaptername, -driver.adapterfunc: run this program through mbt gen", "mbt gen passes the target"},
		{"explore flag", genArgs(dir, "-strategy=dfs"), exitUsage, "flag provided but not defined: -strategy", "gen has its own flags"},
		{"criterion", genArgs(dir, "-criteria=edges"), exitUsage, `-criteria: unknown criterion "edges"`, "the driver checks the flags again"},
		{"constant", genArgs(dir, "-set=Mx=1"), exitUsage, `has no field Mx (did you mean "Max"?)`, "constants are set as for explore"},
		{"model error", genArgs(dir, "-model=Broken"), exitError, "model Broken: 2 problems", "a model that does not build exits 3"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		code, _, stderr := runGen(t, tt.args)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%s: exit code %d, want %d; stderr:\n%s\nwant %q", tt.name, code, tt.code, stderr, tt.stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("errors wrote %d files", len(entries))
	}
}
