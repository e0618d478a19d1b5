package codec

import (
	"fmt"
	"maps"
	"reflect"
	"sync"
	"unsafe"
)

// cloneFn makes the value at dst, which already holds a shallow copy of the
// value at src, a deep copy: it replaces every map, slice and pointer
// reachable from dst by a private copy.
type cloneFn func(dst, src unsafe.Pointer)

var cloners sync.Map // reflect.Type -> cloneFn (nil for flat types)

// clonerFor returns the cached cloner of t, or nil when a shallow copy of t
// is a deep copy.
func clonerFor(t reflect.Type) (cloneFn, error) {
	if f, ok := cloners.Load(t); ok {
		return f.(cloneFn), nil
	}
	f, err := buildCloner(t, map[reflect.Type]*cloneFn{})
	if err != nil {
		return nil, err
	}
	cloners.Store(t, f)
	return f, nil
}

// flat reports whether assignment copies a t value completely. Strings are
// immutable, so they count as flat.
func flat(t reflect.Type, seen map[reflect.Type]bool) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() == 0 || flat(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if !flat(t.Field(i).Type, seen) {
				return false
			}
		}
		return true
	case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Interface:
		return false
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return false
	}
	return true
}

func buildCloner(t reflect.Type, seen map[reflect.Type]*cloneFn) (cloneFn, error) {
	if f, ok := seen[t]; ok {
		return func(dst, src unsafe.Pointer) { (*f)(dst, src) }, nil
	}
	if flat(t, nil) {
		return nil, nil
	}
	switch t.Kind() {
	case reflect.Array:
		elem, err := buildCloner(t.Elem(), seen)
		if err != nil || elem == nil {
			return elem, err
		}
		n, size := t.Len(), t.Elem().Size()
		return func(dst, src unsafe.Pointer) {
			for i := range n {
				off := uintptr(i) * size
				elem(unsafe.Add(dst, off), unsafe.Add(src, off))
			}
		}, nil
	case reflect.Struct:
		type field struct {
			off   uintptr
			clone cloneFn
		}
		var fields []field
		for i := range t.NumField() {
			f := t.Field(i)
			c, err := buildCloner(f.Type, seen)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name, err)
			}
			if c != nil {
				fields = append(fields, field{f.Offset, c})
			}
		}
		return func(dst, src unsafe.Pointer) {
			for _, f := range fields {
				f.clone(unsafe.Add(dst, f.off), unsafe.Add(src, f.off))
			}
		}, nil
	case reflect.Slice:
		var self cloneFn
		seen[t] = &self
		defer delete(seen, t)
		elem, err := buildCloner(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		size := t.Elem().Size()
		if elem == nil && noPointers(t.Elem()) {
			// One allocation, no reflection: the GC does not look inside
			// pointer-free memory, so any 8-aligned block will do.
			self = func(dst, src unsafe.Pointer) {
				s := (*sliceHeader)(src)
				if s.data == nil {
					return
				}
				n := uintptr(s.len) * size
				words := make([]uint64, (n+7)/8)
				var data unsafe.Pointer
				if len(words) > 0 {
					data = unsafe.Pointer(&words[0])
					copy(unsafe.Slice((*byte)(data), n), unsafe.Slice((*byte)(s.data), n))
				} else {
					data = s.data // zero-size: share the non-nil zero pointer
				}
				*(*sliceHeader)(dst) = sliceHeader{data: data, len: s.len, cap: s.len}
			}
			return self, nil
		}
		self = func(dst, src unsafe.Pointer) {
			s := reflect.NewAt(t, src).Elem()
			if s.IsNil() {
				return
			}
			n := s.Len()
			c := reflect.MakeSlice(t, n, n)
			reflect.Copy(c, s)
			if elem != nil {
				d, o := c.UnsafePointer(), s.UnsafePointer()
				for i := range n {
					off := uintptr(i) * size
					elem(unsafe.Add(d, off), unsafe.Add(o, off))
				}
			}
			reflect.NewAt(t, dst).Elem().Set(c)
		}
		return self, nil
	case reflect.Pointer:
		var self cloneFn
		seen[t] = &self
		defer delete(seen, t)
		elem, err := buildCloner(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		self = func(dst, src unsafe.Pointer) {
			q := *(*unsafe.Pointer)(src)
			if q == nil {
				return
			}
			c := reflect.New(t.Elem())
			c.Elem().Set(reflect.NewAt(t.Elem(), q).Elem())
			if elem != nil {
				elem(c.UnsafePointer(), q)
			}
			*(*unsafe.Pointer)(dst) = c.UnsafePointer()
		}
		return self, nil
	case reflect.Map:
		if f := fastMapCloner(t); f != nil {
			return f, nil
		}
		var self cloneFn
		seen[t] = &self
		defer delete(seen, t)
		kc, err := buildCloner(t.Key(), seen)
		if err != nil {
			return nil, err
		}
		vc, err := buildCloner(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		self = func(dst, src unsafe.Pointer) {
			m := reflect.NewAt(t, src).Elem()
			if m.IsNil() {
				return
			}
			c := reflect.MakeMapWithSize(t, m.Len())
			k := reflect.New(t.Key()).Elem()
			v := reflect.New(t.Elem()).Elem()
			it := m.MapRange()
			for it.Next() {
				k.SetIterKey(it)
				v.SetIterValue(it)
				kk, vv := k, v
				if kc != nil {
					kk = deepCopy(k, kc)
				}
				if vc != nil {
					vv = deepCopy(v, vc)
				}
				c.SetMapIndex(kk, vv)
			}
			reflect.NewAt(t, dst).Elem().Set(c)
		}
		return self, nil
	case reflect.Interface:
		return func(dst, src unsafe.Pointer) {
			v := reflect.NewAt(t, src).Elem()
			if v.IsNil() {
				return
			}
			d := v.Elem()
			c, err := clonerFor(d.Type())
			if err != nil {
				panic(fmt.Sprintf("mbt: cannot copy a %v stored in an interface of a state: %v", d.Type(), err))
			}
			if c == nil {
				return
			}
			n := reflect.New(d.Type()).Elem()
			n.Set(d)
			reflect.NewAt(t, dst).Elem().Set(deepCopy(n, c))
		}, nil
	}
	return nil, fmt.Errorf("a %v (kind %v) cannot be part of a state; states must be data", t, t.Kind())
}

// deepCopy returns a deep copy of v, using its cloner c.
func deepCopy(v reflect.Value, c cloneFn) reflect.Value {
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	src := reflect.New(v.Type())
	src.Elem().Set(v)
	c(p.UnsafePointer(), src.UnsafePointer())
	return p.Elem()
}

// fastMapCloner clones maps whose keys and values are flat without
// reflection per entry.
func fastMapCloner(t reflect.Type) cloneFn {
	switch basicMap(t) {
	case reflect.TypeFor[map[string]string]():
		return cloneMap[map[string]string]
	case reflect.TypeFor[map[string]bool]():
		return cloneMap[map[string]bool]
	case reflect.TypeFor[map[string]int]():
		return cloneMap[map[string]int]
	case reflect.TypeFor[map[string]struct{}]():
		return cloneMap[map[string]struct{}]
	}
	return nil
}

func cloneMap[M ~map[K]V, K comparable, V any](dst, src unsafe.Pointer) {
	*(*M)(dst) = maps.Clone(*(*M)(src))
}

// noPointers reports whether t's memory holds no pointers, so it may be
// copied byte by byte and allocated untyped.
func noPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || noPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !noPointers(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}
