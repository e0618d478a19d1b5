// Package panicstack keeps the frames of a recovered panic's stack that
// belong to the user's code: from the function that panicked down to the
// mbt function that called the user's code. The explorer, the driver and
// tlaimport report panics in models with them.
package panicstack

import "strings"

// Frames returns the frames of stack, as runtime/debug.Stack prints it in
// a deferred function that recovered a panic, from the function that
// panicked down to, and without, the first frame whose function stop
// accepts; frames of package runtime are left out. Each frame is two
// lines, the function and its file:line. It returns "" when stack holds no
// panic.
func Frames(stack string, stop func(function string) bool) string {
	lines := strings.Split(stack, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			start = i + 2
			break
		}
	}
	if start < 0 || start >= len(lines) {
		return ""
	}
	var out []string
	for i := start; i+1 < len(lines); i += 2 {
		if stop(lines[i]) {
			break
		}
		if strings.HasPrefix(lines[i], "runtime.") {
			continue
		}
		out = append(out, lines[i], lines[i+1])
	}
	return strings.Join(out, "\n")
}
