package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/mbtgo/mbt/internal/lifeline"
)

// How the go commands that build the driver see the user's module.
const (
	modeModule    = "module"    // a copy of go.mod and go.sum, through -modfile
	modeWorkspace = "workspace" // a copy of go.work and go.work.sum, through GOWORK
	modeVendor    = "vendor"    // the module's own files: vendor mode writes nothing
	modeNone      = "none"      // no module: load has refused the package already
)

// goModule is how the go commands that build the driver see the user's
// module.
//
// The driver imports package driver and so everything it imports, which
// the user's go.mod and go.sum need not list: a module that requires mbt
// for its models, after go mod tidy, lacks the requirements and checksums
// of packages that only the driver imports. mbt must not add them to the
// user's files behind their back, so the go commands work on copies in
// mbt's temporary directory, which the go command may complete:
//
//   - In a module, a copy of go.mod (and of go.sum, which the go command
//     finds next to it, with the same base name) passed with -modfile and
//     -mod=mod. Relative replace directives still work: the go command
//     resolves them from the module's root, not from the -modfile's
//     directory. With -mod=mod the go command also looks on the network for
//     a module that provides a package that none provides, and may find a
//     newer mbt than the module requires when its package driver is
//     missing; buildIn checks that it is there first. Offline, the build
//     needs nothing from the network when go.sum already holds what the
//     driver needs (a module with a tool line for mbt, for example) and
//     the module cache has the modules.
//   - In a workspace, where the go command refuses -modfile and any -mod
//     but readonly and vendor, a copy of go.work with its use and replace
//     paths made absolute (they are relative to go.work's directory), and of
//     go.work.sum next to it, passed in GOWORK. The go command adds missing
//     checksums to go.work.sum by itself in workspace mode, so the copy
//     keeps the user's from changing; workspaces need no go.mod updates.
//   - In a vendored module (a vendor directory, or -mod=vendor in GOFLAGS),
//     the module's own files: vendor mode never writes go.mod or go.sum.
//     Package driver must be vendored; buildFailure says how.
type goModule struct {
	mode  string
	flags []string // flags of every go command: -modfile=…, -mod=mod
	env   []string // environment of every go command: GOWORK=…
	// names maps the files of the copies to the user's files, for
	// messages.
	names map[string]string
}

// goEnvVars are the settings of go env that newGoModule reads.
type goEnvVars struct {
	GOMOD, GOWORK, GOFLAGS, GOTMPDIR string
}

// newGoModule prepares the go commands that build the driver, with the
// copies they need in the directory tmp.
//
// Unless GOTMPDIR is set, the go commands keep their temporary files in
// tmp too: a go command that is interrupted (Ctrl-C) exits without
// removing them, and mbt removes tmp.
func newGoModule(ctx context.Context, tmp string) (*goModule, error) {
	out, err := goCommand(ctx, nil, "env", "-json", "GOMOD", "GOWORK", "GOFLAGS", "GOTMPDIR")
	if err != nil {
		return nil, err
	}
	var env goEnvVars
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, fmt.Errorf("go env -json: %w", err)
	}
	m, err := newGoModuleEnv(ctx, tmp, env)
	if err != nil || env.GOTMPDIR != "" {
		return m, err
	}
	gotmp := filepath.Join(tmp, "go")
	if err := os.Mkdir(gotmp, 0o777); err != nil {
		return nil, err
	}
	m.env = append(m.env, "GOTMPDIR="+gotmp)
	return m, nil
}

// newGoModuleEnv returns the goModule for the settings env.
func newGoModuleEnv(ctx context.Context, tmp string, env goEnvVars) (*goModule, error) {
	mod := modFlag(env.GOFLAGS)
	switch {
	case env.GOWORK != "" && env.GOWORK != "off":
		if mod == "vendor" || mod == "" && exists(filepath.Join(filepath.Dir(env.GOWORK), "vendor", "modules.txt")) {
			return &goModule{mode: modeVendor}, nil
		}
		return copyWorkspace(ctx, tmp, env.GOWORK)
	case env.GOMOD == "" || env.GOMOD == os.DevNull:
		return &goModule{mode: modeNone}, nil
	case mod == "vendor" || mod == "" && exists(filepath.Join(filepath.Dir(env.GOMOD), "vendor", "modules.txt")):
		return &goModule{mode: modeVendor}, nil
	}
	return copyModule(tmp, env.GOMOD)
}

// copyModule copies the go.mod file gomod and its go.sum into tmp.
func copyModule(tmp, gomod string) (*goModule, error) {
	tmpMod := filepath.Join(tmp, "go.mod")
	if err := copyFile(tmpMod, gomod); err != nil {
		return nil, err
	}
	m := &goModule{
		mode:  modeModule,
		flags: []string{"-modfile=" + tmpMod, "-mod=mod"},
		names: map[string]string{tmpMod: gomod},
	}
	sum := strings.TrimSuffix(gomod, ".mod") + ".sum"
	tmpSum := filepath.Join(tmp, "go.sum")
	m.names[tmpSum] = sum
	if err := copyFile(tmpSum, sum); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return m, nil
}

