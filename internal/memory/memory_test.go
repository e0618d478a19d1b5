package memory

import (
	"runtime"
	"testing"
)

// TestResident_grows checks both measures against memory the test makes
// the process hold: 64 MiB of the Go heap, written so that it is resident.
func TestResident_grows(t *testing.T) {
	const size = 64 << 20
	measures := []struct {
		name string
		fn   func() int64
	}{
		{"Resident", Resident},
		{"fromRuntime", fromRuntime},
	}
	for _, m := range measures {
		before := m.fn()
		if before <= 0 {
			t.Fatalf("%s() = %d before allocating, want a positive size", m.name, before)
		}
		b := make([]byte, size)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		after := m.fn()
		runtime.KeepAlive(b)
		if after < before+size*3/4 {
			t.Errorf("%s() = %d after writing %d bytes, was %d: want it to grow by about that much", m.name, after, size, before)
		}
	}
}
