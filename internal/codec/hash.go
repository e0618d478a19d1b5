package codec

import (
	"encoding/binary"
	"math/bits"
)

// Secrets of the mixing function; odd 64-bit constants with good bit
// dispersion (the wyhash family).
const (
	h0 = 0xa0761d6478bd642f
	h1 = 0xe7037ed1a0b428db
	h2 = 0x8ebc6af09c88c6e3
	h3 = 0x589965cc75374cc3
)

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// Hash returns a 64-bit hash of b. It is deterministic across runs and
// processes (no random seed), so fingerprints are reproducible; it is not a
// cryptographic hash.
func Hash(b []byte) uint64 {
	n := uint64(len(b))
	h := n ^ h0
	for len(b) >= 16 {
		h = mix(binary.LittleEndian.Uint64(b)^h1, binary.LittleEndian.Uint64(b[8:])^h)
		b = b[16:]
	}
	if len(b) >= 8 {
		h = mix(binary.LittleEndian.Uint64(b)^h2, h^h1)
		b = b[8:]
	}
	if len(b) > 0 {
		var w uint64
		for i, c := range b {
			w |= uint64(c) << (8 * i)
		}
		h = mix(w^h3, h^h2)
	}
	return mix(h^h1, n^h3)
}
