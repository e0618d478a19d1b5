package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mbtgo/mbt/internal/lifeline"
)

// buildError is a failure to build the driver: exit code 3.
type buildError struct{ msg string }

func (e *buildError) Error() string { return e.msg }

// buildDriver builds the driver program src for t and returns the path of
// the binary and a function that removes what must not outlive the run.
//
// The driver's main.go exists only in a `go build -overlay`: the user's
// tree is never written to. It sits in t.DriverDir, inside the user's
// module, so the module's go.mod decides which mbt version it imports.
//
// Binaries are cached under the mbt cache directory, keyed by the build ID
// that `go list -export` reports for the driver package (which covers the
// content of every package it imports) and by the build environment; the
// go command's own cache makes computing the key cheap. Each package keeps
// only its latest binary. A new binary is written under a temporary name and
// renamed, so concurrent runs never see a partial file.
func buildDriver(ctx context.Context, t *target, src []byte) (bin string, cleanup func(), err error) {
	tmp, err := os.MkdirTemp("", "mbt-driver-")
	if err != nil {
		return "", nil, err
	}
	remove := func() { os.RemoveAll(tmp) }
	cleanup = remove
	defer func() {
		if err != nil {
			remove() // not cleanup, which a failure's return sets to nil
		}
	}()
	mainGo := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(mainGo, src, 0o666); err != nil {
		return "", nil, err
	}
	overlay, err := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(t.DriverDir, "main.go"): mainGo},
	})
	if err != nil {
		return "", nil, err
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o666); err != nil {
		return "", nil, err
	}
	// The go commands run in the working directory, as packages.Load did,
	// so that compiler messages have the paths the user expects.
	pkgArg := t.DriverDir

	out, err := goCommand(ctx, "list", "-overlay="+overlayFile, "-export", "-f", "{{.BuildID}}", pkgArg)
	if err != nil {
		return "", nil, buildFailure(t, err)
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
		if _, err := goCommand(ctx, "build", "-overlay="+overlayFile, "-o", bin, pkgArg); err != nil {
			return "", nil, buildFailure(t, err)
		}
		return bin, cleanup, nil
	}
	bin = filepath.Join(dir, "driver-"+key+exe)
	if _, err := os.Stat(bin); err == nil {
		now := time.Now()
		os.Chtimes(bin, now, now) // mark as recently used; failure is harmless
		return bin, cleanup, nil
	}
	part, err := os.CreateTemp(dir, ".building-*"+exe)
	if err != nil {
		return "", nil, err
	}
	part.Close()
	if _, err := goCommand(ctx, "build", "-overlay="+overlayFile, "-o", part.Name(), pkgArg); err != nil {
		os.Remove(part.Name())
		return "", nil, buildFailure(t, err)
	}
	if err := os.Rename(part.Name(), bin); err != nil {
		os.Remove(part.Name())
		return "", nil, err
	}
	prune(dir, bin)
	return bin, cleanup, nil
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

// goError is a failed go command with its output.
type goError struct {
	args   []string
	stderr string
	err    error
}

func (e *goError) Error() string {
	return fmt.Sprintf("go %s: %v\n%s", strings.Join(e.args, " "), e.err, e.stderr)
}

// goCommand runs the go command and returns its standard output. On Linux
// the go command dies with mbt (package lifeline).
func goCommand(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
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

// buildFailure explains a failed build of the driver.
func buildFailure(t *target, err error) error {
	ge, ok := err.(*goError)
	if !ok {
		return &buildError{fmt.Sprintf("build the driver for %s: %v", t.Pattern, err)}
	}
	out := strings.TrimSpace(ge.stderr)
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "# ") {
			continue // the package header of compiler output
		}
		lines = append(lines, relPos(l))
	}
	msg := fmt.Sprintf("build the driver for %s:\n\t%s", t.Pattern, strings.Join(lines, "\n\t"))
	switch {
	case strings.Contains(out, "github.com/mbtgo/mbt/driver") &&
		(strings.Contains(out, "no required module provides") || strings.Contains(out, "is not in std") ||
			strings.Contains(out, "cannot find") || strings.Contains(out, "does not contain package")):
		msg += "\nthe version of github.com/mbtgo/mbt that this module requires has no package driver;" +
			" update it with: go get github.com/mbtgo/mbt@latest"
	case strings.Contains(out, "vendor"):
		msg += "\nthe module is vendored: add a blank import of github.com/mbtgo/mbt/driver to a file of the module" +
			" (a tools.go with a build tag), run go mod vendor, and try again"
	case strings.Contains(out, "missing go.sum entry"):
		msg += "\nrun go mod tidy in the module, and try again"
	}
	return &buildError{msg}
}
