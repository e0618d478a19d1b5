package memory

import (
	"bytes"
	"os"
	"strconv"
	"testing"
)

// TestResident_matchesStatus compares the resident size from
// /proc/self/statm with VmRSS in /proc/self/status, which the kernel
// computes from the same counters and prints in KiB.
func TestResident_matchesStatus(t *testing.T) {
	n, ok := resident()
	if !ok {
		t.Fatal("resident() cannot read /proc/self/statm")
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	var kib int64 = -1
	for _, line := range bytes.Split(status, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := bytes.Fields(rest)
			if len(f) == 2 && string(f[1]) == "kB" {
				kib, _ = strconv.ParseInt(string(f[0]), 10, 64)
			}
		}
	}
	if kib < 0 {
		t.Fatalf("no VmRSS line in /proc/self/status:\n%s", status)
	}
	// The two reads are moments apart; the process may fault in a few
	// pages between them.
	if d := n - kib*1024; d < -4<<20 || d > 4<<20 {
		t.Errorf("resident() = %d bytes, VmRSS = %d KiB: they differ by %d bytes", n, kib, d)
	}
}
