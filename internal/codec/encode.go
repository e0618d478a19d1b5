package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"unsafe"
)

// encFn appends the encoding of the value at p to b.
type encFn func(b []byte, p unsafe.Pointer) []byte

var encoders sync.Map // reflect.Type -> encFn

// encoderFor returns the cached encoder for t.
func encoderFor(t reflect.Type) (encFn, error) {
	if f, ok := encoders.Load(t); ok {
		return f.(encFn), nil
	}
	f, err := buildEncoder(t, map[reflect.Type]*encFn{})
	if err != nil {
		return nil, err
	}
	encoders.Store(t, f)
	return f, nil
}

// raw reports whether the memory of a t value is its canonical encoding:
// no references, no padding, no floats.
func raw(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	case reflect.Array:
		return raw(t.Elem())
	case reflect.Struct:
		var sum uintptr
		for i := range t.NumField() {
			f := t.Field(i)
			if !raw(f.Type) {
				return false
			}
			sum += f.Type.Size()
		}
		return sum == t.Size()
	}
	return false
}

func rawEncoder(size uintptr) encFn {
	return func(b []byte, p unsafe.Pointer) []byte {
		return append(b, unsafe.Slice((*byte)(p), size)...)
	}
}

// buildEncoder builds the encoder of t. seen breaks recursion through
// pointer, slice and map element types of recursive types.
func buildEncoder(t reflect.Type, seen map[reflect.Type]*encFn) (encFn, error) {
	if f, ok := seen[t]; ok {
		return func(b []byte, p unsafe.Pointer) []byte { return (*f)(b, p) }, nil
	}
	if raw(t) && t.Size() > 0 {
		return rawEncoder(t.Size()), nil
	}
	switch t.Kind() {
	case reflect.Float32:
		return func(b []byte, p unsafe.Pointer) []byte {
			f := *(*float32)(p)
			if f == 0 {
				f = 0
			} else if f != f {
				f = float32(math.NaN())
			}
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
			return b
		}, nil
	case reflect.Float64:
		return func(b []byte, p unsafe.Pointer) []byte { return appendFloat64(b, *(*float64)(p)) }, nil
	case reflect.Complex64:
		return func(b []byte, p unsafe.Pointer) []byte {
			c := *(*complex64)(p)
			b = appendFloat64(appendFloat64(b, float64(real(c))), float64(imag(c)))
			return b
		}, nil
	case reflect.Complex128:
		return func(b []byte, p unsafe.Pointer) []byte {
			c := *(*complex128)(p)
			b = appendFloat64(appendFloat64(b, real(c)), imag(c))
			return b
		}, nil
	case reflect.String:
		return func(b []byte, p unsafe.Pointer) []byte {
			s := *(*string)(p)
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
			return b
		}, nil
	case reflect.Array:
		n := t.Len()
		if n == 0 {
			return func(b []byte, _ unsafe.Pointer) []byte { return b }, nil
		}
		elem, err := buildEncoder(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		size := t.Elem().Size()
		return func(b []byte, p unsafe.Pointer) []byte {
			for i := range n {
				b = elem(b, unsafe.Add(p, uintptr(i)*size))
			}
			return b
		}, nil
	case reflect.Struct:
		type field struct {
			off uintptr
			enc encFn
		}
		var fields []field
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Type.Size() == 0 {
				continue
			}
			enc, err := buildEncoder(f.Type, seen)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name, err)
			}
			fields = append(fields, field{f.Offset, enc})
		}
		return func(b []byte, p unsafe.Pointer) []byte {
			for _, f := range fields {
				b = f.enc(b, unsafe.Add(p, f.off))
			}
			return b
		}, nil
	case reflect.Slice:
		var self encFn
		seen[t] = &self
		defer delete(seen, t)
		et := t.Elem()
		if raw(et) {
			size := et.Size()
			self = func(b []byte, p unsafe.Pointer) []byte {
				n := (*sliceHeader)(p).len
				b = binary.AppendUvarint(b, uint64(n))
				if n > 0 {
					b = append(b, unsafe.Slice((*byte)((*sliceHeader)(p).data), uintptr(n)*size)...)
				}
				return b
			}
			return self, nil
		}
		elem, err := buildEncoder(et, seen)
		if err != nil {
			return nil, err
		}
		size := et.Size()
		self = func(b []byte, p unsafe.Pointer) []byte {
			h := (*sliceHeader)(p)
			b = binary.AppendUvarint(b, uint64(h.len))
			for i := range h.len {
				b = elem(b, unsafe.Add(h.data, uintptr(i)*size))
			}
			return b
		}
		return self, nil
	case reflect.Pointer:
		var self encFn
		seen[t] = &self
		defer delete(seen, t)
		elem, err := buildEncoder(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		self = func(b []byte, p unsafe.Pointer) []byte {
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				b = append(b, 0)
				return b
			}
			b = append(b, 1)
			b = elem(b, q)
			return b
		}
		return self, nil
	case reflect.Map:
		var self encFn
		seen[t] = &self
		defer delete(seen, t)
		kenc, err := buildEncoder(t.Key(), seen)
		if err != nil {
			return nil, fmt.Errorf("map key: %w", err)
		}
		venc, err := buildEncoder(t.Elem(), seen)
		if err != nil {
			return nil, fmt.Errorf("map value: %w", err)
		}
		self = mapEncoder(t, kenc, venc)
		return self, nil
	case reflect.Interface:
		return func(b []byte, p unsafe.Pointer) []byte {
			v := reflect.NewAt(t, p).Elem()
			if v.IsNil() {
				b = append(b, 0)
				return b
			}
			d := v.Elem()
			dt := d.Type()
			enc, err := encoderFor(dt)
			if err != nil {
				panic(fmt.Sprintf("mbt: cannot fingerprint a %v stored in an interface of a state: %v", dt, err))
			}
			name := dt.PkgPath() + "." + dt.String()
			b = append(b, 1)
			b = binary.AppendUvarint(b, uint64(len(name)))
			b = append(b, name...)
			c := reflect.New(dt)
			c.Elem().Set(d)
			b = enc(b, c.UnsafePointer())
			return b
		}, nil
	}
	return nil, fmt.Errorf("a %v (kind %v) cannot be part of a state; states must be data", t, t.Kind())
}

