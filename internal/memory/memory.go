package memory

import "runtime/metrics"

// Resident returns the bytes of memory the process holds now, as the
// package comment defines them.
func Resident() int64 {
	if n, ok := resident(); ok {
		return n
	}
	return fromRuntime()
}

// fromRuntime returns the memory the Go runtime holds from the operating
// system.
func fromRuntime() int64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}
