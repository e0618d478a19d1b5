package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"
)

// buildError is a failure to build the driver: exit code 3. err is its
// cause, if any.
type buildError struct {
	msg string
	err error
}

func (e *buildError) Error() string { return e.msg }
func (e *buildError) Unwrap() error { return e.err }

// buildDriver builds the driver program src for t and returns the path of
// the binary and a function that removes what must not outlive the run. On
// error, it has removed it already: the function is nil.
//
// The driver's main.go exists only in a `go build -overlay`: the user's
// tree is never written to. It sits in t.DriverDir, inside the user's
// module, so the module's go.mod decides which mbt version it imports. The
// go commands read copies of the module's go.mod and go.sum (or go.work),
// which they may complete: see [goModule].
//
// Binaries are cached under the mbt cache directory, keyed by the build ID
// that `go list -export` reports for the driver package (which covers the
// content of every package it imports) and by the build environment; the
// go command's own cache makes computing the key cheap. Each package keeps
// only its latest binary. A new binary is written under a temporary name and
// renamed, so concurrent runs never see a partial file.
func buildDriver(ctx context.Context, t *target, src []byte) (string, func(), error) {
	tmp, err := os.MkdirTemp("", "mbt-driver-")
	if err != nil {
		return "", nil, &buildError{fmt.Sprintf("build the driver for %s: %v", t.Pattern, err), err}
	}
	removeTmp := func() { os.RemoveAll(tmp) }
	bin, inTmp, err := buildIn(ctx, tmp, t, src)
	switch {
	case err != nil:
		removeTmp()
		return "", nil, err
	case !inTmp:
		removeTmp()
		return bin, func() {}, nil
	}
	return bin, removeTmp, nil
}

// buildIn builds the driver as buildDriver does, with the temporary
// directory tmp, and reports whether the binary is in tmp.
func buildIn(ctx context.Context, tmp string, t *target, src []byte) (bin string, inTmp bool, err error) {
	mainGo := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(mainGo, src, 0o666); err != nil {
		return "", false, buildFailure(t, nil, err)
	}
	overlay, err := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(t.DriverDir, "main.go"): mainGo},
	})
	if err != nil {
		return "", false, buildFailure(t, nil, err)
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o666); err != nil {
		return "", false, buildFailure(t, nil, err)
	}
	if m := t.MBT; m != nil && m.Dir != "" && !hasGoFiles(filepath.Join(m.Dir, "driver")) {
		// Checked before the go command, which would look for another
		// version of mbt on the network.
		return "", false, &buildError{fmt.Sprintf("build the driver for %s: %s, which the module requires, has no package driver;"+
			" update it with: go get %s@latest", t.Pattern, moduleString(m), m.Path), nil}
	}
	mod, err := newGoModule(ctx, tmp)
	if err != nil {
		return "", false, buildFailure(t, mod, err)
	}
	// The go commands run in the working directory, as packages.Load did,
	// so that compiler messages have the paths the user expects.
	pkgArg := t.DriverDir

	out, err := mod.goCommand(ctx, "list", "-overlay="+overlayFile, "-export", "-f", "{{.BuildID}}", pkgArg)
	if err != nil {
		return "", false, buildFailure(t, mod, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", src, bytes.TrimSpace(out))
	for _, k := range []string{"GOFLAGS", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "CC", "CGO_LDFLAGS"} {
		fmt.Fprintf(h, "%s=%s\x00", k, os.Getenv(k))
	}
	key := hex.EncodeToString(h.Sum(nil))[:20]
	slot := sha256.Sum256([]byte(t.DriverDir))
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}

	dir := ""
	if root, err := cacheDir(); err == nil {
		dir = filepath.Join(root, "drivers", hex.EncodeToString(slot[:])[:20])
		if err := os.MkdirAll(dir, 0o777); err != nil {
			dir = ""
		}
	}
	if dir == "" {
		// No cache: build into the temporary directory.
		bin = filepath.Join(tmp, "driver"+exe)
		if _, err := mod.goCommand(ctx, "build", "-overlay="+overlayFile, "-o", bin, pkgArg); err != nil {
			return "", false, buildFailure(t, mod, err)
		}
		return bin, true, nil
	}
	bin = filepath.Join(dir, "driver-"+key+exe)
	if _, err := os.Stat(bin); err == nil {
		now := time.Now()
		os.Chtimes(bin, now, now) // mark as recently used; failure is harmless
		return bin, false, nil
	}
	part, err := os.CreateTemp(dir, ".building-*"+exe)
	if err != nil {
		return "", false, buildFailure(t, mod, err)
	}
	part.Close()
	if _, err := mod.goCommand(ctx, "build", "-overlay="+overlayFile, "-o", part.Name(), pkgArg); err != nil {
		os.Remove(part.Name())
		return "", false, buildFailure(t, mod, err)
	}
	if err := os.Rename(part.Name(), bin); err != nil {
		os.Remove(part.Name())
		return "", false, buildFailure(t, mod, err)
	}
	prune(dir, bin)
	return bin, false, nil
}

