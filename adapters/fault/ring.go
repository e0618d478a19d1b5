package fault

import "sync"

// ring keeps the last len(buf) bytes written to it.
type ring struct {
	mu  sync.Mutex
	buf []byte
	n   int64 // bytes written in all
}

func newRing(size int) *ring { return &ring{buf: make([]byte, size)} }

func (r *ring) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(p)
	size := len(r.buf)
	if len(p) > size {
		r.n += int64(len(p) - size)
		p = p[len(p)-size:]
	}
	for len(p) > 0 {
		k := copy(r.buf[r.n%int64(size):], p)
		p = p[k:]
		r.n += int64(k)
	}
	return n, nil
}

func (r *ring) String() string { return r.since(0) }

// endsLine reports whether the output is empty or ends with a newline.
func (r *ring) endsLine() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	size := int64(len(r.buf))
	return r.n == 0 || r.buf[(r.n-1)%size] == '\n'
}

// written is how many bytes were written in all.
func (r *ring) written() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// since returns what was written after offset off, as far as it is kept.
func (r *ring) since(off int64) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	size := int64(len(r.buf))
	k := min(r.n-off, size, r.n)
	if k <= 0 {
		return ""
	}
	start := (r.n - k) % size
	if start+k <= size {
		return string(r.buf[start : start+k])
	}
	return string(r.buf[start:]) + string(r.buf[:start+k-size])
}
