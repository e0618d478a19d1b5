//go:build unix

package subprocess_test

import (
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mbtgo/mbt/adapters/subprocess"
	"github.com/mbtgo/mbt/model"
)

func init() {
	detach = func(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }
}

// TestAdapter_EscapedChild runs a program that leaves a child in another
// process group holding its stdout and stderr, out of mbt's reach: the
// step still ends soon after the program exits, and so does Close.
func TestAdapter_EscapedChild(t *testing.T) {
	t.Parallel()
	a := newChild(t, "escape", subprocess.Options{})
	ctx := context.Background()
	if err := a.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := a.Do(ctx, model.Step{Action: "Withdraw", Args: []any{1}}, nil)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the step took %v", d)
	}
	m := regexp.MustCompile(`escaped pid (\d+)`).FindStringSubmatch(a.Stderr())
	if m == nil {
		t.Fatalf("no escaped pid in stderr: %q", a.Stderr())
	}
	pid, _ := strconv.Atoi(m[1])
	t.Cleanup(func() { syscall.Kill(-pid, syscall.SIGKILL) })
	if want := "the program exited (exit status 3) during step Withdraw(1)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Do = %v, want %s", err, want)
	}
}