// copyWorkspace copies the go.work file gowork and its go.work.sum into
// tmp, with the paths of its use and replace directives made absolute.
func copyWorkspace(ctx context.Context, tmp, gowork string) (*goModule, error) {
	tmpWork := filepath.Join(tmp, "go.work")
	if err := copyFile(tmpWork, gowork); err != nil {
		return nil, err
	}
	if err := copyFile(tmpWork+".sum", gowork+".sum"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	m := &goModule{
		mode:  modeWorkspace,
		env:   []string{"GOWORK=" + tmpWork},
		names: map[string]string{tmpWork: gowork, tmpWork + ".sum": gowork + ".sum"},
	}
	out, err := goCommand(ctx, nil, "work", "edit", "-json", tmpWork)
	if err != nil {
		return nil, m.rename(err)
	}
	var work struct {
		Use []struct {
			DiskPath string
		}
		Replace []struct {
			Old, New struct{ Path, Version string }
		}
	}
	if err := json.Unmarshal(out, &work); err != nil {
		return nil, fmt.Errorf("go work edit -json: %w", err)
	}
	dir := filepath.Dir(gowork)
	args := []string{"work", "edit"}
	for _, u := range work.Use {
		if !filepath.IsAbs(u.DiskPath) {
			args = append(args, "-dropuse="+u.DiskPath, "-use="+filepath.Join(dir, u.DiskPath))
		}
	}
	for _, r := range work.Replace {
		if r.New.Version != "" || !isRelativeDir(r.New.Path) {
			continue
		}
		old := r.Old.Path
		if r.Old.Version != "" {
			old += "@" + r.Old.Version
		}
		args = append(args, "-dropreplace="+old, "-replace="+old+"="+filepath.Join(dir, r.New.Path))
	}
	if len(args) > 2 {
		if _, err := goCommand(ctx, nil, append(args, tmpWork)...); err != nil {
			return nil, m.rename(err)
		}
	}
	return m, nil
}

// rename replaces the names of the copies in err's message with the
// user's files.
func (m *goModule) rename(err error) error {
	var ge *goError
	if m == nil || !errors.As(err, &ge) {
		return err
	}
	ge.stderr = m.renameText(ge.stderr)
	return err
}

// renameText replaces the names of the copies in s with the user's files,
// relative to the working directory when they are below it.
func (m *goModule) renameText(s string) string {
	if m == nil {
		return s
	}
	for tmp, user := range m.names {
		s = strings.ReplaceAll(s, tmp, relPos(user))
	}
	return s
}

// goCommand runs the go command with args in m's setting.
func (m *goModule) goCommand(ctx context.Context, args ...string) ([]byte, error) {
	if len(args) > 0 && len(m.flags) > 0 {
		args = append(append([]string{args[0]}, m.flags...), args[1:]...)
	}
	out, err := goCommand(ctx, m.env, args...)
	return out, m.rename(err)
}

// modFlag returns the value of -mod in GOFLAGS, or "".
func modFlag(goflags string) string {
	v := ""
	for _, f := range strings.Fields(goflags) {
		if rest, ok := strings.CutPrefix(strings.TrimPrefix(f, "-"), "-mod="); ok {
			v = rest
		}
	}
	return v
}

// isRelativeDir reports whether the path of a replace directive is a
// relative directory, which must start with ./ or ../ (or be . or ..).
func isRelativeDir(path string) bool {
	p := filepath.ToSlash(path)
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../")
}

// exists reports whether the file name exists.
func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// copyFile copies the file src to dst.
func copyFile(dst, src string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o666)
}

// goError is a failed go command with its output.
type goError struct {
	args   []string
	stderr string
	err    error
}

func (e *goError) Error() string {
	return fmt.Sprintf("go %s: %v\n%s", strings.Join(e.args, " "), e.err, e.stderr)
}

// goWaitDelay is how long an interrupted go command has to clean up and
// exit before it is killed.
const goWaitDelay = 10 * time.Second

// goCommand runs the go command with args and the environment variables
// env added to mbt's, and returns its standard output. When ctx is done, it
// interrupts the go command, as Ctrl-C does, so that it removes its
// temporary files, and returns ctx.Err(). On Linux the go command dies with
// mbt, however mbt dies (package lifeline).
func goCommand(ctx context.Context, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Cancel = func() error {
		err := cmd.Process.Signal(os.Interrupt)
		if err != nil && !errors.Is(err, os.ErrProcessDone) {
			return cmd.Process.Kill() // Windows cannot send an interrupt
		}
		return err
	}
	cmd.WaitDelay = goWaitDelay
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := lifeline.Run(cmd); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &goError{args: args, stderr: stderr.String(), err: err}
	}
	return stdout.Bytes(), nil
}
