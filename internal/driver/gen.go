package driver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/internal/goname"
	"github.com/mbtgo/mbt/internal/text"
	"github.com/mbtgo/mbt/model"
	"github.com/mbtgo/mbt/tlaimport"
)

// generation is what mbt gen passes to the driver.
type generation struct {
	flags  GenFlags
	target GenTarget
	opts   gen.Options
}

// generate selects tests for m and writes them as a Go test file, or with
// -check compares the file with what it would write, or with -scaffold
// writes an adapter skeleton. It returns the exit code.
func generate[S any](ctx context.Context, m *model.Model[S], cfg reflect.Value, x *exploration) int {
	g := x.gen
	if g.flags.Scaffold {
		return scaffold(m, x)
	}
	if g.flags.Trace != "" {
		suite, code := traceSuite(m, x)
		if suite == nil {
			return code
		}
		return writeSuite(m, cfg, x, suite)
	}
	suite, err := gen.Select(ctx, m, g.opts)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(x.stderr, "mbt: interrupted")
		} else {
			fmt.Fprintf(x.stderr, "mbt: select tests for %s: %v\n", m.Name, err)
		}
		return exitError
	}
	return writeSuite(m, cfg, x, suite)
}

// writeSuite writes suite as the Go test file, or with -check compares the
// file with it. It returns the exit code.
func writeSuite[S any](m *model.Model[S], cfg reflect.Value, x *exploration, suite *gen.Suite) int {
	g := x.gen
	var config any
	if cfg.IsValid() {
		config = cfg.Interface()
	}
	pkg := g.flags.Package
	if pkg == "" {
		pkg = g.target.PkgName + "_test"
	}
	src, err := gen.Source(suite, gen.File{
		Package:     pkg,
		PackagePath: g.target.PkgPath,
		Dir:         g.target.Dir,
		ModelPath:   g.target.PkgPath,
		ModelName:   g.target.PkgName,
		ModelFunc:   x.entry.name,
		Config:      config,
		AdapterPath: g.target.AdapterPath,
		AdapterName: g.target.AdapterName,
		AdapterFunc: g.target.AdapterFunc,
		Command:     g.target.Command,
		Signature:   m.Signature(),
	})
	if err != nil {
		fmt.Fprintf(x.stderr, "mbt: %s: %v\n", x.funcLabel(), err)
		return exitError
	}
	out := g.target.Out
	if out == "" {
		out = filepath.Join(g.target.PkgDir, fileStem(m.Name)+"_mbt_test.go")
	}
	name := displayPath(out)
	old, err := os.ReadFile(out)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(x.stderr, "mbt: %v\n", err)
		return exitError
	}
	if g.flags.Check {
		switch {
		case !exists:
			fmt.Fprintf(x.stderr, "mbt: %s does not exist; run go generate\n", name)
			return exitViolation
		case !bytes.Equal(old, src):
			fmt.Fprintf(x.stderr, "mbt: %s is stale; run go generate\n%s", name, firstDifference(name, old, src))
			return exitViolation
		}
		fmt.Fprintf(x.stdout, "%s is up to date\n", name)
		return exitOK
	}
	if exists && !generatedByMbt(old) {
		fmt.Fprintf(x.stderr, "mbt: %s exists and mbt did not write it (it has no %q line); "+
			"remove it, or write the tests to another file with -o\n", name, gen.Header)
		return exitUsage
	}
	steps := 0
	for _, t := range suite.Tests {
		steps += len(t.Steps)
	}
	if g.flags.Trace != "" {
		fmt.Fprintf(x.stdout, "%s (%s%s)\n", m.Name, x.funcLabel(), constLine(x.consts))
	} else {
		fmt.Fprintf(x.stdout, "%s (%s%s): %s %s, %s %s\n", m.Name, x.funcLabel(), constLine(x.consts),
			commas(int64(suite.States)), text.Plural(suite.States, "state", "states"),
			commas(int64(suite.Transitions)), text.Plural(suite.Transitions, "transition", "transitions"))
	}
	for _, r := range suite.Reports {
		fmt.Fprintf(x.stdout, "  %s\n", strings.ReplaceAll(r.String(), "\n", "\n  "))
	}
	summary := fmt.Sprintf("%d %s, %d %s", len(suite.Tests), text.Plural(len(suite.Tests), "test", "tests"), steps, text.Plural(steps, "step", "steps"))
	if exists && bytes.Equal(old, src) {
		fmt.Fprintf(x.stdout, "%s is up to date: %s\n", name, summary)
		return exitOK
	}
	if err := writeFileAtomic(out, src); err != nil {
		fmt.Fprintf(x.stderr, "mbt: %v\n", err)
		return exitError
	}
	fmt.Fprintf(x.stdout, "wrote %s: %s\n", name, summary)
	return exitOK
}

