package main

import (
	"context"
	"errors"
	"fmt"
	"go/build"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// modelPkgPath is the import path of package model, whose Model type model
// functions return.
const modelPkgPath = "github.com/mbtgo/mbt/model"

// modelFunc is a model function found in the user's package: an exported
// function returning *model.Model[S] and optionally an error, taking no
// argument or one config struct.
type modelFunc struct {
	Name      string
	HasConfig bool
	HasError  bool
}

// target is the user's package, resolved.
type target struct {
	Pattern    string // the package as the user named it
	ImportPath string
	Name       string // the package name
	// DriverDir is the (virtual) directory of the driver package: inside
	// the user's module, so that its go.mod governs the build.
	DriverDir string
	Models    []modelFunc

	// Dir is the package's directory; ModuleDir the root of its module,
	// and MainModule whether that is the main module.
	Dir        string
	ModuleDir  string
	MainModule bool
	// Types are the package's types, and Extra the other packages load
	// was asked for, by import path.
	Types *types.Package
	Extra map[string]*packages.Package
	// MBT is the module of package model, github.com/mbtgo/mbt in the
	// version that the main module selects, if it loaded.
	MBT *packages.Module
}

// loadError is a failure to load the user's package: exit code 3.
type loadError struct{ msg string }

func (e *loadError) Error() string { return e.msg }

// load resolves pattern to one package and finds its model functions. It
// also loads the packages of the import paths extra, in the same
// universe of types (so that their types can be compared with the
// package's), into target.Extra; their errors are for the caller to report.
func load(ctx context.Context, pattern string, extra ...string) (*target, error) {
	cfg := &packages.Config{
		Context: ctx,
		Mode:    packages.NeedName | packages.NeedFiles | packages.NeedTypes | packages.NeedModule,
	}
	if !slices.Contains(extra, modelPkgPath) {
		// For the module of mbt: the package the models import is there.
		extra = append(slices.Clip(extra), modelPkgPath)
	}
	all, err := packages.Load(cfg, append([]string{pattern}, extra...)...)
	if err != nil {
		return nil, &loadError{fmt.Sprintf("load %s: %v", pattern, err)}
	}
	pkgs, extras := splitRoots(pattern, all, extra)
	switch {
	case len(pkgs) == 0:
		// go/packages hides some failures of the go command, such as a
		// go.mod that needs updating; ask it directly.
		if _, err := goCommand(ctx, nil, "list", "-find", "--", pattern); err != nil {
			var ge *goError
			if errors.As(err, &ge) && strings.TrimSpace(ge.stderr) != "" {
				var lines []string
				for _, l := range strings.Split(strings.TrimSpace(ge.stderr), "\n") {
					lines = append(lines, strings.TrimSpace(strings.TrimPrefix(l, "go: ")))
				}
				msg := strings.Join(lines, "\n\t")
				return nil, &loadError{fmt.Sprintf("load %s: %s", pattern, msg)}
			}
		}
		return nil, &loadError{fmt.Sprintf("load %s: no package matches", pattern)}
	case len(pkgs) > 1:
		var paths []string
		for _, p := range pkgs {
			paths = append(paths, p.PkgPath)
		}
		return nil, &usageError{fmt.Sprintf("%s matches %d packages (%s); name one package", pattern, len(pkgs), strings.Join(paths, ", "))}
	}
	pkg := pkgs[0]
	if len(pkg.Errors) > 0 {
		return nil, &loadError{packageErrors(pattern, pkg)}
	}
	if pkg.Name == "main" {
		return nil, &loadError{fmt.Sprintf("%s is a program (package main); models must be in a package that mbt can import", pattern)}
	}
	if pkg.Module == nil {
		return nil, &loadError{fmt.Sprintf("%s (%s) is not in a module; mbt builds its driver in the package's module", pattern, pkg.PkgPath)}
	}
	t := &target{Pattern: pattern, ImportPath: pkg.PkgPath, Name: pkg.Name, Models: findModels(pkg.Types),
		Dir: pkg.Dir, ModuleDir: pkg.Module.Dir, MainModule: pkg.Module.Main, Types: pkg.Types, Extra: extras}
	if p := extras[modelPkgPath]; p != nil && len(p.Errors) == 0 {
		t.MBT = p.Module
	}
	if t.Dir == "" && len(pkg.GoFiles) > 0 {
		t.Dir = filepath.Dir(pkg.GoFiles[0])
	}
	if len(t.Models) == 0 {
		return nil, &loadError{fmt.Sprintf("%s (%s) has no model functions; mbt looks for exported functions like\n"+
			"\tfunc Model(c Config) (*model.Model[State], error)\n"+
			"\tfunc Model() (*model.Model[State], error)\n"+
			"taking nothing or one config struct, returning a *model.Model (package %s) and optionally an error", pattern, pkg.PkgPath, modelPkgPath)}
	}
	if pkg.Module.Main {
		// Inside the package's directory, the driver may import the
		// package even if it is internal.
		t.DriverDir = filepath.Join(t.Dir, ".mbt-driver")
		return t, nil
	}
	// A dependency: build in the main module, which requires it.
	root, err := mainModuleDir(ctx)
	if err != nil {
		return nil, &loadError{fmt.Sprintf("%s is in module %s, not in the main module: %v", pattern, pkg.Module.Path, err)}
	}
	t.DriverDir = filepath.Join(root, ".mbt-driver")
	return t, nil
}

// splitRoots separates the packages that pattern matched from those of the
// extra import paths. A package that is both (the pattern names the
// package of an extra path) is in both.
func splitRoots(pattern string, all []*packages.Package, extra []string) ([]*packages.Package, map[string]*packages.Package) {
	if len(extra) == 0 {
		return all, nil
	}
	extras := map[string]*packages.Package{}
	var pkgs []*packages.Package
	for _, p := range all {
		if slices.Contains(extra, p.PkgPath) {
			extras[p.PkgPath] = p
		} else {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) == 0 {
		// The go command lists a package once: the pattern may name the
		// package of an extra path.
		abs, _ := filepath.Abs(pattern)
		for _, p := range all {
			if p.PkgPath == pattern || (p.Dir != "" && p.Dir == abs && (build.IsLocalImport(pattern) || filepath.IsAbs(pattern))) {
				pkgs = append(pkgs, p)
			}
		}
	}
	return pkgs, extras
}

// packageErrors renders the errors of pkg, positions relative to the
// working directory. All of them: the first is not always the cause.
func packageErrors(pattern string, pkg *packages.Package) string {
	var lines []string
	seen := map[string]bool{}
	compile := false
	for _, e := range pkg.Errors {
		if e.Kind == packages.TypeError {
			compile = true
		}
		msg := strings.TrimSpace(e.Msg)
		if e.Pos != "" && e.Pos != "-" {
			msg = relPos(e.Pos) + ": " + msg
		}
		// go list may report the compiler's output as one error and
		// go/packages each message again: keep one of each line.
		for _, l := range strings.Split(msg, "\n") {
			if l = relPos(strings.TrimSpace(l)); l != "" && !strings.HasPrefix(l, "# ") && !seen[l] {
				seen[l] = true
				lines = append(lines, l)
			}
		}
	}
	if !compile {
		for _, l := range lines {
			// go list reports compile errors as list errors when it
			// builds export data.
			if strings.Contains(l, ".go:") {
				compile = true
			}
		}
	}
	what := "load " + pattern
	if compile {
		what = pattern + " does not compile"
	}
	if len(lines) == 1 {
		return what + ": " + lines[0]
	}
	return what + ":\n\t" + strings.Join(lines, "\n\t")
}

// relPos makes the file of a position, or of a "file:line:col: message"
// line, relative to the working directory when it is below it.
func relPos(pos string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(pos) {
		return pos
	}
	file, rest := pos, ""
	if i := strings.Index(pos, ".go:"); i >= 0 {
		file, rest = pos[:i+3], pos[i+3:]
	}
	if r, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(r, "..") {
		return r + rest
	}
	return pos
}

// findModels returns the model functions of pkg in name order.
func findModels(pkg *types.Package) []modelFunc {
	var out []modelFunc
	scope := pkg.Scope()
	errType := types.Universe.Lookup("error").Type()
	for _, name := range scope.Names() {
		fn, ok := scope.Lookup(name).(*types.Func)
		if !ok || !fn.Exported() {
			continue
		}
		sig := fn.Type().(*types.Signature)
		if sig.TypeParams().Len() > 0 || sig.Variadic() {
			continue
		}
		res, params := sig.Results(), sig.Params()
		if res.Len() < 1 || res.Len() > 2 || params.Len() > 1 || !isModel(res.At(0).Type()) {
			continue
		}
		if res.Len() == 2 && !types.Identical(res.At(1).Type(), errType) {
			continue
		}
		if params.Len() == 1 {
			if _, ok := params.At(0).Type().Underlying().(*types.Struct); !ok {
				continue
			}
		}
		out = append(out, modelFunc{Name: name, HasConfig: params.Len() == 1, HasError: res.Len() == 2})
	}
	return out
}

// isModel reports whether t is *model.Model[S] for some S.
func isModel(t types.Type) bool {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	if !ok {
		return false
	}
	obj := named.Origin().Obj()
	return obj.Name() == "Model" && obj.Pkg() != nil && obj.Pkg().Path() == modelPkgPath && named.TypeArgs().Len() == 1
}

// mainModuleDir returns the root directory of the main module of the
// working directory.
func mainModuleDir(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("the working directory is not in a module; run mbt in the module that requires it")
	}
	return filepath.Dir(gomod), nil
}
