package panicstack

import (
	"runtime/debug"
	"strings"
	"testing"
)

func boom(xs []int) int { return xs[3] }

func userCode() { boom(nil) }

func caller() (stack string) {
	defer func() {
		if recover() != nil {
			stack = Frames(string(debug.Stack()), func(fn string) bool {
				return strings.HasPrefix(fn, "github.com/mbtgo/mbt/internal/panicstack.caller")
			})
		}
	}()
	userCode()
	return ""
}

func TestFrames(t *testing.T) {
	got := caller()
	lines := strings.Split(got, "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "panicstack.boom(") || !strings.Contains(lines[1], "panicstack_test.go:") ||
		!strings.Contains(lines[2], "panicstack.userCode(") {
		t.Errorf("Frames kept:\n%s\nwant boom and userCode with their files, without runtime frames or the caller", got)
	}
	if Frames("goroutine 1 [running]:\nmain.main()\n", func(string) bool { return false }) != "" {
		t.Error("a stack without a panic has frames")
	}
}
