package explorer

import "sync"

// shardBits selects the shard of a fingerprint from its top bits.
const shardBits = 6

// fpSet is a set of 64-bit fingerprints: open addressing with linear
// probing, split into shards so that parallel workers rarely meet on a lock.
// Fingerprint 0 marks an empty slot; the fingerprint 0 is stored as 1.
type fpSet struct {
	locked bool
	shards [1 << shardBits]shard
}

type shard struct {
	mu    sync.Mutex
	slots []uint64
	n     int
	_     [24]byte // keep shards on separate cache lines
}

func newFPSet(locked bool) *fpSet {
	s := &fpSet{locked: locked}
	for i := range s.shards {
		s.shards[i].slots = make([]uint64, 16)
	}
	return s
}

// insert adds fp and reports whether it was new.
func (s *fpSet) insert(fp uint64) bool {
	if fp == 0 {
		fp = 1
	}
	sh := &s.shards[fp>>(64-shardBits)]
	if s.locked {
		sh.mu.Lock()
		ok := sh.insert(fp)
		sh.mu.Unlock()
		return ok
	}
	return sh.insert(fp)
}

func (sh *shard) insert(fp uint64) bool {
	if (sh.n+1)*4 > len(sh.slots)*3 {
		sh.grow()
	}
	mask := uint64(len(sh.slots) - 1)
	for i := fp & mask; ; i = (i + 1) & mask {
		switch sh.slots[i] {
		case 0:
			sh.slots[i] = fp
			sh.n++
			return true
		case fp:
			return false
		}
	}
}

func (sh *shard) grow() {
	old := sh.slots
	sh.slots = make([]uint64, 2*len(old))
	mask := uint64(len(sh.slots) - 1)
	for _, fp := range old {
		if fp == 0 {
			continue
		}
		i := fp & mask
		for sh.slots[i] != 0 {
			i = (i + 1) & mask
		}
		sh.slots[i] = fp
	}
}

// bytes returns the memory held by the slots.
func (s *fpSet) bytes() int64 {
	var b int64
	for i := range s.shards {
		b += int64(len(s.shards[i].slots)) * 8
	}
	return b
}

// peek loads the slot where fp's probe starts, so that its cache line is on
// its way when insert needs it. Only for unlocked sets.
func (s *fpSet) peek(fp uint64) uint64 {
	sh := &s.shards[fp>>(64-shardBits)]
	return sh.slots[fp&uint64(len(sh.slots)-1)]
}
