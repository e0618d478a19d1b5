package explorer_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/mbtgo/mbt/examples/counters"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/internal/memory"
)

// TestExplore_MaxMemoryCountsTheProcess checks that MaxMemory compares the
// memory of the whole process, not only the Go heap's objects: memory
// mapped outside the Go heap (as C code, a large cache or the runtime's
// free spans hold it) counts, and PeakMemory reports it.
func TestExplore_MaxMemoryCountsTheProcess(t *testing.T) {
	const size = 256 << 20
	before := memory.Resident()
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(mem)
	for i := 0; i < len(mem); i += 4096 {
		mem[i] = 1 // make the page resident
	}
	if held := memory.Resident(); held < before+size/2 {
		t.Fatalf("Resident() = %d after touching %d bytes, was %d: the measure misses memory outside the Go heap", held, size, before)
	}
	// The limit is above what the process held before the mapping and
	// below what it holds with it.
	limit := before + size/2
	ctx, cancel := context.WithTimeout(context.Background(), backstop)
	defer cancel()
	// Random walks in a small model keep the heap small and never end by
	// themselves: only the memory limit can stop them before MaxTime.
	small, err := counters.Model(counters.Config{K: 2, M: 3})
	if err != nil {
		t.Fatal(err)
	}
	opts := explorer.Options{Strategy: explorer.Random, Walks: 1 << 30, MaxMemory: limit, MaxTime: backstop, Workers: 2}
	res := explore(t, ctx, small, opts)
	if res.Status != explorer.Incomplete || res.Reason != explorer.MemoryLimit {
		t.Errorf("Explore() = status %v, reason %q; want incomplete, %q: %d bytes mapped outside the heap put the process over MaxMemory = %d",
			res.Status, res.Reason, explorer.MemoryLimit, size, limit)
	}
	if res.Stats.Elapsed > 10*time.Second {
		t.Errorf("Elapsed = %v, want it stopped at once", res.Stats.Elapsed)
	}
	if res.Stats.PeakMemory < limit {
		t.Errorf("PeakMemory = %d, want at least the limit %d that stopped it", res.Stats.PeakMemory, limit)
	}
	if res.Stats.PeakMemory < res.Stats.TableBytes {
		t.Errorf("PeakMemory = %d is less than TableBytes = %d", res.Stats.PeakMemory, res.Stats.TableBytes)
	}
}
