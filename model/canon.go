package model

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
)

// appendCanon appends a rendering of v that depends on its value only:
// like %#v, but following pointers instead of printing addresses, with map
// entries in the order of their keys' renderings, and functions and
// channels by type. The model's signature hashes it, and must come out
// the same in every process.
func appendCanon(b []byte, v any) []byte {
	return canonValue(b, reflect.ValueOf(v), map[uintptr]bool{})
}

func canonValue(b []byte, v reflect.Value, seen map[uintptr]bool) []byte {
	if !v.IsValid() {
		return append(b, "nil"...)
	}
	t := v.Type()
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return fmt.Appendf(b, "(%v)(nil)", t)
		}
		if seen[v.Pointer()] {
			return fmt.Appendf(b, "(%v)(cycle)", t)
		}
		seen[v.Pointer()] = true
		defer delete(seen, v.Pointer())
		b = append(b, '&')
		return canonValue(b, v.Elem(), seen)
	case reflect.Interface:
		if v.IsNil() {
			return fmt.Appendf(b, "%v(nil)", t)
		}
		return canonValue(b, v.Elem(), seen)
	case reflect.Struct:
		b = fmt.Appendf(b, "%v{", t)
		for i := range v.NumField() {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, t.Field(i).Name...)
			b = append(b, ':')
			b = canonValue(b, v.Field(i), seen)
		}
		return append(b, '}')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return fmt.Appendf(b, "%v(nil)", t)
		}
		b = fmt.Appendf(b, "%v{", t)
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = canonValue(b, v.Index(i), seen)
		}
		return append(b, '}')
	case reflect.Map:
		if v.IsNil() {
			return fmt.Appendf(b, "%v(nil)", t)
		}
		type entry struct{ k, v []byte }
		var es []entry
		iter := v.MapRange()
		for iter.Next() {
			es = append(es, entry{canonValue(nil, iter.Key(), seen), canonValue(nil, iter.Value(), seen)})
		}
		slices.SortFunc(es, func(x, y entry) int { return slices.Compare(x.k, y.k) })
		b = fmt.Appendf(b, "%v{", t)
		for i, e := range es {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, e.k...)
			b = append(b, ':')
			b = append(b, e.v...)
		}
		return append(b, '}')
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return fmt.Appendf(b, "%v", t)
	case reflect.String:
		return fmt.Appendf(b, "%v(%s)", t, strconv.Quote(v.String()))
	}
	// Numbers and booleans: %v of the value, which reflect.Value prints
	// even for unexported fields.
	return fmt.Appendf(b, "%v(%v)", t, v)
}