// traceSuite reads the -trace file, decodes its states into m's, infers
// the model's steps, and returns them as a suite of one test. When the
// trace does not fit the model it says where, as mbt replay does, and
// returns nil and the exit code.
func traceSuite[S any](m *model.Model[S], x *exploration) (*gen.Suite, int) {
	g := x.gen
	name := g.flags.Trace
	tr, code := readTrace(x.stderr, name, g.flags.Format, g.flags.TraceIndex, "-trace-index")
	if tr == nil {
		return nil, code
	}
	w := x.stderr
	dec := tlaimport.StateDecoder[S]{Template: &m.Init[0]}
	states, err := dec.DecodeTrace(tr)
	if err != nil {
		fmt.Fprintf(w, "FAIL: the trace's states do not fit %s's state type %s:\n", m.Name, reflect.TypeFor[S]())
		fmt.Fprintf(w, "%s\n", indent(err.Error()))
		fmt.Fprintf(w, "mbt: %s is not a trace of %s; wrote nothing\n", displayPath(name), m.Name)
		return nil, exitViolation
	}
	inferTr, states := withLoopBack(tr, states)
	inf, err := tlaimport.Infer(m, inferTr, states)
	if err != nil {
		var div *tlaimport.Divergence
		if !errors.As(err, &div) {
			fmt.Fprintf(x.stderr, "mbt: %v\n", err)
			return nil, exitError
		}
		writeDivergence(w, m.Name, tr, div, err)
		fmt.Fprintf(w, "mbt: %s is not a behavior of %s; wrote nothing\n", displayPath(name), m.Name)
		return nil, exitViolation
	}
	var steps []model.Step
	for _, s := range inf.Steps {
		if !s.Stutter {
			steps = append(steps, s.Step)
		}
	}
	return gen.TraceSuite(m.Name, inf.Init, steps, traceSource(name, g.target.PkgDir)), exitOK
}

// traceSource names the trace file for the generated file: relative to the
// package's directory, with slashes, so that the file is the same wherever
// mbt runs and holds no absolute path.
func traceSource(name, pkgDir string) string {
	abs, err := filepath.Abs(name)
	if err != nil {
		return filepath.ToSlash(filepath.Base(name))
	}
	rel, err := filepath.Rel(pkgDir, abs)
	if err != nil {
		return filepath.ToSlash(filepath.Base(name))
	}
	return filepath.ToSlash(rel)
}

// scaffold writes an adapter skeleton for m, <model>_adapter.go in the
// package's directory, unless that file exists.
func scaffold[S any](m *model.Model[S], x *exploration) int {
	g := x.gen
	typ := goname.Exported(m.Name) + "Adapter"
	path := filepath.Join(g.target.PkgDir, fileStem(m.Name)+"_adapter.go")
	name := displayPath(path)
	if _, err := os.Lstat(path); err == nil {
		fmt.Fprintf(x.stderr, "mbt: %s exists; -scaffold never overwrites a file: remove or rename it to write a new skeleton\n", name)
		return exitUsage
	}
	var view reflect.Type
	if len(m.Init) > 0 {
		view = reflect.TypeOf(m.ViewOf(&m.Init[0]))
	}
	src, err := gen.Scaffold(m.Erase(), gen.ScaffoldFile{
		Package:     g.target.PkgName,
		PackagePath: g.target.PkgPath,
		Type:        typ,
		View:        view,
		Command:     g.target.Command,
	})
	if err != nil {
		fmt.Fprintf(x.stderr, "mbt: %s: %v\n", x.funcLabel(), err)
		return exitError
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(x.stderr, "mbt: %s exists; -scaffold never overwrites a file: remove or rename it to write a new skeleton\n", name)
		return exitUsage
	}
	if err == nil {
		_, err = f.Write(src)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}
	if err != nil {
		fmt.Fprintf(x.stderr, "mbt: write the scaffold: %v\n", err)
		return exitError
	}
	dir := g.target.Dir
	if dir == "" {
		dir = x.pkg
	}
	fmt.Fprintf(x.stdout, "wrote %s: type %s with one method per action of %s, each returning adapters.ErrNotImplemented\n", name, typ, m.Name)
	fmt.Fprintf(x.stdout, "fill them in, then generate the tests with:\n\tmbt gen -model %s -adapter New%s %s\n", x.entry.name, typ, dir)
	return exitOK
}

// fileStem is the model's name as the start of a file name: bank for Bank.
func fileStem(name string) string { return strings.ToLower(goname.Exported(name)) }

// displayPath returns path relative to the working directory when it is
// below it, for messages.
func displayPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// generatedByMbt reports whether src has mbt's generated-code header
// before its package clause.
func generatedByMbt(src []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == gen.Header {
			return true
		}
		if strings.HasPrefix(line, "package ") {
			return false
		}
	}
	return false
}

// firstDifference renders the first line where the file on disk and the
// generated source differ, as a short unified diff.
func firstDifference(name string, disk, generated []byte) string {
	a := strings.Split(string(disk), "\n")
	b := strings.Split(string(generated), "\n")
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	var s strings.Builder
	fmt.Fprintf(&s, "--- %s (on disk)\n+++ %s (generated)\n@@ line %d @@\n", name, name, i+1)
	if i < len(a) {
		fmt.Fprintf(&s, "-%s\n", clip(a[i]))
	}
	if i < len(b) {
		fmt.Fprintf(&s, "+%s\n", clip(b[i]))
	}
	return s.String()
}

// clip shortens a line for a message.
func clip(line string) string {
	if r := []rune(line); len(r) > 160 {
		return string(r[:160]) + "…"
	}
	return line
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so that readers never see a partial file. It
// keeps the permissions of an existing file.
func writeFileAtomic(path string, data []byte) (err error) {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", displayPath(path), err)
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", displayPath(path), err)
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", displayPath(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", displayPath(path), err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", displayPath(path), err)
	}
	return nil
}
