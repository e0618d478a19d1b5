package codec

import (
	"maps"
	"reflect"
	"unsafe"
)

// intoFn makes the value at dst, which already holds a shallow copy of the
// value at src, a deep copy, reusing the buffers of old where it can and
// taking new pointer-free buffers from the arena a (which may be nil).
// old's buffers must be owned by the caller.
type intoFn func(dst, old, src unsafe.Pointer, a *Arena)

// Arena hands out pointer-free memory for copies of slices in blocks of
// 64 KiB, so that copying many small states does not allocate each one.
// A block stays alive while any copy in it does. The zero value is ready;
// an Arena is not safe for concurrent use.
type Arena struct {
	block []uint64
}

const arenaWords = 8192

// words returns n zeroed 8-byte words.
func (a *Arena) words(n int) unsafe.Pointer {
	if a == nil || n > arenaWords/8 {
		w := make([]uint64, n)
		return unsafe.Pointer(unsafe.SliceData(w))
	}
	if len(a.block) < n {
		a.block = make([]uint64, arenaWords)
	}
	p := unsafe.Pointer(unsafe.SliceData(a.block))
	a.block = a.block[n:]
	return p
}

// CloneInto makes *dst a deep copy of *src, reusing the maps and slices of
// *old instead of allocating new ones where it can. The caller must own
// old's buffers: they must come from an earlier CloneInto whose result
// nothing kept. dst and old must be different variables; *old is not
// changed. Pass a zero *old to allocate everything fresh.
//
// The explorer uses it to compute successors that turn out to be known
// states without allocating: it keeps the buffers it made and lets go of
// them as soon as a successor is kept.
//
// New slices of pointer-free elements come from arena when it is not nil.
func (c *Codec[S]) CloneInto(dst, old, src *S, arena *Arena) {
	switch {
	case c.userClone != nil:
		*dst = c.userClone(src)
	case c.clone == nil:
		*dst = *src
	default:
		*dst = *src
		c.into(unsafe.Pointer(dst), unsafe.Pointer(old), unsafe.Pointer(src), arena)
	}
}

// buildInto returns the reusing cloner of t given its plain cloner.
func buildInto(t reflect.Type, plain cloneFn) intoFn {
	if plain == nil {
		return nil
	}
	fallback := func(dst, old, src unsafe.Pointer, _ *Arena) { plain(dst, src) }
	switch t.Kind() {
	case reflect.Struct:
		type field struct {
			off  uintptr
			into intoFn
		}
		var fields []field
		for i := range t.NumField() {
			f := t.Field(i)
			c, err := clonerFor(f.Type)
			if err != nil || c == nil {
				continue
			}
			fields = append(fields, field{f.Offset, buildInto(f.Type, c)})
		}
		return func(dst, old, src unsafe.Pointer, a *Arena) {
			for _, f := range fields {
				f.into(unsafe.Add(dst, f.off), unsafe.Add(old, f.off), unsafe.Add(src, f.off), a)
			}
		}
	case reflect.Array:
		ec, err := clonerFor(t.Elem())
		if err != nil || ec == nil {
			return fallback
		}
		elem := buildInto(t.Elem(), ec)
		n, size := t.Len(), t.Elem().Size()
		return func(dst, old, src unsafe.Pointer, a *Arena) {
			for i := range n {
				off := uintptr(i) * size
				elem(unsafe.Add(dst, off), unsafe.Add(old, off), unsafe.Add(src, off), a)
			}
		}
	case reflect.Slice:
		et := t.Elem()
		if !flat(et, nil) {
			return fallback
		}
		size := et.Size()
		noPtr := noPointers(et)
		return func(dst, old, src unsafe.Pointer, a *Arena) {
			s, o := (*sliceHeader)(src), (*sliceHeader)(old)
			if s.data == nil {
				return
			}
			n := uintptr(s.len) * size
			if o.data == nil || o.cap < s.len {
				if !noPtr || n == 0 {
					plain(dst, src)
					return
				}
				// A new pointer-free buffer from the arena, capped at its
				// length so that an append cannot reach its neighbours.
				data := a.words(int((n + 7) / 8))
				copy(unsafe.Slice((*byte)(data), n), unsafe.Slice((*byte)(s.data), n))
				*(*sliceHeader)(dst) = sliceHeader{data: data, len: s.len, cap: s.len}
				return
			}
			if noPtr {
				copy(unsafe.Slice((*byte)(o.data), n), unsafe.Slice((*byte)(s.data), n))
			} else {
				reflect.Copy(reflect.NewAt(t, old).Elem().Slice(0, s.len), reflect.NewAt(t, src).Elem())
			}
			*(*sliceHeader)(dst) = sliceHeader{data: o.data, len: s.len, cap: o.cap}
		}
	case reflect.Map:
		switch basicMap(t) {
		case reflect.TypeFor[map[string]string]():
			return intoMap[map[string]string]
		case reflect.TypeFor[map[string]bool]():
			return intoMap[map[string]bool]
		case reflect.TypeFor[map[string]int]():
			return intoMap[map[string]int]
		case reflect.TypeFor[map[string]struct{}]():
			return intoMap[map[string]struct{}]
		}
	}
	return fallback
}

func intoMap[M ~map[K]V, K comparable, V any](dst, old, src unsafe.Pointer, _ *Arena) {
	s, o := *(*M)(src), *(*M)(old)
	if s == nil {
		return
	}
	if o == nil {
		*(*M)(dst) = maps.Clone(s)
		return
	}
	clear(o)
	maps.Copy(o, s)
	*(*M)(dst) = o
}