// hasGoFiles reports whether the directory dir holds a Go file other
// than a test.
func hasGoFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") && !e.IsDir() {
			return true
		}
	}
	return false
}

// moduleString describes module m: its path and version, and what
// replaces it.
func moduleString(m *packages.Module) string {
	s := m.Path
	if m.Version != "" {
		s += " " + m.Version
	}
	if r := m.Replace; r != nil {
		s += " (replaced by " + relPos(r.Path)
		if r.Version != "" {
			s += " " + r.Version
		}
		s += ")"
	}
	return s
}

// prune removes the binaries in dir other than keep that are more than a
// minute old: older builds of the same package. Errors are ignored; a
// binary still running elsewhere may fail to go on some systems.
func prune(dir, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if p == keep {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
			os.Remove(p)
		}
	}
}

// cacheDir returns the directory where mbt caches driver binaries:
// $MBT_CACHE, or mbt in the user's cache directory.
func cacheDir() (string, error) {
	if d := os.Getenv("MBT_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "mbt"), nil
}

// buildFailure explains a failed build of the driver in the setting mod
// (nil if it was not known yet): the go command's own message, positions
// relative to the working directory, and advice for the failures that
// need it.
func buildFailure(t *target, mod *goModule, err error) error {
	var ge *goError
	if !errors.As(err, &ge) {
		return &buildError{fmt.Sprintf("build the driver for %s: %v", t.Pattern, err), err}
	}
	out := strings.TrimSpace(mod.renameText(ge.stderr))
	if out == "" {
		out = fmt.Sprintf("go %s: %v", ge.args[0], ge.err)
	}
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "# ") {
			continue // the package header of compiler output
		}
		lines = append(lines, relPos(l))
	}
	msg := fmt.Sprintf("build the driver for %s:\n\t%s", t.Pattern, strings.Join(lines, "\n\t"))
	vendored := mod != nil && mod.mode == modeVendor
	switch {
	case vendored && strings.Contains(out, driverPkgPath):
		msg += "\nthe module is vendored, and package driver is not: make mbt a tool of the module" +
			" (go get -tool github.com/mbtgo/mbt/cmd/mbt; with Go before 1.24, a blank import of github.com/mbtgo/mbt/driver" +
			" in a tools.go with a build tag), run go mod vendor, and try again"
	case strings.Contains(out, driverPkgPath) &&
		(strings.Contains(out, "no required module provides") || strings.Contains(out, "is not in std") ||
			strings.Contains(out, "cannot find") || strings.Contains(out, "does not contain package")):
		msg += "\nthe version of github.com/mbtgo/mbt that this module requires has no package driver;" +
			" update it with: go get github.com/mbtgo/mbt@latest"
	case vendored || strings.Contains(out, "vendor"):
		msg += "\nthe module is vendored: run go mod vendor, and try again"
	case strings.Contains(out, "missing go.sum entry"):
		msg += "\nrun go mod tidy in the module, and try again"
	}
	return &buildError{msg, err}
}