func appendFloat64(b []byte, f float64) []byte {
	if f == 0 {
		f = 0
	} else if f != f {
		f = math.NaN()
	}
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
}

type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

// mapEncoder encodes a map as its length followed by its entries in the
// order of their encoded keys, so equal maps encode equally.
func mapEncoder(t reflect.Type, kenc, venc encFn) encFn {
	// Fast paths for common map types: no reflection per entry.
	switch basicMap(t) {
	case reflect.TypeFor[map[string]string]():
		return func(b []byte, p unsafe.Pointer) []byte {
			m := *(*map[string]string)(p)
			b = binary.AppendUvarint(b, uint64(len(m)))
			for _, k := range sortedKeys(m) {
				b = appendString(appendString(b, k), m[k])
			}
			return b
		}
	case reflect.TypeFor[map[string]bool]():
		return func(b []byte, p unsafe.Pointer) []byte {
			m := *(*map[string]bool)(p)
			b = binary.AppendUvarint(b, uint64(len(m)))
			for _, k := range sortedKeys(m) {
				b = append(appendString(b, k), b2u(m[k]))
			}
			return b
		}
	case reflect.TypeFor[map[string]int]():
		return func(b []byte, p unsafe.Pointer) []byte {
			m := *(*map[string]int)(p)
			b = binary.AppendUvarint(b, uint64(len(m)))
			for _, k := range sortedKeys(m) {
				b = binary.LittleEndian.AppendUint64(appendString(b, k), uint64(m[k]))
			}
			return b
		}
	}
	return func(b []byte, p unsafe.Pointer) []byte {
		m := reflect.NewAt(t, p).Elem()
		n := m.Len()
		b = binary.AppendUvarint(b, uint64(n))
		if n == 0 {
			return b
		}
		// Encode every entry into a private buffer, remember where each key
		// and value lies, then append them in key order.
		type entry struct{ k0, k1, v1 int }
		sub := make([]byte, 0, 16*n)
		entries := make([]entry, 0, n)
		kp := reflect.New(t.Key())
		vp := reflect.New(t.Elem())
		it := m.MapRange()
		for it.Next() {
			var en entry
			en.k0 = len(sub)
			kp.Elem().SetIterKey(it)
			sub = kenc(sub, kp.UnsafePointer())
			en.k1 = len(sub)
			vp.Elem().SetIterValue(it)
			sub = venc(sub, vp.UnsafePointer())
			en.v1 = len(sub)
			entries = append(entries, en)
		}
		slices.SortFunc(entries, func(a, b entry) int {
			return bytes.Compare(sub[a.k0:a.k1], sub[b.k0:b.k1])
		})
		for _, en := range entries {
			b = append(b, sub[en.k0:en.v1]...)
		}
		return b
	}
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func sortedKeys[V any](m map[string]V) []string {
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// basicMap returns the unnamed map type with the same representation as t
// when t's key is a string kind and its value a string, bool or int kind
// (named types included), and nil otherwise. Such maps take fast paths.
func basicMap(t reflect.Type) reflect.Type {
	if t.Kind() != reflect.Map || t.Key().Kind() != reflect.String {
		return nil
	}
	switch e := t.Elem(); {
	case e.Kind() == reflect.String:
		return reflect.TypeFor[map[string]string]()
	case e.Kind() == reflect.Bool:
		return reflect.TypeFor[map[string]bool]()
	case e.Kind() == reflect.Int:
		return reflect.TypeFor[map[string]int]()
	case e.Kind() == reflect.Struct && e.NumField() == 0:
		return reflect.TypeFor[map[string]struct{}]()
	}
	return nil
}
